from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groeimodel.web.accounts.models import Membership, Role
from groeimodel.web.companies.models import Company
from groeimodel.web.validators import validate_visible


def check_role_and_company(form: forms.Form, data: dict[str, Any]) -> None:
    """An entrepreneur needs their own company; no other role has one (it would be lost without a word)."""
    if "role" not in data:
        return
    if data["role"] == Role.ONDERNEMER and not data.get("company"):
        form.add_error("company", _("Choose the entrepreneur's company."))
    elif data["role"] != Role.ONDERNEMER and data.get("company"):
        form.add_error(
            "company",
            _("Only an entrepreneur has an own company: clear this field, or choose the role entrepreneur."),
        )


class UserCreateForm(forms.Form):
    username = forms.SlugField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False, validators=[validate_visible])
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False, validators=[validate_visible])
    email = forms.EmailField(label=_("E-mail address"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    company = forms.ModelChoiceField(
        label=_("Own company"),
        queryset=Company.objects.none(),
        required=False,
        help_text=_("Required for an entrepreneur: the company they may see."),
    )
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        company = self.fields["company"]
        assert isinstance(company, forms.ModelChoiceField)
        company.queryset = Company.objects.filter(organisation=organisation, archived_at__isnull=True)

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if get_user_model().objects.filter(username=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_role_and_company(self, data)
        if data.get("password"):
            user = get_user_model()(username=data.get("username", ""), email=data.get("email", ""))
            try:
                password_validation.validate_password(data["password"], user)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class UserEditForm(forms.Form):
    """What the administrator changes about a user: name, e-mail address, role, own company, active."""

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False, validators=[validate_visible])
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False, validators=[validate_visible])
    email = forms.EmailField(label=_("E-mail address"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    company = forms.ModelChoiceField(
        label=_("Own company"),
        queryset=Company.objects.none(),
        required=False,
        help_text=_("Required for an entrepreneur: the company they may see; empty for every other role."),
    )
    is_active = forms.BooleanField(
        label=_("Active"), required=False, help_text=_("A deactivated user can no longer log in.")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        membership = user.membership
        kwargs["initial"] = {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "role": membership.role,
            "company": membership.company_id,
            "is_active": user.is_active,
        }
        super().__init__(*args, **kwargs)
        self.user = user
        company = self.fields["company"]
        assert isinstance(company, forms.ModelChoiceField)
        # Active companies of the organisation, and the user's own even when it has been archived.
        company.queryset = Company.objects.filter(organisation=membership.organisation).filter(
            Q(archived_at__isnull=True) | Q(pk=membership.company_id)
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_role_and_company(self, data)
        if "role" in data and is_last_active_beheerder(self.user):
            if data["role"] != Role.BEHEERDER:
                self.add_error("role", last_beheerder_message())
            elif not data.get("is_active"):
                self.add_error("is_active", last_beheerder_message())
        return data


def last_beheerder_message() -> str:
    return str(_("The organisation needs at least one active administrator; appoint another one first."))


def is_last_active_beheerder(user: Any) -> bool:
    """Whether ``user`` is the only active administrator of their organisation."""
    membership = user.membership
    if membership.role != Role.BEHEERDER or not user.is_active:
        return False
    others = Membership.objects.filter(
        organisation_id=membership.organisation_id, role=Role.BEHEERDER, user__is_active=True
    ).exclude(user=user)
    return not others.exists()
