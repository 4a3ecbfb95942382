"""Numbers, amounts, percentages and dates in the user's language: the one place for Dutch and English.

Pages, charts, CLI tables and exports all format through these functions, and every amount a user types is read
back by :func:`parse_amount` in the same language's conventions (nl ``20.000,50``, en ``20,000.50``). The
conventions themselves come from the Unicode CLDR data that Babel ships.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import cache

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.numbers import NumberFormatError, NumberPattern, format_decimal, parse_decimal

from groeimodel.errors import InputError
from groeimodel.model.schema import Lang

LOCALES: dict[Lang, str] = {"nl": "nl_NL", "en": "en_GB"}  # en_GB: day month year, as Dutch readers expect


def _locale(lang: str) -> Locale:
    return Locale.parse(LOCALES.get(lang, "nl_NL"))  # type: ignore[call-overload]


@cache
def _currency_pattern(lang: str, decimals: int) -> NumberPattern:
    pattern: NumberPattern = copy.copy(_locale(lang).currency_formats["standard"])
    pattern.frac_prec = (decimals, decimals)
    return pattern


@cache
def _number_symbols(lang: str) -> dict[int, str]:
    """The language's grouping, decimal and minus signs (CLDR), as a translation of Python's ``,`` ``.`` ``-``."""
    symbols = _locale(lang).number_symbols["latn"]
    return {ord(","): symbols["group"], ord("."): symbols["decimal"], ord("-"): symbols["minusSign"]}


def number(value: float | Decimal, lang: str, decimals: int = 0) -> str:
    """``1234.5`` as nl ``1.234,5``, en ``1,234.5`` (with ``decimals`` digits after the separator).

    The same text as Babel's ``format_decimal(value, "#,##0.0…")`` (a float read as its shortest repr, rounded half
    to even; tests/test_formats.py compares them), in an eighth of the time: a monitor page formats thousands."""
    exact = value if isinstance(value, Decimal) else Decimal(str(value))  # str: also numpy's numbers
    if not exact.is_finite():  # Babel's own text for infinity and NaN
        return format_decimal(value, format="#,##0" + ("." + "0" * decimals if decimals else ""), locale=_locale(lang))
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)
    return f"{rounded:,.{decimals}f}".translate(_number_symbols(lang))


def amount(value: float, lang: str, decimals: int = 0) -> str:
    """A euro amount: nl ``€ 20.000``, en ``€20,000``; ``decimals`` digits of cents."""
    text: str = _currency_pattern(lang, decimals).apply(value, _locale(lang), currency="EUR", currency_digits=False)
    return text


def percent(fraction: float, lang: str, decimals: int = 1) -> str:
    """A fraction as a percentage: ``0.05`` as nl ``5,0%``, en ``5.0%``."""
    return number(fraction * 100, lang, decimals) + "%"


def date(value: dt.date, lang: str) -> str:
    """nl ``1 maart 2026``, en ``1 March 2026``."""
    return _babel_date(value, format="d MMMM y", locale=_locale(lang))


def years(value: float, lang: str, decimals: int = 1) -> str:
    """A period in years: nl ``2,5``, en ``2.5`` (the unit is the caller's word)."""
    return number(value, lang, decimals)


class NumberInputError(InputError):
    """Text that is not a number in the language's own format; ``example`` shows one that is."""

    def __init__(self, text: str, lang: str, example: str):
        self.text = text
        self.lang = lang
        self.example = example
        super().__init__(f"{text!r} is not a number; write it like {example}")


_CURRENCY_AND_SPACE = re.compile(r"[€\s\u00a0\u202f]|EUR|eur")


def parse_amount(text: str, lang: str, *, max_decimals: int = 2) -> Decimal:
    """A number typed in the language's own format: nl ``20.000``, ``20.000,50``, ``20000,5``; en ``20,000.50``.

    A euro sign and spaces are ignored. Grouping must be where the language puts it, so ``20,000.50`` is refused
    in Dutch instead of being read as something else. Raises :class:`NumberInputError`.
    """
    example = number(20000.5, lang, 2)
    cleaned = _CURRENCY_AND_SPACE.sub("", text.strip()[:100])
    if not cleaned:
        raise NumberInputError(text, lang, example)
    sign = ""
    if cleaned[0] in "-−":
        sign, cleaned = "-", cleaned[1:]
    try:
        value = parse_decimal(cleaned, locale=_locale(lang), strict=True)
    except (NumberFormatError, InvalidOperation, ValueError):
        raise NumberInputError(text, lang, example) from None
    if not value.is_finite():
        raise NumberInputError(text, lang, example)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > max_decimals:
        raise NumberInputError(text, lang, example)
    return Decimal(sign + str(value))


def parse_rate(text: str) -> float:
    """A rate given as ``8%`` (or ``8,5%``) or as a fraction ``0.08``; a bare number above 1 is refused.

    The CLI's ``--discount-rate`` reads this way, so 8% means the same on the command line as in the web app.
    Raises :class:`InputError` with a message that suggests the ``%`` form.
    """
    raw = text.strip()
    if raw.endswith("%"):
        number_part = raw[:-1].strip().replace(",", ".")
        try:
            value = float(number_part)
        except ValueError:
            raise InputError(f"{text!r} is not a percentage; write it like 8% or 0.08") from None
        value /= 100
    else:
        try:
            value = float(raw.replace(",", "."))
        except ValueError:
            raise InputError(f"{text!r} is not a rate; write it like 8% or 0.08") from None
        if abs(value) > 1:
            raise InputError(f"{text!r} would mean {value:.0%}; for {raw}% write {raw}% (or {value / 100:g})")
    if value != value or value in (float("inf"), float("-inf")):
        raise InputError(f"{text!r} is not a rate; write it like 8% or 0.08")
    return value
