from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from groeimodel.web.accounts.models import Membership, Organisation, Role
from groeimodel.web.audit.services import Action, record


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
    actor: Any = None,
) -> Any:
    user = get_user_model().objects.create_user(
        username=username, password=password, first_name=first_name, last_name=last_name, email=email
    )
    Membership.objects.create(
        user=user, organisation=organisation, role=role, company=company if role == Role.ONDERNEMER else None
    )
    record(
        actor=actor, organisation=organisation, action=Action.CREATE, object_kind="user", object_id=user.pk,
        label=username,
    )  # fmt: skip
    return user


class LastAdministratorError(Exception):
    """The change would leave the organisation without an active administrator."""


@transaction.atomic
def update_user(
    *,
    actor: Any,
    user: Any,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    company: Any,
    is_active: bool,
) -> None:
    """Change a user's name, e-mail address, role, own company and active state, recorded in the audit log.

    The organisation's administrators are locked while the last-administrator rule is checked, so two
    administrators demoting each other at the same moment cannot leave it without one."""
    membership = Membership.objects.select_for_update().get(user=user)
    if membership.role == Role.BEHEERDER and (role != Role.BEHEERDER or not is_active):
        others = (
            Membership.objects.select_for_update()
            .filter(organisation_id=membership.organisation_id, role=Role.BEHEERDER, user__is_active=True)
            .exclude(user=user)
        )
        if not list(others):
            raise LastAdministratorError
    user.first_name, user.last_name, user.email, user.is_active = first_name, last_name, email, is_active
    user.save(update_fields=["first_name", "last_name", "email", "is_active"])
    membership.role = role
    membership.company = company if role == Role.ONDERNEMER else None
    membership.save(update_fields=["role", "company"])
    record(
        actor=actor, organisation=membership.organisation_id, action=Action.UPDATE, object_kind="user",
        object_id=user.pk, label=user.get_username(),
    )  # fmt: skip


def send_password_reset(*, actor: Any, user: Any, domain: str, use_https: bool) -> None:
    """Django's password-reset mail (its token and confirm page) to ``user``'s address, sent by an
    administrator; through the configured e-mail backend."""
    context = {
        "email": user.email,
        "domain": domain,
        "site_name": domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if use_https else "http",
        "organisation": user.membership.organisation,
    }
    PasswordResetForm().send_mail(
        "registration/password_reset_subject.txt",
        "registration/password_reset_by_admin_email.html",
        context,
        None,
        user.email,
    )
    record(
        actor=actor, organisation=user.membership.organisation_id, action=Action.PASSWORD_RESET,
        object_kind="user", object_id=user.pk, label=user.get_username(),
    )  # fmt: skip
