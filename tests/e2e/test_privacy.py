"""The privacy export and the audit log in the browser: the button on the company page downloads the zip, and
the beheerder then finds the export in the audit log."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.a11y import assert_accessible

from .conftest import demo_login
from .test_scan_journey import log_in

COMPANY = "Bakkerij Van Dijk"


@pytest.mark.e2e
def test_the_beheerder_downloads_a_companys_data_and_finds_the_export_in_the_audit_log(
    page: Page, site: str, demo_logins: list[Any], tmp_path: Path, browser_errors: list[str]
) -> None:
    from groeimodel.web.companies.models import Company

    company = Company.objects.get(name=COMPANY)
    log_in(page, site, demo_login(demo_logins, "beheerder", company.organisation.slug))
    page.goto(f"{site}/companies/{company.pk}/")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Alle gegevens exporteren").click()
    download = download_info.value
    assert re.fullmatch(r"groeimodel-bakkerij-van-dijk-\d{4}-\d\d-\d\d\.zip", download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        document = json.loads(archive.read("company.json"))
    assert document["company"]["name"] == COMPANY and [w["label"] for w in document["waves"]][:3] == ["T0", "T1", "T2"]

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Auditlog").click()
    expect(page).to_have_url(re.compile(r"/audit/$"))
    row = page.locator("main table tbody tr").first
    expect(row).to_contain_text("geëxporteerd")
    expect(row).to_contain_text(COMPANY)
    page.get_by_label("Actie").select_option("export")
    page.get_by_role("button", name="Filteren").click()
    expect(page).to_have_url(re.compile(r"/audit/\?.*action=export"))
    expect(page.locator("main table tbody tr")).to_have_count(1)
    assert_accessible(page, "audit-log (filtered)")
    assert not browser_errors
