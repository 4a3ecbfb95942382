"""An answer that cannot be saved says so at the statement, instead of failing silently."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .a11y import assert_accessible
from .test_scan_journey import log_in


@pytest.mark.e2e
def test_saving_into_a_scan_submitted_elsewhere_shows_the_error_at_the_statement(
    page: Page, site: str, advisor: Any
) -> None:
    from groeimodel.web.scans.models import Response

    draft = Response.objects.get(status="draft", wave__company__advisors__username=advisor.username)
    log_in(page, site, advisor)
    page.goto(f"{site}/scans/{draft.pk}/?block=0")
    Response.objects.filter(pk=draft.pk).update(status="submitted")  # as if submitted in another tab
    page.locator("fieldset.item").first.locator("input[type=radio]").first.check()
    status = page.locator("fieldset.item").first.locator(".status")
    expect(status).to_contain_text(re.compile("ingediend|submitted"))
    expect(status.locator("[role=alert]")).to_be_visible()
    assert_accessible(page, "scan-fill (an answer could not be saved)", other_language=False)
