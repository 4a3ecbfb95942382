"""Form fields that read and show numbers in the user's language, through the core's :mod:`groeimodel.formats`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from groeimodel import formats
from groeimodel.web.i18n import current_lang


class LocalNumberInput(forms.TextInput):
    """A text input (not type=number, which refuses ``20.000,50``) that shows its value in the language's format."""

    input_type = "text"

    def __init__(self, decimals: int = 2, attrs: dict[str, Any] | None = None, *, cents: bool = False) -> None:
        self.decimals = decimals
        self.cents = cents
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if value is None or value == "":
            return None
        if isinstance(value, str):
            return value  # what the user typed, shown back as typed after an error
        number = Decimal(value)
        if number == number.to_integral_value():
            decimals = 0
        else:  # as many digits as the value has (8,5 stays 8,5), up to the field's; cents always as two
            exponent = number.normalize().as_tuple().exponent
            decimals = min(self.decimals, -exponent if isinstance(exponent, int) else self.decimals)
            if self.cents:
                decimals = 2
        return formats.number(float(number), current_lang(), decimals)


class LocalDecimalField(forms.DecimalField):
    """An amount or other number typed as the language writes it: nl ``20.000,50``, en ``20,000.50``."""

    widget = LocalNumberInput

    def __init__(self, *args: Any, cents: bool = False, **kwargs: Any) -> None:
        decimals = kwargs.get("decimal_places") or 2
        kwargs.setdefault("widget", LocalNumberInput(decimals=decimals, cents=cents))
        kwargs.pop("localize", None)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        lang = current_lang()
        decimals = self.decimal_places or 2
        try:
            number = formats.parse_amount(str(value), lang, max_decimals=decimals)
        except formats.NumberInputError as exc:
            # the example has as many decimals as the field takes (20.000,5 for one), never more
            example = exc.example if decimals >= 2 else formats.number(20000.5, lang, decimals)
            raise forms.ValidationError(
                _("“%(value)s” is not a number. Write it like %(example)s."),
                code="invalid",
                params={"value": str(value)[:40], "example": example},
            ) from None
        return number

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)  # no browser number validation: the server reads the language's format
        attrs.pop("min", None)
        attrs.pop("max", None)
        return attrs
