"""A later wave's result in the browser: the changes since T1 and T0, the ladder move, two outlines in the radar;
and the result page on paper: no navigation or buttons, the chart and the tables kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import demo_login
from tests.e2e.test_scan_journey import log_in

pytestmark = pytest.mark.e2e


def later_wave(username: str) -> Any:
    from groeimodel.web.scans.models import Response

    return (
        Response.objects.filter(
            wave__company__advisors__username=username, respondent="management", status="submitted", wave__number=2
        )
        .select_related("wave")
        .first()
    )


def test_the_result_of_a_later_wave_shows_what_changed(page: Page, site: str, demo_logins: list[Any]) -> None:
    advisor = demo_login(demo_logins, "adviseur", "noorderlicht")
    scan = later_wave(advisor.username)
    assert scan is not None, "the demo has companies with T0, T1 and T2"
    log_in(page, site, advisor)
    page.goto(f"{site}/scans/{scan.pk}/result/")
    expect(page.locator("h1")).to_contain_text("T2")
    expect(page.locator(".ladder-move")).to_contain_text("Sinds T1")
    expect(page.locator("table.scores thead")).to_contain_text("Sinds T1")
    expect(page.locator("table.scores thead")).to_contain_text("Sinds T0")
    assert page.locator("table.scores .change-cell .change").count() >= 15
    expect(page.locator("svg.radar g.series-previous")).to_have_count(1)
    expect(page.locator(".radar-legend")).to_contain_text("T1")


def test_the_result_page_prints_without_navigation_but_with_chart_and_tables(
    page: Page, site: str, demo_logins: list[Any], screenshots: Path
) -> None:
    advisor = demo_login(demo_logins, "adviseur", "noorderlicht")
    scan = later_wave(advisor.username)
    log_in(page, site, advisor)
    page.goto(f"{site}/scans/{scan.pk}/result/")
    expect(page.locator("header.top")).to_be_visible()
    page.emulate_media(media="print")
    for hidden in ("header.top", "footer.foot", "header form.lang", ".crumbs"):
        expect(page.locator(hidden).first).to_be_hidden()
    for button in page.locator("main .button, main button").all():
        expect(button).to_be_hidden()
    expect(page.locator("svg.radar")).to_be_visible()
    expect(page.locator("table.scores")).to_be_visible()
    expect(page.locator("ol.advice")).to_be_visible()
    page.pdf(path=str(screenshots / "result-printed.pdf"))
