from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from groeimodel.finance import BusinessCaseError, business_case
from groeimodel.model import Lang, Model
from groeimodel.web.initiatives.models import Initiative

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

    class Meta:
        model = Initiative
        fields = ["title", "description", "status", "start_date", "owner", *BUSINESS_CASE_FIELDS]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "start_date": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "description": _("A few sentences: what you do, why, and what it yields. Dutch or English."),
            "discount_rate": _("For example 5 for 5% a year."),
            "years": _("How many years the benefits are counted; 5 when left empty."),
        }

    def __init__(self, *args: Any, model: Model, lang: Lang, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.model = model
        level_field = self.fields["level_choice"]
        assert isinstance(level_field, forms.ChoiceField)
        level_field.choices = [("", _("classifier's suggestion")), ("0", _("0 – not social innovation"))] + [
            (str(lv.level), f"{lv.level} – {lv.name.get(lang)}") for lv in model.levels
        ]
        blocks_field = self.fields["blocks"]
        assert isinstance(blocks_field, forms.MultipleChoiceField)
        blocks_field.choices = [(b.id, f"{b.level}. {b.data.name.get(lang)}") for b in model.blocks]
        self.indicator_names: list[str] = []
        instance: Initiative | None = kwargs.get("instance")
        indicators = list(model.data.growth_indicators)
        if instance is not None and instance.level:
            indicators = list(model.level(instance.level).indicators) + indicators
        for ind in indicators:
            name = f"indicator_{ind.id}"
            self.fields[name] = forms.DecimalField(
                label=f"{ind.name.get(lang)} ({_unit_label(ind.unit)})", required=False, max_digits=14, decimal_places=2
            )
            if instance is not None and ind.id in instance.indicators:
                self.initial[name] = instance.indicators[ind.id]
            self.indicator_names.append(name)
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


def _unit_label(unit: str) -> str:
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
