"""The initiative register in the browser: the classifier's suggestion while typing, the business case."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .a11y import assert_accessible
from .test_scan_journey import log_in

TEXT = (
    "Samen met de gemeente en het ROC heeft het installatiebedrijf een leerwerkroute opgezet waarin statushouders "
    "en mensen met een arbeidsbeperking het vak leren bij vijf bedrijven uit de regio."
)


@pytest.mark.e2e
def test_an_advisor_registers_an_initiative_with_its_level_and_business_case(
    page: Page, site: str, advisor: Any, screenshots: Path, browser_errors: list[str]
) -> None:
    log_in(page, site, advisor)
    page.locator("main table a").first.click()
    page.get_by_role("link", name=re.compile("Initiatief toevoegen|Add initiative")).click()
    page.locator("#id_title").fill("Leerwerkroute in de regio")
    page.locator("#id_description").press_sequentially(TEXT, delay=2)
    suggestion = page.locator("#suggestion .suggestion")
    expect(suggestion).to_have_attribute("data-level", "4", timeout=10_000)
    expect(page.locator("#suggestion mark").first).to_be_visible()
    page.screenshot(path=str(screenshots / "initiative-01-suggestion.png"), full_page=True)
    assert_accessible(page, "initiative-create (suggestion shown)", other_language=False)
    page.locator("#id_investment").fill("20000")
    page.locator("#id_annual_benefit").fill("50000")
    page.locator("#id_years").fill("0")
    page.locator("main form button[type=submit].primary").click()
    error = page.locator("#id_years_error")
    expect(error).to_be_visible()
    page.screenshot(path=str(screenshots / "initiative-02-field-error.png"), full_page=True)
    expect(page.locator("#error-summary")).to_be_focused()
    assert_accessible(page, "initiative-create with errors", other_language=False)
    page.locator("#id_years").fill("5")
    page.locator("#id_discount_rate").fill("8")
    page.locator("main form button[type=submit].primary").click()
    expect(page).to_have_url(re.compile(r"/initiatives/\d+/$"))
    expect(page.locator("p.position")).to_have_attribute("data-level", "4")
    expect(page.locator("dd.payback")).to_contain_text("0,4")
    expect(page.locator("svg.cashflow rect.bar")).to_have_count(6)
    page.screenshot(path=str(screenshots / "initiative-03-detail.png"), full_page=True)
    assert_accessible(page, "initiative-detail")
    page.locator("p.crumbs a").first.click()
    expect(page.locator(".level-group.level-4 li")).to_have_count(1)
    assert not browser_errors, browser_errors
