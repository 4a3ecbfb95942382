from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from groeimodel.web.accounts.models import Role
from groeimodel.web.companies.models import Company, Province, SbiSection, SizeClass


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
