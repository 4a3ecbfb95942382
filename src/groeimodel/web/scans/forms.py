"""The growth figures of a wave (Innovatie Groei Model): typed in the language's own number format."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from groeimodel.model import Lang, Model
from groeimodel.web.fields import LocalDecimalField
from groeimodel.web.initiatives.forms import unit_label
from groeimodel.web.scans.models import Wave

GROWTH_FIELDS = ["employees_fte", "revenue", "added_value", "profit", "export_share"]


class WaveGrowthForm(forms.ModelForm):  # type: ignore[type-arg]
    employees_fte = LocalDecimalField(
        label=_("Employees (FTE)"),
        required=False,
        max_digits=8,
        decimal_places=1,
        min_value=0,
        error_messages={"min_value": _("The number of employees cannot be negative.")},
        help_text=_("Full-time equivalents, at most one decimal."),
    )
    revenue = LocalDecimalField(
        label=_("Revenue (EUR)"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=0,
        cents=True,
        error_messages={"min_value": _("Revenue cannot be negative.")},
        help_text=_("Per year, in euros, at most two decimals."),
    )
    added_value = LocalDecimalField(
        label=_("Added value (EUR)"),
        required=False,
        max_digits=14,
        decimal_places=2,
        cents=True,
        help_text=_("Revenue minus the cost of purchased goods and services, per year."),
    )
    profit = LocalDecimalField(
        label=_("Profit (EUR)"),
        required=False,
        max_digits=14,
        decimal_places=2,
        cents=True,
        help_text=_("Before tax, per year; a loss is a negative amount."),
    )
    export_share = LocalDecimalField(
        label=_("Export share of revenue (%)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        error_messages={
            "min_value": _("The export share is a percentage from 0 to 100."),
            "max_value": _("The export share is a percentage from 0 to 100."),
        },
        help_text=_("The share of revenue earned outside the Netherlands, 0 to 100."),
    )

    class Meta:
        model = Wave
        fields = ["date", *GROWTH_FIELDS]
        widgets = {
            # a date input takes ISO dates whatever the language; a localised value would be dropped by the browser
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, model: Model, lang: Lang, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].required = True
        wave: Wave = self.instance
        stored = wave.level_indicators or {}
        # The indicators each level of the wave's model names; those a business case computes (the payback period)
        # belong to an initiative, not to a wave.
        self.indicator_groups: list[dict[str, Any]] = []
        self.indicator_names: list[str] = []
        for lv in model.levels:
            names = []
            for ind in lv.indicators:
                if ind.business_case is not None:
                    continue
                name = f"indicator_{ind.id}"
                self.fields[name] = LocalDecimalField(
                    label=f"{ind.name.get(lang)} ({unit_label(ind.unit)})",
                    required=False,
                    max_digits=14,
                    decimal_places=2,
                )
                if ind.id in stored and stored[ind.id] is not None:
                    self.initial[name] = Decimal(str(stored[ind.id]))
                names.append(name)
            if names:
                self.indicator_names += names
                legend = _("Level %(number)s: %(name)s") % {"number": lv.level, "name": lv.name.get(lang)}
                self.indicator_groups.append({"legend": legend, "names": names})

    def growth_fields(self) -> list[Any]:
        return [self[name] for name in GROWTH_FIELDS]

    def indicator_fieldsets(self) -> list[dict[str, Any]]:
        return [
            {
                "legend": g["legend"],
                "fields": [self[n] for n in g["names"]],
                "open": any(self[n].value() not in (None, "") or self[n].errors for n in g["names"]),
            }
            for g in self.indicator_groups
        ]

    def indicator_values(self) -> dict[str, float | None]:
        """The level indicators as typed: id -> number, or None for a field left empty."""
        out: dict[str, float | None] = {}
        for name in self.indicator_names:
            value = self.cleaned_data.get(name)
            out[name.removeprefix("indicator_")] = float(value) if value is not None else None
        return out
