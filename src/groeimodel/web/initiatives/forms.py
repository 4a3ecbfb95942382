from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from groeimodel.finance import BusinessCaseError, business_case
from groeimodel.model import Lang, Model
from groeimodel.web.fields import LocalDecimalField
from groeimodel.web.initiatives.models import Initiative
from groeimodel.web.validators import validate_visible

# A description is a few sentences; the classifier and the pages need no more (the suggest endpoint checks it too).
DESCRIPTION_MAX_LENGTH = 5000

BUSINESS_CASE_FIELDS = ["investment", "annual_benefit", "annual_cost", "years", "discount_rate"]


class InitiativeForm(forms.ModelForm):  # type: ignore[type-arg]
    level_choice = forms.ChoiceField(
        label=_("Level"),
        required=False,
        help_text=_("Leave on “classifier's suggestion” to confirm it, or choose the level yourself."),
    )
    blocks = forms.MultipleChoiceField(
        label=_("Building blocks it works on"), required=False, widget=forms.CheckboxSelectMultiple
    )

    # Amounts in euros, typed and shown as the language writes them (nl 20.000,50; en 20,000.50).
    investment = LocalDecimalField(
        label=_("one-off investment (EUR)"), required=False, max_digits=14, decimal_places=2, min_value=0, cents=True
    )
    annual_benefit = LocalDecimalField(
        label=_("yearly benefit (EUR)"), required=False, max_digits=14, decimal_places=2, min_value=0, cents=True
    )
    annual_cost = LocalDecimalField(
        label=_("yearly cost (EUR)"), required=False, max_digits=14, decimal_places=2, min_value=0, cents=True
    )

    class Meta:
        model = Initiative
        fields = ["title", "description", "status", "start_date", "owner", *BUSINESS_CASE_FIELDS]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            # a date input takes ISO dates whatever the language; a localised value would be dropped by the browser
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        field_classes = {"discount_rate": LocalDecimalField}

        help_texts = {
            "description": _("A few sentences: what you do, why, and what it yields. Dutch or English."),
            "discount_rate": _("For example 5 for 5% a year."),
            "years": _("How many years the benefits are counted; 5 when left empty."),
        }

    def __init__(self, *args: Any, model: Model, lang: Lang, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.model = model
        self.fields["title"].validators.append(validate_visible)
        description = self.fields["description"]
        assert isinstance(description, forms.CharField)
        description.max_length = DESCRIPTION_MAX_LENGTH
        description.validators.append(MaxLengthValidator(DESCRIPTION_MAX_LENGTH))
        description.widget.attrs["maxlength"] = str(DESCRIPTION_MAX_LENGTH)
        level_field = self.fields["level_choice"]
        assert isinstance(level_field, forms.ChoiceField)
        level_field.choices = [("", _("classifier's suggestion")), ("0", _("0 – not social innovation"))] + [
            (str(lv.level), f"{lv.level} – {lv.name.get(lang)}") for lv in model.levels
        ]
        blocks_field = self.fields["blocks"]
        assert isinstance(blocks_field, forms.MultipleChoiceField)
        blocks_field.choices = [(b.id, f"{b.level}. {b.data.name.get(lang)}") for b in model.blocks]
        self.indicator_names: list[str] = []
        # Every level's own indicators, on the create form as on the edit form (the level is often decided only
        # when the form is saved), then the growth indicators; indicators the business case computes (the payback
        # period) are shown from it, never typed in.
        instance: Initiative | None = kwargs.get("instance")
        self.indicator_groups: list[tuple[str, list[str], bool]] = []
        current_level = instance.level if instance is not None else None
        groups = [
            (str(_("Level %(number)s: %(name)s") % {"number": lv.level, "name": lv.name.get(lang)}),
             list(lv.indicators), lv.level == current_level)
            for lv in model.levels
        ]  # fmt: skip
        groups.append((str(_("Growth (Innovatie Groei Model)")), list(model.data.growth_indicators), True))
        for legend, indicators, is_open in groups:
            names = []
            for ind in indicators:
                if ind.business_case is not None:
                    continue
                name = f"indicator_{ind.id}"
                self.fields[name] = LocalDecimalField(
                    label=f"{ind.name.get(lang)} ({unit_label(ind.unit)})",
                    required=False,
                    max_digits=14,
                    decimal_places=2,
                )
                if instance is not None and ind.id in instance.indicators:
                    self.initial[name] = instance.indicators[ind.id]
                names.append(name)
                self.indicator_names.append(name)
            if names:
                has_values = instance is not None and any(
                    n.removeprefix("indicator_") in instance.indicators for n in names
                )
                self.indicator_groups.append((legend, names, is_open or has_values))
        if instance is not None and instance.pk:
            self.initial["blocks"] = instance.blocks
            if instance.level_overridden and instance.level is not None:
                self.initial["level_choice"] = str(instance.level)

    def indicator_values(self) -> dict[str, float | None]:
        out: dict[str, float | None] = {}
        for name in self.indicator_names:
            value = self.cleaned_data.get(name)
            out[name.removeprefix("indicator_")] = float(value) if value is not None else None
        return out

    def indicator_fields(self) -> list[Any]:
        return [self[name] for name in self.indicator_names]

    def indicator_fieldsets(self) -> list[dict[str, Any]]:
        """The indicator fields per level and for growth, for the template's fieldsets."""
        return [
            {
                "legend": legend,
                "fields": [self[n] for n in names],
                "open": is_open or any(self[n].errors for n in names),
            }
            for legend, names, is_open in self.indicator_groups
        ]

    def business_case_fields(self) -> list[Any]:
        return [self[name] for name in BUSINESS_CASE_FIELDS]

    def main_fields(self) -> list[Any]:
        return [self[name] for name in ("title", "description", "status", "start_date", "owner")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if any(data.get(f) is not None for f in BUSINESS_CASE_FIELDS):
            for required in ("investment", "annual_benefit"):
                if data.get(required) is None and required not in self.errors:
                    self.add_error(required, _("Needed for a business case."))
        return data

    def _post_clean(self) -> None:
        # After the fields' own validators (model validation runs in super()._post_clean), the core's rules have
        # the last word, so the web app accepts exactly what `groeimodel business-case` accepts.
        super()._post_clean()  # type: ignore[misc]
        data = self.cleaned_data
        if self.errors or data.get("investment") is None or data.get("annual_benefit") is None:
            return
        try:
            business_case(
                investment=float(data["investment"]),
                annual_benefit=float(data["annual_benefit"]),
                annual_cost=float(data.get("annual_cost") or Decimal(0)),
                years=int(data.get("years") or 5),
                discount_rate=float(data.get("discount_rate") or Decimal(5)) / 100,
            )
        except BusinessCaseError as exc:
            field = exc.field if exc.field in self.fields else None
            self.add_error(field, _("This value does not fit a business case."))


def unit_label(unit: str) -> str:
    labels = {
        "eur": _("EUR"),
        "eur_per_year": _("EUR per year"),
        "hours_per_year": _("hours per year"),
        "percent": "%",
        "fte": _("FTE"),
        "count": _("number"),
        "years": _("years"),
    }
    return str(labels.get(unit, unit))
