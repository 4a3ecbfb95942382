"""The advice report from the result page in the browser: the printable page loads its stylesheet under the CSP,
passes axe-core, and the PDF download is a PDF."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.test_scan_journey import log_in

pytestmark = pytest.mark.e2e


def test_the_result_page_leads_to_a_printable_report_and_a_pdf(
    page: Page, site: str, advisor: Any, browser_errors: list[str]
) -> None:
    from django.contrib.auth import get_user_model

    from groeimodel.web.scans.models import Response

    user = get_user_model().objects.get(username=advisor.username)
    scan = Response.objects.filter(
        wave__company__advisors=user, status=Response.Status.SUBMITTED, respondent="management"
    ).first()
    assert scan is not None
    log_in(page, site, advisor)
    page.goto(f"{site}/scans/{scan.pk}/result/")
    pdf_href = page.locator("main p.downloads a").first.get_attribute("href")
    assert pdf_href == f"/scans/{scan.pk}/report.pdf"
    pdf = page.request.get(urljoin(page.url, pdf_href))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")

    page.locator("main p.downloads a").nth(1).click()
    expect(page).to_have_url(re.compile(rf"/scans/{scan.pk}/report.html$"))
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("h1")).to_have_text(scan.wave.company.name)
    # The stylesheet is applied (no inline style is allowed by the CSP): the summary has its border.
    border = page.locator("section.summary").evaluate("e => getComputedStyle(e).borderTopStyle")
    assert border == "solid"
    assert not browser_errors, browser_errors
    assert_accessible(page, "scan-report-html")
