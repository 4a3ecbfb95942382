from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from groeimodel.web.accounts.models import Role
from groeimodel.web.audit.services import Action, record
from groeimodel.web.companies.models import Company


@transaction.atomic
def create_company(*, user: Any, data: dict[str, Any], advisors: list[Any] | None = None) -> Company:
    """A company in the user's organisation; an advisor who creates one is assigned to it."""
    membership = user.membership
    company = Company.objects.create(organisation=membership.organisation, **data)
    if membership.role == Role.ADVISEUR:
        company.advisors.add(user)
    if advisors:
        company.advisors.add(*advisors)
    return company


@transaction.atomic
def update_company(*, form: Any) -> Company:
    """Save a valid CompanyForm; in a transaction so that a duplicate KvK number (a race with another save)
    leaves nothing half-written."""
    company: Company = form.save()
    return company


@transaction.atomic
def archive_company(*, user: Any, company: Company) -> None:
    company.archived_at = timezone.now()
    company.save(update_fields=["archived_at"])
    record(
        actor=user, organisation=company.organisation_id, action=Action.ARCHIVE, object_kind="company",
        object_id=company.pk, label=company.name,
    )  # fmt: skip


@transaction.atomic
def restore_company(*, user: Any, company: Company) -> None:
    company.archived_at = None
    company.save(update_fields=["archived_at"])
    record(
        actor=user, organisation=company.organisation_id, action=Action.RESTORE, object_kind="company",
        object_id=company.pk, label=company.name,
    )  # fmt: skip


@transaction.atomic
def delete_company(*, user: Any, company: Company) -> None:
    """Remove an archived company for good, with its scans, answers, initiatives and business cases."""
    if not company.archived:
        raise ValueError("only an archived company is deleted for good")
    pk, organisation_id, name = company.pk, company.organisation_id, company.name
    company.delete()
    record(
        actor=user, organisation=organisation_id, action=Action.DELETE, object_kind="company",
        object_id=pk, label=name,
    )  # fmt: skip
