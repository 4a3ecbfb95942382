from __future__ import annotations

import math

import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groeimodel.finance import BusinessCaseError, business_case


def test_the_source_texts_flex_desk_example_pays_back_in_under_half_a_year():
    # EUR 20,000 once for flex desks and home-office links, about EUR 50,000 a year saved (the seed's level 1).
    case = business_case(investment=20_000, annual_benefit=50_000, years=5, discount_rate=0.08)
    assert case.payback_years == pytest.approx(0.4)
    assert case.roi == pytest.approx((5 * 50_000 - 20_000) / 20_000)
    assert case.npv == pytest.approx(179_635.50, abs=0.01)
    assert case.irr == pytest.approx(2.495, abs=0.001)


@settings(max_examples=300, deadline=None)
@given(
    investment=st.integers(min_value=100, max_value=10_000_000),
    benefit=st.integers(min_value=0, max_value=10_000_000),
    cost=st.integers(min_value=0, max_value=1_000_000),
    years=st.integers(min_value=1, max_value=30),
    rate=st.floats(min_value=0, max_value=0.5),
)
def test_npv_and_irr_agree_with_numpy_financial(investment, benefit, cost, years, rate):
    case = business_case(
        investment=investment, annual_benefit=benefit, annual_cost=cost, years=years, discount_rate=rate
    )
    flows = [-investment] + [benefit - cost] * years
    assert case.npv == pytest.approx(npf.npv(rate, flows), rel=1e-9, abs=1e-6)
    expected_irr = npf.irr(flows)
    if case.irr is None:
        assert math.isnan(expected_irr) or benefit - cost == 0
    else:
        assert case.irr == pytest.approx(expected_irr, rel=1e-6, abs=1e-9)
        # The IRR is the rate at which the investment breaks even.
        if case.irr > -0.9:
            assert npf.npv(case.irr, flows) == pytest.approx(0, abs=1e-6 * investment)


@settings(max_examples=200, deadline=None)
@given(
    investment=st.integers(min_value=1, max_value=1_000_000),
    net=st.integers(min_value=1, max_value=1_000_000),
    years=st.integers(min_value=1, max_value=30),
)
def test_payback_is_investment_over_yearly_net_benefit_within_the_horizon(investment, net, years):
    case = business_case(investment=investment, annual_benefit=net, years=years)
    if investment / net <= years:
        assert case.payback_years == pytest.approx(investment / net)
    else:
        assert case.payback_years is None


def test_a_cost_that_eats_the_benefit_never_pays_back_and_has_no_irr():
    case = business_case(investment=10_000, annual_benefit=3_000, annual_cost=3_000, years=10)
    assert case.payback_years is None
    assert case.irr is None
    assert case.roi == pytest.approx(-1.0)
    assert case.npv == pytest.approx(-10_000)


def test_payback_beyond_the_horizon_is_none_but_npv_and_irr_are_reported():
    case = business_case(investment=100_000, annual_benefit=10_000, years=5, discount_rate=0.05)
    assert case.payback_years is None
    assert case.npv < 0
    assert case.irr is not None and case.irr < 0


def test_without_an_investment_payback_is_immediate_and_roi_undefined():
    case = business_case(investment=0, annual_benefit=1_000, years=3)
    assert case.payback_years == 0
    assert case.roi is None
    assert case.irr is None


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("investment", {"investment": -1}),
        ("annual_benefit", {"annual_benefit": float("nan")}),
        ("annual_cost", {"annual_cost": -5}),
        ("years", {"years": 0}),
        ("years", {"years": 2.5}),
        ("discount_rate", {"discount_rate": -1}),
    ],
)
def test_bad_input_names_the_field(field, kwargs):
    args = {"investment": 1000, "annual_benefit": 500, **kwargs}
    with pytest.raises(BusinessCaseError) as info:
        business_case(**args)
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: ")


def test_an_investment_paid_back_exactly_in_the_last_year_is_paid_back():
    case = business_case(investment=6999.30, annual_benefit=999.90, years=7)
    assert case.payback_years == pytest.approx(7.0)
