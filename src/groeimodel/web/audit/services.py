"""Recording an action: call ``record`` inside the transaction that does the action, so both happen or neither."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from groeimodel.web.accounts.models import Organisation
from groeimodel.web.audit.models import AuditRecord
from groeimodel.web.scans.rows import db_value, insert_rows

Action = AuditRecord.Action


def record(
    *, actor: Any, organisation: Organisation | int, action: str, object_kind: str, object_id: int, label: str
) -> AuditRecord | None:
    """One audit row: ``actor`` (a user) did ``action`` to the ``object_kind`` with ``object_id`` named ``label``.

    Work done without a signed-in user (the demo loader, a script calling the services with ``user=None``) is
    not recorded: the log says who did what, and there is no one."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    return AuditRecord.objects.create(
        organisation_id=organisation_id,
        actor=actor,
        actor_name=actor.get_username(),
        action=action,
        object_kind=object_kind,
        object_id=object_id,
        label=label[:300],
    )


def record_many(*, actor: Any, organisation: Organisation | int, entries: Sequence[tuple[str, str, int, str]]) -> None:
    """Several audit rows of one actor in one statement, in the order given: each entry is ``(action,
    object_kind, object_id, label)`` as for :func:`record`, which this is otherwise the same as (for the API's
    submission, whose every statement counts: plain rows, no model instances)."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not entries:
        return
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    name = actor.get_username()
    at = db_value(AuditRecord, "at", timezone.now())
    insert_rows(
        AuditRecord,
        ("organisation_id", "actor_id", "actor_name", "action", "object_kind", "object_id", "label", "at"),
        [
            (organisation_id, actor.pk, name, str(action), kind, object_id, label[:300], at)
            for action, kind, object_id, label in entries
        ],
    )
