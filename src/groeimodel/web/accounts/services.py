from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from groeimodel.web.accounts.models import Membership, Organisation, Role


@transaction.atomic
def create_user(
    *,
    organisation: Organisation,
    username: str,
    password: str,
    role: str,
    company: Any = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> Any:
    user = get_user_model().objects.create_user(
        username=username, password=password, first_name=first_name, last_name=last_name, email=email
    )
    Membership.objects.create(
        user=user, organisation=organisation, role=role, company=company if role == Role.ONDERNEMER else None
    )
    return user
