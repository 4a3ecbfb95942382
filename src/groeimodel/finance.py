"""The business case of an initiative: payback period, ROI, NPV and IRR.

Cash flows: the one-off investment at the start (year 0), then at the end of each year of the horizon the yearly
benefit less the yearly cost.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from groeimodel.errors import InputError

MAX_YEARS = 50


class BusinessCaseError(InputError):
    """A business-case input that is out of range; ``field`` names it."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class BusinessCase:
    investment: float
    annual_benefit: float
    annual_cost: float
    years: int
    discount_rate: float
    payback_years: float | None
    roi: float | None
    npv: float
    irr: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _finite(field: str, value: float, *, minimum: float | None = None, above: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise BusinessCaseError(field, f"must be a finite number, got {value!r}")
    if minimum is not None and value < minimum:
        raise BusinessCaseError(field, f"must be at least {minimum:g}, got {value:g}")
    if above is not None and value <= above:
        raise BusinessCaseError(field, f"must be more than {above:g}, got {value:g}")
    return float(value)


def cash_flows(investment: float, annual_net: float, years: int) -> list[float]:
    return [-investment] + [annual_net] * years


def npv(rate: float, flows: list[float]) -> float:
    """Net present value of end-of-year ``flows``, the first at year 0."""
    return sum(f / (1 + rate) ** t for t, f in enumerate(flows))


def irr(flows: list[float]) -> float | None:
    """The internal rate of return, or None when the flows never change sign (no rate makes NPV zero).

    Solved as the roots of the NPV polynomial in x = 1/(1+r); of several real solutions the one closest to
    zero is taken, as spreadsheet and numpy-financial conventions do.
    """
    signs = {math.copysign(1, f) for f in flows if f != 0}
    if len(signs) < 2:
        return None
    # sum f_t x^t = 0; np.roots wants the highest power first.
    scale = max(abs(f) for f in flows)
    try:
        with np.errstate(all="ignore"):
            roots = np.roots([f / scale for f in reversed(flows)])
    except np.linalg.LinAlgError:  # a flow so small against the others that the polynomial degenerates
        return None
    real = roots[(np.abs(roots.imag) < 1e-9) & (roots.real > 0)].real
    if real.size == 0:
        return None
    rates = 1 / real - 1
    best = float(rates[np.argmin(np.abs(rates))])
    return best


def payback_years(investment: float, annual_net: float, years: int) -> float | None:
    """Years until the cumulative net benefit equals the investment, fractional within the year it happens.

    None when the investment is not paid back within the horizon. With equal yearly flows this is
    ``investment / annual_net``, capped by the horizon.
    """
    if investment == 0:
        return 0.0
    if annual_net <= 0:
        return None
    # Equal yearly flows: one division, so an investment paid back exactly in the last year is not lost to the
    # rounding of adding the flows up year by year.
    payback = investment / annual_net
    return payback if payback <= years * (1 + 1e-12) else None


def business_case(
    *,
    investment: float,
    annual_benefit: float,
    annual_cost: float = 0.0,
    years: int = 5,
    discount_rate: float = 0.05,
) -> BusinessCase:
    """Payback, ROI, NPV and IRR of an initiative; raises :class:`BusinessCaseError` naming the bad field."""
    investment = _finite("investment", investment, minimum=0)
    annual_benefit = _finite("annual_benefit", annual_benefit, minimum=0)
    annual_cost = _finite("annual_cost", annual_cost, minimum=0)
    discount_rate = _finite("discount_rate", discount_rate, above=-1)
    if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= MAX_YEARS:
        raise BusinessCaseError("years", f"must be a whole number of years from 1 to {MAX_YEARS}, got {years!r}")
    net = annual_benefit - annual_cost
    flows = cash_flows(investment, net, years)
    total_net = net * years
    return BusinessCase(
        investment=investment,
        annual_benefit=annual_benefit,
        annual_cost=annual_cost,
        years=years,
        discount_rate=discount_rate,
        payback_years=payback_years(investment, net, years),
        roi=(total_net - investment) / investment if investment > 0 else None,
        npv=npv(discount_rate, flows),
        irr=irr(flows),
    )
