"""The API's docs page (Swagger UI, shipped inside django-ninja's wheel) loads from our own server only, under the
app's Content-Security-Policy, and shows the API's operations."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_the_docs_page_loads_everything_from_the_app_under_its_csp(
    page: Page, site: str, browser_errors: list[str], broken_assets: list[str], transactional_db: Any
) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    # Swagger UI's bundle is 1.4 MB: on a busy machine the live server takes a while to send it.
    response = page.goto(f"{site}/api/v1/docs/", wait_until="domcontentloaded", timeout=60_000)
    assert response is not None and response.ok
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/companies").first).to_be_visible(timeout=60_000)
    expect(page.locator(".info .title")).to_contain_text("groeimodel API")
    outside = [url for url in requested if not url.startswith(site) and not url.startswith("data:")]
    assert outside == []
    assert browser_errors == [] and broken_assets == []
