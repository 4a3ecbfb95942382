"""Browser tests: Playwright driving Debian's Chromium against pytest-django's ``live_server``.

``playwright install`` cannot work here; the launch fixture points Playwright at /usr/bin/chromium and the
tests fail (not skip) when it is missing. Run with::

    .venv/bin/pytest -q tests/e2e -p no:cacheprovider
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM would otherwise refuse to run
# (SynchronousOnlyOperation) in the test body and in fixtures.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_ROOT / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's Chromium "
            "(apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)",
            pytrace=False,
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # A Dutch browser: LocaleMiddleware follows Accept-Language, and headless Chromium sends en-US otherwise.
    return {**browser_context_args, "locale": "nl-NL", "viewport": DESKTOP, "timezone_id": "Europe/Amsterdam"}


@pytest.fixture
def page(page: Any) -> Any:
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    return page


@pytest.fixture
def browser_errors(page: Any) -> list[str]:
    """Script errors: console errors (CSP violations included) and uncaught exceptions. Failed loads of
    resources are left to ``broken_assets``."""
    errors: list[str] = []

    def on_console(msg: Any) -> None:
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            errors.append(f"console: {msg.text} ({msg.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    return errors


@pytest.fixture
def broken_assets(page: Any) -> list[str]:
    """Stylesheets, scripts, images and fetches that did not load. A request the browser itself cancels
    (net::ERR_ABORTED, e.g. the favicon when the test navigates on) is not a broken asset."""
    broken: list[str] = []

    def on_response(response: Any) -> None:
        request = response.request
        if response.status >= 400 and request.resource_type != "document":
            broken.append(f"{response.status} {request.method} {request.url}")

    def on_failed(request: Any) -> None:
        if request.failure != "net::ERR_ABORTED":
            broken.append(f"failed {request.method} {request.url}: {request.failure}")

    page.on("response", on_response)
    page.on("requestfailed", on_failed)
    return broken


@pytest.fixture
def demo_logins(transactional_db: None) -> list[Any]:
    """The demo organisations, companies and scans; one DemoLogin (role, organisation, username, password) per user."""
    from groeimodel.web.demo import load_demo

    return load_demo()


def demo_login(logins: list[Any], role: str, organisation: str) -> Any:
    for login in logins:
        if login.role == role and login.organisation == organisation:
            return login
    raise LookupError(f"no demo login for {role} at {organisation}")


@pytest.fixture
def advisor(demo_logins: list[Any]) -> Any:
    """The demo advisor of Adviesbureau Noorderlicht."""
    return demo_login(demo_logins, "adviseur", "noorderlicht")


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR


@pytest.fixture
def site(live_server: Any, settings: Any) -> Iterator[str]:
    """The live server's base URL (the transactional database comes with live_server).

    Every browser test comes from 127.0.0.1 and some log in a dozen times within a minute: they start with no
    counted requests (the counters' table is no model's, so the database flush leaves it) and a login limit no
    walk through the pages reaches; tests/web/test_floods.py holds the real limits."""
    from django.core.cache import caches

    caches["ratelimit"].clear()
    settings.LOGIN_RATE = "1000/m"
    yield live_server.url


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Write which page states axe-core checked, in which language and at which width (tests/e2e/a11y.py)."""
    from tests.e2e.a11y import CHECKED

    if not CHECKED:
        return
    out = REPO_ROOT / "test-artifacts" / "axe-coverage.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    rows = sorted({(c.state, c.path, c.language, c.width) for c in CHECKED})
    out.write_text(
        f"{len(rows)} page states x language x width checked by axe-core (WCAG 2.1 A/AA)\n"
        + "".join(f"{state}\t{path}\t{language}\t{width}\n" for state, path, language, width in rows)
    )
