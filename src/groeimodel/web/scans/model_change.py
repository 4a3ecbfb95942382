"""Responses whose model file changed after they were made: stored results still render, drafts can move on.

A submitted response is shown with the model version and file (content hash) it was scored with. When that file
was edited since, or no longer loads, :func:`result_model` gives the closest model that loads and the page says
so; the scores come from the stored result either way. A draft whose model version is not the current one, or
whose answered statements the model no longer has, can be carried over to the current version
(:func:`carry_over_draft`): the answers to statements that are gone are dropped and named, the rest are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from groeimodel.model import Model, ModelError, load_model
from groeimodel.model.fallback import ModelMatch, closest_model
from groeimodel.web.audit.services import Action, record
from groeimodel.web.scans.models import Answer, Response
from groeimodel.web.scans.services import ScanError


def result_model(response: Response) -> ModelMatch:
    """The model to show ``response`` with: its own version and file when they still load unchanged."""
    return closest_model(response.model_id, response.model_version, response.model_hash or None)


@dataclass(frozen=True)
class DraftStatus:
    """Whether a draft is still on the current model, and what carrying it over would drop."""

    current: Model
    loadable: bool  # the draft's own version still loads
    outdated: bool  # another version, an edited file, or answers the model no longer has
    gone: tuple[str, ...]  # answered statements (item ids) the current version does not have
    stuck: bool  # cannot be submitted as it is: its version does not load or lacks statements it has answers for

    @property
    def can_carry_over(self) -> bool:
        return self.outdated


def draft_status(scan: Response) -> DraftStatus:
    try:
        current = load_model(scan.model_id)
    except ModelError:  # the model itself is no longer shipped: the default one
        current = load_model()
    try:
        own: Model | None = load_model(scan.model_id, scan.model_version)
    except ModelError:
        own = None
    answered = list(scan.answers.order_by("pk").values_list("item_id", flat=True))
    gone = tuple(item for item in answered if item not in current.item_index)
    gone_in_own = own is None or any(item not in own.item_index for item in answered)
    outdated = (
        own is None
        or own.version != current.version
        or bool(scan.model_hash and own.content_hash != scan.model_hash)
        or gone_in_own
        or bool(gone)
    )
    return DraftStatus(current=current, loadable=own is not None, outdated=outdated, gone=gone, stuck=gone_in_own)


def carry_over_draft(*, user: Any, scan: Response) -> list[str]:
    """Move a draft to the current version of its model; returns the dropped answers' statement ids.

    Raises :class:`ScanError` when the response was submitted in the meantime or is already on the current
    version with nothing to drop.
    """
    with transaction.atomic():
        locked = Response.objects.select_for_update().select_related("wave__company").filter(pk=scan.pk).first()
        if locked is None or locked.submitted:
            raise ScanError(_("This scan has been submitted in the meantime; a submitted scan is kept."))
        status = draft_status(locked)
        if not status.outdated:
            raise ScanError(_("This scan already uses the current version of the model."))
        current = status.current
        dropped = list(status.gone)
        Answer.objects.filter(response=locked, item_id__in=dropped).delete()
        locked.model_id = current.id
        locked.model_version = current.version
        locked.model_hash = current.content_hash
        locked.save(update_fields=["model_id", "model_version", "model_hash", "updated_at"])
        company = locked.wave.company
        record(
            actor=user, organisation=company.organisation_id, action=Action.UPDATE, object_kind="scan",
            object_id=locked.pk, label=f"{company.name} {locked.wave.label} → {current.id} {current.version}",
        )  # fmt: skip
    scan.model_id, scan.model_version, scan.model_hash = locked.model_id, locked.model_version, locked.model_hash
    return dropped
