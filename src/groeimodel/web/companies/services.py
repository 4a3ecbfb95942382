from __future__ import annotations

from typing import Any

from django.db import transaction

from groeimodel.web.accounts.models import Role
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
