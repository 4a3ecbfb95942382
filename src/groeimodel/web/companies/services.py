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
    record(
        actor=user, organisation=company.organisation_id, action=Action.CREATE, object_kind="company",
        object_id=company.pk, label=company.name,
    )  # fmt: skip
    return company


@transaction.atomic
def update_company(*, form: Any, user: Any = None) -> Company:
    """Save a valid CompanyForm; in a transaction so that a duplicate KvK number (a race with another save)
    leaves nothing half-written."""
    company: Company = form.save()
    record(
        actor=user, organisation=company.organisation_id, action=Action.UPDATE, object_kind="company",
        object_id=company.pk, label=company.name,
    )  # fmt: skip
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
    """Remove an archived company for good, with its scans, answers, employees' answers, score rows, initiatives,
    business cases and employee rounds. The audit record of the deletion keeps the company's name and KvK number
    (what was deleted, for the organisation's accountability) and nothing else of it."""
    if not company.archived:
        raise ValueError("only an archived company is deleted for good")
    pk, organisation_id = company.pk, company.organisation_id
    name = f"{company.name} (KvK {company.kvk_number})" if company.kvk_number else company.name
    company.delete()
    record(
        actor=user, organisation=organisation_id, action=Action.DELETE, object_kind="company",
        object_id=pk, label=name,
    )  # fmt: skip
