"""Removing things in the browser: each through its confirmation page, never by a plain link."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import demo_login
from .test_scan_journey import log_in

COMPANY = "Installatietechniek Hoekstra"  # the demo company of Noorderlicht with a draft scan


@pytest.mark.e2e
def test_a_beheerder_deletes_a_draft_scan_and_an_initiative_then_archives_and_restores_the_company(
    page: Page, site: str, demo_logins: list[Any], screenshots: Path, browser_errors: list[str]
) -> None:
    from groeimodel.web.audit.models import AuditRecord
    from groeimodel.web.companies.models import Company
    from groeimodel.web.initiatives.models import Initiative
    from groeimodel.web.scans.models import Response

    company = Company.objects.get(organisation__slug="noorderlicht", name=COMPANY)
    draft = Response.objects.get(wave__company=company, status=Response.Status.DRAFT)
    initiative = Initiative.objects.create(company=company, title="Leerwerkplaats", description="Samen leren.", level=2)
    log_in(page, site, demo_login(demo_logins, "beheerder", "noorderlicht"))

    # The draft scan: the link opens a confirmation page; only its button deletes.
    page.get_by_role("link", name=COMPANY).click()
    page.get_by_role("link", name="Concept verwijderen").click()
    expect(page).to_have_url(re.compile(rf"/scans/{draft.pk}/delete/$"))
    expect(page.locator("h1")).to_contain_text(f"De conceptscan {draft.wave.label} van {COMPANY} verwijderen?")
    assert Response.objects.filter(pk=draft.pk).exists()
    page.screenshot(path=str(screenshots / "removal-01-confirm-draft.png"), full_page=True)
    page.get_by_role("button", name="Conceptscan verwijderen").click()
    expect(page).to_have_url(re.compile(rf"/companies/{company.pk}/$"))
    expect(page.locator(".messages")).to_contain_text(f"De conceptscan {draft.wave.label} is verwijderd.")
    expect(page.get_by_role("link", name="Concept verwijderen")).to_have_count(0)
    assert not Response.objects.filter(pk=draft.pk).exists()

    # The initiative.
    page.get_by_role("link", name="Leerwerkplaats").click()
    page.locator("main a.delete").click()
    expect(page.locator("h1")).to_contain_text("Het initiatief Leerwerkplaats verwijderen?")
    page.get_by_role("button", name="Initiatief verwijderen").click()
    expect(page).to_have_url(re.compile(rf"/companies/{company.pk}/$"))
    expect(page.get_by_role("link", name="Leerwerkplaats")).to_have_count(0)
    assert not Initiative.objects.filter(pk=initiative.pk).exists()

    # Archive the company: gone from the list, listed in the archive.
    page.locator("main a.archive").click()
    expect(page.locator("h1")).to_contain_text(f"{COMPANY} archiveren?")
    page.get_by_role("button", name="Bedrijf archiveren").click()
    expect(page).to_have_url(re.compile(r"/companies/$"))
    expect(page.locator(".messages")).to_contain_text(f"{COMPANY} is gearchiveerd.")
    expect(page.locator("main table").get_by_role("link", name=COMPANY)).to_have_count(0)
    page.get_by_role("link", name="Gearchiveerde bedrijven").click()
    row = page.locator("table.archived tr", has_text=COMPANY)
    expect(row).to_contain_text("noorderlicht-beheerder")
    page.screenshot(path=str(screenshots / "removal-02-archive.png"), full_page=True)

    # Restore it: back on its page and in the list, its submitted scans with it.
    row.get_by_role("link", name="Herstellen").click()
    page.get_by_role("button", name="Bedrijf herstellen").click()
    expect(page).to_have_url(re.compile(rf"/companies/{company.pk}/$"))
    expect(page.locator(".messages")).to_contain_text(f"{COMPANY} is hersteld.")
    expect(page.get_by_role("link", name="Resultaat bekijken").first).to_be_visible()
    page.goto(f"{site}/companies/")
    expect(page.locator("main table").get_by_role("link", name=COMPANY)).to_have_count(1)

    actions = [(r.object_kind, r.action) for r in AuditRecord.objects.order_by("at", "pk")]
    assert actions == [("scan", "delete"), ("initiative", "delete"), ("company", "archive"), ("company", "restore")]
    assert not browser_errors, browser_errors
