"""The monitor in the browser, on a populated organisation: its tables and charts, a filter, and the README's
screenshot (docs/screenshots/monitor.png)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import REPO_ROOT, SCREENSHOT_DIR, demo_login
from tests.e2e.test_scan_journey import log_in

pytestmark = pytest.mark.e2e

SECTORS = ("C", "F", "G", "M")
PROVINCES = ("GE", "NB", "UT", "ZH")


def populate(organisation_id: int, n: int = 80) -> None:
    """``n`` companies over four sectors, four provinces and the four size classes, each with a scan in 2025 at one
    of three positions and most with one in 2026 (half of them a step up)."""
    from groeimodel.web.companies.models import Company
    from groeimodel.web.scans.latest import refresh_latest
    from groeimodel.web.scans.models import Wave
    from groeimodel.web.scans.services import model_of, save_answers, start_scan, submit_scan

    for i in range(n):
        company = Company.objects.create(
            organisation_id=organisation_id,
            name=f"Monitorbedrijf {i}",
            sbi_section=SECTORS[i % 4],
            province=PROVINCES[(i // 4) % 4],
            employees=(4, 12, 40, 80)[(i // 2) % 4],
        )
        first = (1, 3, 5)[(i // 4) % 3]
        for wave, (year, value, fte) in enumerate(((2025, first, 10), (2026, min(5, first + i % 2 * 2), 12))):
            if wave == 1 and i % 5 == 0:
                continue
            scan = start_scan(company=company, user=None)
            model = model_of(scan)
            save_answers(scan=scan, answers={it.id: (6 - value if it.reverse else value) for it in model.items})
            submit_scan(scan=scan)
            Wave.objects.filter(pk=scan.wave_id).update(date=datetime.date(year, 4, 1), employees_fte=fte + i % 3)
            refresh_latest(company.pk, scan.model_id)  # as record_growth does after the date and figures change


def test_the_monitor_of_a_populated_organisation_shows_its_tables_and_charts(
    page: Page, site: str, demo_logins: list[Any]
) -> None:
    from django.contrib.auth import get_user_model

    from groeimodel.web.access import membership_of

    login = demo_login(demo_logins, "beheerder", "noorderlicht")
    membership = membership_of(get_user_model().objects.get(username=login.username))
    assert membership is not None
    populate(membership.organisation_id)
    log_in(page, site, login)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{site}/overview/?by=sbi_section")
    for table in ("positions", "means", "positions-by-year", "means-by-year", "movement", "growth"):
        expect(page.locator(f"#{table}-table")).to_be_visible()
    industrie = page.locator("#positions-table tbody tr", has_text="Industrie")
    expect(industrie.locator("td").last).to_have_text(re.compile(r"^\d+$"))  # 15 firms or more: shown
    expect(page.locator("svg.lines")).to_have_count(2)
    expect(page.locator("svg.bars")).to_have_count(4)
    assert_accessible(page, "overview")
    page.set_viewport_size({"width": 1280, "height": 1500})
    page.goto(f"{site}/overview/?by=size_class")
    expect(page.locator("#positions-table tfoot td").last).to_have_text(re.compile(r"^\d+$"))
    # The README's docs/screenshots/monitor.png is a copy of this one (copied by hand; tests do not write docs/).
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / "monitor.png"), full_page=False)
    page.locator("#id_by").select_option("province")
    page.locator("#id_filter").select_option("sbi_section:C")
    page.locator("form.monitor-choice button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"by=province&filter=sbi_section%3AC"))
    expect(page.locator("#positions-table tfoot td").last).to_have_text(re.compile(r"^\d+$"))
    assert_accessible(page, "overview")


def test_the_screenshot_is_in_the_readme() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/screenshots/monitor.png" in readme
    assert Path(REPO_ROOT / "docs" / "screenshots" / "monitor.png").exists()
