"""Writes for scans: each is a small function with keyword-only arguments inside a transaction."""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groeimodel.model import DEFAULT_MODEL, Model, load_model
from groeimodel.scoring import ScanResult, score
from groeimodel.web.audit.services import Action, record
from groeimodel.web.companies.models import Company
from groeimodel.web.scans.models import Answer, Scan


class ScanError(Exception):
    """A scan action that is not possible now; the message is for the user."""


def model_of(scan: Scan) -> Model:
    return load_model(scan.model_id)


def next_wave(company: Company) -> str:
    waves = [int(m.group(1)) for w in company.scans.values_list("wave", flat=True) if (m := re.fullmatch(r"T(\d+)", w))]
    return f"T{max(waves) + 1}" if waves else "T0"


def start_scan(*, company: Company, user: Any, model_id: str = DEFAULT_MODEL) -> Scan:
    """A new scan in the company's next wave, or the draft that is still open.

    Two people starting at the same moment both get the one new scan: the second insert meets the unique
    (company, wave) constraint and then finds the first one's draft.
    """
    model = load_model(model_id)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                draft = company.scans.select_for_update().filter(status=Scan.Status.DRAFT).first()
                if draft is not None:
                    return draft
                return Scan.objects.create(
                    company=company,
                    wave=next_wave(company),
                    model_id=model.id,
                    model_version=model.version,
                    model_hash=model.content_hash,
                    created_by=user if getattr(user, "is_authenticated", False) else None,
                )
        except IntegrityError:
            continue
    raise ScanError(_("The scan could not be started; please try again."))


def parse_value(raw: str) -> int | None:
    """A posted answer: "1".."5", or "?" for weet niet / n.v.t."""
    if raw == "?":
        return None
    if raw in ("1", "2", "3", "4", "5"):
        return int(raw)
    raise ScanError(_("An answer must be 1 to 5 or “don't know / not applicable”."))


@transaction.atomic
def save_answers(*, scan: Scan, answers: dict[str, int | None]) -> None:
    if scan.submitted:
        raise ScanError(_("This scan has been submitted and can no longer be changed."))
    model = model_of(scan)
    unknown = [item for item in answers if item not in model.item_index]
    if unknown:
        raise ScanError(_("Unknown statement: %(item)s") % {"item": unknown[0]})
    now = timezone.now()
    Answer.objects.bulk_create(
        [Answer(scan=scan, item_id=item, value=value, updated_at=now) for item, value in answers.items()],
        update_conflicts=True,
        unique_fields=["scan", "item_id"],
        update_fields=["value", "updated_at"],
    )
    Scan.objects.filter(pk=scan.pk).update(updated_at=now)


def answers_of(scan: Scan) -> dict[str, int | None]:
    return dict(scan.answers.values_list("item_id", "value"))


def missing_items(scan: Scan, answers: dict[str, int | None] | None = None) -> list[str]:
    """Items without any answer yet ("weet niet" counts as an answer), in questionnaire order."""
    given = answers_of(scan) if answers is None else answers
    return [item.id for item in model_of(scan).items if item.id not in given]


@transaction.atomic
def submit_scan(*, scan: Scan) -> ScanResult:
    """Score the scan with the core and store the result with it (DESIGN §4)."""
    scan = Scan.objects.select_for_update().get(pk=scan.pk)
    if scan.submitted:
        raise ScanError(_("This scan has already been submitted."))
    answers = answers_of(scan)
    missing = missing_items(scan, answers)
    if missing:
        raise ScanError(
            ngettext(
                "%(count)d statement is not answered yet.", "%(count)d statements are not answered yet.", len(missing)
            )
            % {"count": len(missing)}
        )
    model = model_of(scan)
    if model.content_hash != scan.model_hash:
        # The model file changed while the scan was open: score with the installed one if every answer still fits.
        gone = [item for item in answers if item not in model.item_index]
        if gone:
            raise ScanError(
                _("The questionnaire has changed since this scan was started; statement %(item)s no longer exists.")
                % {"item": gone[0]}
            )
        scan.model_version, scan.model_hash = model.version, model.content_hash
    result = score(model, answers)
    scan.result = result.to_dict("nl")
    scan.position = result.position
    scan.next_level = result.next_level
    scan.status = Scan.Status.SUBMITTED
    scan.submitted_at = timezone.now()
    scan.save()
    return result


def delete_draft_scan(*, user: Any, scan: Scan) -> None:
    """Throw away a draft scan with its answers; a scan submitted in the meantime is kept (ScanError)."""
    with transaction.atomic():
        locked = Scan.objects.select_for_update().filter(pk=scan.pk, status=Scan.Status.DRAFT).first()
        if locked is None:
            raise ScanError(_("This scan has been submitted in the meantime; a submitted scan is kept."))
        company = scan.company
        label = f"{company.name} {scan.wave}"
        locked.delete()
        record(
            actor=user, organisation=company.organisation_id, action=Action.DELETE, object_kind="scan",
            object_id=scan.pk, label=label,
        )  # fmt: skip
