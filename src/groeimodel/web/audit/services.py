"""Recording an action: call ``record`` inside the transaction that does the action, so both happen or neither."""

from __future__ import annotations

from typing import Any

from groeimodel.web.accounts.models import Organisation
from groeimodel.web.audit.models import AuditRecord

Action = AuditRecord.Action


def record(
    *, actor: Any, organisation: Organisation | int, action: str, object_kind: str, object_id: int, label: str
) -> AuditRecord:
    """One audit row: ``actor`` (a user) did ``action`` to the ``object_kind`` with ``object_id`` named ``label``."""
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
