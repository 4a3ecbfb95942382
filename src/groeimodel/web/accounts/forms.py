from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from groeimodel.web.accounts.models import Role
from groeimodel.web.companies.models import Company


class UserCreateForm(forms.Form):
    username = forms.SlugField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
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
        company.queryset = Company.objects.filter(organisation=organisation)

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if get_user_model().objects.filter(username=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") == Role.ONDERNEMER and not data.get("company"):
            self.add_error("company", _("Choose the entrepreneur's company."))
        if data.get("password"):
            user = get_user_model()(username=data.get("username", ""), email=data.get("email", ""))
            try:
                password_validation.validate_password(data["password"], user)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data
