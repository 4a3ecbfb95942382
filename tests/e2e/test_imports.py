"""The import pages in the browser, as an advisor meets them: the problem report of a file with bad rows, a file
refused at the upload field, and what an import created, each held to WCAG 2.1 AA in both languages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import demo_login
from tests.e2e.test_accessibility import expect_error_summary_with_focus, switch_language
from tests.e2e.test_scan_journey import log_in

pytestmark = pytest.mark.e2e

BAD = b"naam;sector;werknemers;provincie\nDrukkerij Noord;C;veel;GR\nSmederij Zuid;Z;3;XX\n"
GOOD = b"naam;kvk-nummer;sector;werknemers;provincie\nDrukkerij Noord;91827364;C;8;GR\n"


def choose_and_import(page: Page, path: Path) -> None:
    page.locator("#id_file").set_input_files(str(path))
    page.locator("main form button[type=submit].primary").click()


def test_an_advisor_imports_companies_and_then_scans_of_one(
    page: Page, site: str, demo_logins: list[Any], tmp_path: Path
) -> None:
    from groeimodel.model import load_model

    log_in(page, site, demo_login(demo_logins, "adviseur", "noorderlicht"))
    page.locator("main a[href='/companies/import/']").click()
    expect(page.locator("h1")).to_have_text("Bedrijven importeren")

    bad = tmp_path / "fout.csv"
    bad.write_bytes(BAD)
    for language, title in (
        ("nl", "fout.csv: 3 problemen; er is niets geïmporteerd"),
        ("en", "fout.csv: 3 problems; nothing was imported"),
    ):
        if language == "en":
            switch_language(page, "en")
        choose_and_import(page, bad)
        expect(page.locator("#problems-title")).to_have_text(title)
        rows = page.locator(".import-problems tbody tr")
        expect(rows).to_have_count(3)
        expect(rows.nth(0)).to_contain_text("werknemers")
        assert_accessible(page, f"company-import (problems, {language})", other_language=False)

    pdf = tmp_path / "bedrijven.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    choose_and_import(page, pdf)
    expect_error_summary_with_focus(page, ["file"])
    assert_accessible(page, "company-import (refused at the field)", other_language=False)

    good = tmp_path / "bedrijven.csv"
    good.write_bytes(GOOD)
    choose_and_import(page, good)
    expect(page).to_have_url(re.compile(r"/companies/import/done/(#.*)?$"))
    expect(page.locator("main [role=status]")).to_have_text("bedrijven.csv: 1 company added.")
    assert_accessible(page, "import-result (companies)")

    page.locator("main a", has_text="Drukkerij Noord").click()
    page.locator("main a", has_text="Import scans or a filled-in form from a file").click()
    model = load_model("groeimodel")
    wave = tmp_path / "golf.csv"
    ids = [item.id for item in model.items]
    wave.write_text("id," + ",".join(ids) + "\nt0," + ",".join("4" for _ in ids) + "\n")
    choose_and_import(page, wave)
    expect(page.locator("main [role=status]")).to_have_text("golf.csv: 1 scan submitted.")
    assert_accessible(page, "import-result (scans)")
    page.locator("main a", has_text="Drukkerij Noord T0").click()
    expect(page).to_have_url(re.compile(r"/scans/\d+/result/$"))
