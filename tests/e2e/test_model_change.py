"""In the browser: a draft on an older model version is carried over from its review page, and a result whose model
file changed says so; both page states pass axe."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from groeimodel.model import load_model
from groeimodel.web.companies.models import Company
from groeimodel.web.scans.models import Response
from groeimodel.web.scans.services import save_answers, start_scan
from tests.e2e.a11y import assert_accessible
from tests.e2e.test_scan_journey import log_in
from tests.web.test_model_change import model_files, rename_first_block_and_drop_an_item  # noqa: F401

pytestmark = pytest.mark.e2e


def test_an_advisor_carries_an_old_draft_over_to_the_current_version(page: Page, site: str, advisor: Any) -> None:
    company = Company.objects.filter(advisors__username=advisor.username, archived_at__isnull=True).first()
    assert company is not None
    scan = start_scan(company=company, user=None)
    old = load_model("groeimodel", "1.0.0")
    save_answers(scan=scan, answers={item.id: 3 for item in old.items[:5]})
    Response.objects.filter(pk=scan.pk).update(model_version=old.version, model_hash=old.content_hash)

    log_in(page, site, advisor)
    page.goto(f"{site}/scans/{scan.pk}/review/")
    box = page.locator("#carry-over")
    expect(box).to_be_visible()
    assert_accessible(page, "scan review: draft on an older model version")
    box.get_by_role("button").click()
    expect(page).to_have_url(re.compile(rf"/scans/{scan.pk}/review/$"))
    expect(page.locator("#carry-over")).to_have_count(0)
    expect(page.get_by_text("De scan gebruikt nu versie 1.1.0 van het model.")).to_be_visible()
    scan.refresh_from_db()
    assert scan.model_version == "1.1.0" and scan.answers.count() == 5


def test_a_result_whose_model_file_changed_says_so(
    page: Page,
    site: str,
    advisor: Any,
    model_files: Any,  # noqa: F811
) -> None:
    scan = (
        Response.objects.filter(
            wave__company__advisors__username=advisor.username, status="submitted", respondent="management"
        )
        .order_by("pk")
        .first()
    )
    assert scan is not None
    model_files.edit("groeimodel", scan.model_version, rename_first_block_and_drop_an_item)
    log_in(page, site, advisor)
    page.goto(f"{site}/scans/{scan.pk}/result/")
    expect(page.locator(".model-changed")).to_be_visible()
    assert_accessible(page, "scan result: its model file changed since")
