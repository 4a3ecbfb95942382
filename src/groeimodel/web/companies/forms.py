from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from groeimodel.web import access
from groeimodel.web.accounts.models import Role
from groeimodel.web.companies.models import Company, Province, SbiSection, SizeClass
from groeimodel.web.validators import is_ascii_digits, validate_visible


class AdvisorField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class CompanyForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Company
        fields = ["name", "kvk_number", "sbi_section", "employees", "province", "founding_year", "advisors"]
        help_texts = {
            "kvk_number": _("Optional; 8 digits."),
            "employees": _("Head count; the EU size class follows from it."),
        }
        widgets = {"advisors": forms.CheckboxSelectMultiple}
        field_classes = {"advisors": AdvisorField}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["name"].validators.append(validate_visible)
        membership = user.membership
        if membership.role == Role.BEHEERDER:
            advisors = self.fields["advisors"]
            assert isinstance(advisors, forms.ModelMultipleChoiceField)
            advisors.queryset = (
                get_user_model()
                .objects.filter(
                    membership__organisation=membership.organisation, membership__role=Role.ADVISEUR, is_active=True
                )
                .order_by("first_name", "username")
            )
        else:
            del self.fields["advisors"]

    def clean_kvk_number(self) -> str:
        kvk: str = self.cleaned_data["kvk_number"]
        if kvk and not is_ascii_digits(kvk):
            raise forms.ValidationError(_("A KvK number has exactly 8 digits."), code="invalid")
        if kvk:
            error = self.duplicate_kvk_error(kvk)
            if error is not None:
                raise error
        return kvk

    def duplicate_kvk_error(self, kvk: str) -> forms.ValidationError | None:
        """The field message for a KvK number another company of the organisation already has, or None.

        The existing company is named and linked only for a user who may see it; an archived one is named for
        the administrator, who can restore it."""
        others = Company.objects.filter(organisation=self.user.membership.organisation, kvk_number=kvk)
        if self.instance.pk is not None:
            others = others.exclude(pk=self.instance.pk)
        existing = others.first()
        if existing is None:
            return None
        message: str
        if existing.archived:
            if access.can_restore_companies(self.user):
                message = format_html(
                    gettext(
                        "This KvK number belongs to the archived company {name}; "
                        '<a href="{url}">restore it from the archive</a> instead of adding it again.'
                    ),
                    name=existing.name,
                    url=reverse("company-restore", args=[existing.pk]),
                )
            else:
                message = gettext(
                    "This KvK number belongs to an archived company of your organisation; "
                    "the administrator can restore it."
                )
        elif access.companies_for(self.user).filter(pk=existing.pk).exists():
            message = format_html(
                gettext('This KvK number is already registered for <a href="{url}">{name}</a>.'),
                name=existing.name,
                url=reverse("company-detail", args=[existing.pk]),
            )
        else:
            message = gettext("This KvK number is already registered for another company of your organisation.")
        return forms.ValidationError(message, code="duplicate")


class CompanyFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    sbi_section = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("All sectors")), *list(SbiSection.choices)]
    )
    size_class = forms.ChoiceField(
        label=_("Size"), required=False, choices=[("", _("All sizes")), *list(SizeClass.choices)]
    )
    province = forms.ChoiceField(
        label=_("Province"), required=False, choices=[("", _("All provinces")), *list(Province.choices)]
    )
