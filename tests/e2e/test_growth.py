"""Browser tests: the company page's chart of level scores over the waves stays readable at every width."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from .conftest import DESKTOP, PHONE, demo_login
from .test_scan_journey import log_in

MEASURE = """(svg) => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll('text')].map(t => {
    const style = getComputedStyle(t);
    return {text: t.textContent, px: parseFloat(style.fontSize) * scale, fill: style.fill,
            visible: t.getBoundingClientRect().width > 0};
  });
}"""


def luminance(rgb: str) -> float:
    channels = [int(v) / 255 for v in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_on_white(rgb: str) -> float:
    return 1.05 / (luminance(rgb) + 0.05)


@pytest.mark.e2e
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_level_chart_text_is_at_least_12_px_and_4_5_to_1_at_every_width(
    page: Page, site: str, demo_logins: list[Any], viewport: dict[str, int], screenshots: Any
) -> None:
    login = demo_login(demo_logins, "adviseur", "noorderlicht")
    page.set_viewport_size(viewport)
    log_in(page, site, login)
    user = get_user_model().objects.get(username=login.username)
    company = user.advised_companies.filter(waves__number=2).distinct().order_by("pk").first()
    page.goto(f"{site}/companies/{company.pk}/")
    chart = page.locator("svg.lines")
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("role", "img")
    texts = chart.evaluate(MEASURE)
    assert {"T0", "T1", "T2"} <= {t["text"] for t in texts}
    for t in texts:
        assert t["px"] >= 12, t
        assert contrast_on_white(t["fill"]) >= 4.5, t
    # the numbers are a table beside the chart, and the growth figures a table beside the ladder position
    expect(page.locator("table.level-scores tbody tr")).to_have_count(4)
    expect(page.locator("table.growth tbody tr")).to_have_count(3)
    expect(page.locator("table.growth tbody tr").first).to_contain_text("€")
    page.screenshot(
        path=str(screenshots / f"company-over-the-waves-{'phone' if viewport == PHONE else 'desktop'}.png"),
        full_page=True,
    )
