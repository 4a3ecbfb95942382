from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groeimodel import formats
from groeimodel.errors import InputError


def test_amounts_percentages_and_dates_read_as_a_dutch_reader_writes_them():
    assert formats.amount(20000, "nl") == "€\xa020.000"
    assert formats.amount(20000.5, "nl", 2) == "€\xa020.000,50"
    assert formats.percent(0.05, "nl") == "5,0%"
    assert formats.number(1234.5, "nl", 1) == "1.234,5"
    assert formats.date(dt.date(2026, 3, 1), "nl") == "1 maart 2026"


def test_amounts_percentages_and_dates_read_as_an_english_reader_writes_them():
    assert formats.amount(20000, "en") == "€20,000"
    assert formats.amount(20000.5, "en", 2) == "€20,000.50"
    assert formats.percent(0.05, "en") == "5.0%"
    assert formats.number(1234.5, "en", 1) == "1,234.5"
    assert formats.date(dt.date(2026, 3, 1), "en") == "1 March 2026"


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("20.000", "nl", Decimal("20000")),
        ("20.000,50", "nl", Decimal("20000.50")),
        ("20000,5", "nl", Decimal("20000.5")),
        ("€ 20.000", "nl", Decimal("20000")),
        ("-1.500", "nl", Decimal("-1500")),
        ("20,000.50", "en", Decimal("20000.50")),
        ("20000", "en", Decimal("20000")),
        ("€20,000", "en", Decimal("20000")),
    ],
)
def test_amounts_are_read_in_the_languages_own_format(text, lang, value):
    assert formats.parse_amount(text, lang) == value


@pytest.mark.parametrize(
    ("text", "lang"),
    [("20,000.50", "nl"), ("20.00", "nl"), ("abc", "nl"), ("", "nl"), ("20.000,50", "en"), ("1,5,6", "en"),
     ("10,123", "nl"), ("NaN", "en"), ("Infinity", "nl")],
)  # fmt: skip
def test_an_amount_that_cannot_be_read_says_how_to_write_it(text, lang):
    with pytest.raises(formats.NumberInputError) as err:
        formats.parse_amount(text, lang)
    assert err.value.example == ("20.000,50" if lang == "nl" else "20,000.50")


def test_a_rate_is_a_percentage_or_a_fraction_never_a_bare_number_above_one():
    assert formats.parse_rate("8%") == pytest.approx(0.08)
    assert formats.parse_rate("8,5%") == pytest.approx(0.085)
    assert formats.parse_rate("0.08") == pytest.approx(0.08)
    assert formats.parse_rate("0,08") == pytest.approx(0.08)
    with pytest.raises(InputError, match="8%"):
        formats.parse_rate("8")


@settings(max_examples=400, deadline=None)
@given(
    value=st.one_of(
        st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
        st.integers(min_value=-(10**12), max_value=10**12),
        st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, places=4),
        st.sampled_from([2.675, 0.125, -0.04, -0.0, 2.5, 3.5, 12.45, -12.45, 99.95]),
    ),
    lang=st.sampled_from(["nl", "en"]),
    decimals=st.integers(min_value=0, max_value=3),
)
def test_numbers_read_exactly_as_babels_cldr_formatting_writes_them(value, lang, decimals):
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    assert formats.number(value, lang, decimals) == format_decimal(value, format=pattern, locale=formats._locale(lang))


def test_numpy_numbers_and_infinity_read_as_babel_writes_them():
    import numpy as np
    from babel.numbers import format_decimal

    for value, decimals in ((np.int64(1234567), 0), (np.float32(2.5), 1), (np.float64(-0.125), 2), (float("inf"), 0)):
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        for lang in ("nl", "en"):
            assert formats.number(value, lang, decimals) == format_decimal(value, pattern, locale=formats._locale(lang))
