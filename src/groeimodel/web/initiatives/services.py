"""Writes and derived figures for initiatives; the classifier and the finance rules come from the core."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from groeimodel.classify import Prediction, load_classifier
from groeimodel.finance import BusinessCase, business_case
from groeimodel.model import Lang, load_model
from groeimodel.web.audit.services import Action, record
from groeimodel.web.companies.models import Company
from groeimodel.web.initiatives.models import Initiative

MODEL_ID = "groeimodel"


def suggest(text: str, lang: Lang = "nl") -> Prediction:
    return load_classifier().predict([text], model=load_model(MODEL_ID), lang=lang)[0]


@transaction.atomic
def save_initiative(
    *,
    user: Any,
    company: Company,
    data: dict[str, Any],
    level_choice: str,
    indicators: dict[str, float],
    instance: Initiative | None = None,
) -> Initiative:
    """Create or update an initiative. The classifier's suggestion for the description is stored; the level is
    the suggestion when ``level_choice`` is empty (confirmed) or the chosen level (overridden), with who and when."""
    initiative = instance or Initiative(company=company, created_by=user)
    described_before = initiative.description if instance is not None else None
    for key, value in data.items():
        setattr(initiative, key, value)
    # The suggestion belongs to the description: it is made again only when the description changed.
    if (
        initiative.suggestion is None
        or initiative.suggested_level is None
        or initiative.description != described_before
    ):
        prediction = suggest(initiative.description)
        initiative.suggested_level = prediction.level
        initiative.suggestion = {
            "probabilities": {str(k): v for k, v in prediction.probabilities.items()},
            "evidence": prediction.evidence,
            "corpus_hash": load_classifier().meta["corpus_hash"],
        }
        initiative.suggested_at = timezone.now()
    suggested = initiative.suggested_level
    decided = suggested if level_choice == "" else int(level_choice)
    overridden = decided != suggested
    # Who decided, and when, changes only with the decision itself, not with an edit of the title or the figures.
    if instance is None or decided != initiative.level or overridden != initiative.level_overridden:
        initiative.decided_by = user
        initiative.decided_at = timezone.now()
    initiative.level = decided
    initiative.level_overridden = overridden
    initiative.indicators = {k: v for k, v in indicators.items() if v is not None}
    initiative.save()
    record(
        actor=user, organisation=company.organisation_id, action=Action.CREATE if instance is None else Action.UPDATE,
        object_kind="initiative", object_id=initiative.pk, label=initiative.title,
    )  # fmt: skip
    return initiative


def _float(value: Decimal | None, default: float = 0.0) -> float:
    return float(value) if value is not None else default


def business_case_of(initiative: Initiative) -> BusinessCase | None:
    if not initiative.has_business_case:
        return None
    return business_case(
        investment=_float(initiative.investment),
        annual_benefit=_float(initiative.annual_benefit),
        annual_cost=_float(initiative.annual_cost),
        years=initiative.years or 5,
        discount_rate=_float(initiative.discount_rate, 5.0) / 100,
    )


@transaction.atomic
def delete_initiative(*, user: Any, initiative: Initiative) -> None:
    """Remove an initiative with its business case and indicators."""
    pk, organisation_id, label = initiative.pk, initiative.company.organisation_id, initiative.title
    initiative.delete()
    record(
        actor=user, organisation=organisation_id, action=Action.DELETE, object_kind="initiative",
        object_id=pk, label=label,
    )  # fmt: skip
