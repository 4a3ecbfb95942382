"""WCAG 2.1 AA in the browser: axe-core on every page of the app (Dutch and English, desktop and phone), our own
check of chart text, the error summary after a form with errors, and the block navigation on a phone.

A new page joins the walk by adding its URL to the walk below; the walk fails while a named URL of the app is
neither walked nor listed in ``NOT_PAGES`` as something other than a page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from tests.e2e.a11y import assert_accessible, chart_text_problems, chart_texts
from tests.e2e.conftest import DESKTOP, PHONE, demo_login
from tests.e2e.test_scan_journey import log_in, log_out

pytestmark = pytest.mark.e2e

# Named URLs that are not pages a person reads: form targets, HTMX fragments and redirects.
NOT_PAGES = {
    "logout": "POST target, redirects to the login page",
    "set_language": "POST target of the language switch, redirects back",
    "user-toggle-active": "POST target, redirects to the user list",
    "scan-start": "POST target, redirects to the new scan",
    "scan-answer": "HTMX fragment (the saved status of one statement), checked inside the questionnaire",
    "scan-submit": "POST target, redirects to the result",
    "scan-carry-over": "POST target, redirects to the review page (its button is on the review page)",
    "initiative-suggest": "HTMX fragment (the classifier's suggestion), checked inside the initiative form",
    "home": "redirects to the company list or the overview (or shows no_membership, walked as such)",
    "user-send-reset": "POST target, sends the reset mail and redirects to the user list",
    "employee-round-open": "POST target, redirects to the round's page",
    "employee-round-send": "POST target of the e-mail form on the round's page",
    "scan-report-pdf": "a PDF download, its text checked by tests/test_report.py",
    # Walked with assert_accessible in their own journeys, where they are reached as a person reaches them:
    "employee-round": "tests/e2e/test_employee_round.py (open round, QR code)",
    "employee-round-close": "tests/e2e/test_employee_round.py (the confirmation)",
    "employee-round-print": "tests/e2e/test_employee_round.py",
    "employee-answer": "tests/e2e/test_employee_round.py (questionnaire, already answered, closed)",
    "employee-thanks": "tests/e2e/test_employee_round.py",
    "scan-report-html": "tests/e2e/test_report_page.py",
    "overview-export": "CSV download of a monitor table (tests/web/test_monitor_page.py)",
    "company-export": "POST target of the button on the company page: a zip download (tests/web/test_privacy.py)",
    "import-result": "tests/e2e/test_imports.py (reached after an import; the upload pages' problem report there too)",
    "overview-download": "zip download of a monitor table (tests/web/test_monitor_downloads.py)",
    "overview-wave-data": "zip download of the wave data (tests/web/test_monitor_downloads.py)",
    "public-monitor-export": "CSV download of a public monitor table (tests/web/test_monitor_filters_page.py)",
}


def app_url_names() -> set[str]:
    from django.urls import URLPattern, URLResolver, get_resolver

    names: set[str] = set()

    def visit(patterns: list[Any]) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "api":  # the REST API answers JSON (tests/web/test_api*.py; docs: test_api_docs.py)
                    continue
                visit(p.url_patterns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(p.name)

    visit(get_resolver().url_patterns)
    return names


@pytest.fixture
def fixtures_for_walk(demo_logins: list[Any]) -> dict[str, Any]:
    """The objects behind every page: an advisor's companies and scans in every state, an initiative."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from groeimodel.model import load_model
    from groeimodel.web.companies.models import Company
    from groeimodel.web.initiatives.services import save_initiative
    from groeimodel.web.scans.models import Response
    from groeimodel.web.scans.services import save_answers, start_scan

    advisor = demo_login(demo_logins, "adviseur", "noorderlicht")
    user = get_user_model().objects.get(username=advisor.username)
    ours = Response.objects.filter(
        wave__company__organisation__slug="noorderlicht", wave__company__advisors=user, respondent="management"
    )
    submitted = ours.filter(status=Response.Status.SUBMITTED).first()
    draft = ours.exclude(status=Response.Status.SUBMITTED).first()
    assert submitted and draft
    company = Company.objects.get(name="Bakkerij Van Dijk")
    complete = start_scan(company=company, user=user)
    save_answers(scan=complete, answers={item.id: 3 for item in load_model().items})
    initiative = save_initiative(
        user=user,
        company=company,
        data={
            "title": "Flexplekken en thuiswerken",
            "description": "Flexplekken en thuiswerkverbindingen: groeien zonder extra ruimte te huren.",
            "investment": 20000,
            "annual_benefit": 50000,
            "annual_cost": 0,
            "years": 5,
            "discount_rate": 8,
        },
        level_choice="",
        indicators={},
    )
    bare = save_initiative(
        user=user,
        company=company,
        data={"title": "Ideeënbus", "description": "Een ideeënbus voor iedereen in de bakkerij."},
        level_choice="",
        indicators={},
    )
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    from groeimodel.web.api.tokens import create_token

    return {
        "api_token": create_token(user=user, name="CRM-koppeling").token,
        "advisor": advisor,
        "user": user,
        "submitted": submitted,
        "draft": draft,
        "complete": complete,
        "company": company,
        "initiative": initiative,
        "bare_initiative": bare,
        "reset": f"/accounts/reset/{uid}/{default_token_generator.make_token(user)}/",
        "blocks": len(load_model().blocks),
    }


def walk(page: Page, site: str, pages: list[tuple[str, str]]) -> Iterator[str]:
    for name, url in pages:
        response = page.goto(f"{site}{url}")
        assert response is not None and response.status < 500, f"{url}: HTTP {response and response.status}"
        yield name
        assert_accessible(page, name)


def test_every_page_passes_axe_in_both_languages_and_at_both_widths(
    page: Page, site: str, demo_logins: list[Any], fixtures_for_walk: dict[str, Any]
) -> None:
    f = fixtures_for_walk
    seen: set[str] = set()

    # Signed out.
    for name in walk(
        page,
        site,
        [
            ("login", "/accounts/login/"),
            ("password_reset", "/accounts/password_reset/"),
            ("password_reset_done", "/accounts/password_reset/done/"),
            ("password_reset_confirm", "/accounts/reset/MQ/invalid-token/"),
            ("password_reset_complete", "/accounts/reset/done/"),
        ],
    ):
        seen.add(name)
    page.goto(f"{site}{f['reset']}")  # a valid link redirects to the form for the new password
    expect(page.locator("input[type=password]").first).to_be_visible()
    assert_accessible(page, "password_reset_confirm (valid link)")

    # An advisor: companies, a company, its scans in every state, initiatives.
    log_in(page, site, f["advisor"])
    draft, submitted, complete, company = f["draft"], f["submitted"], f["complete"], f["company"]
    for name in walk(
        page,
        site,
        [
            ("company-list", "/companies/"),
            ("company-list (nothing found)", "/companies/?q=zzzzzz"),
            ("company-detail", f"/companies/{company.pk}/"),
            ("company-detail (scans done)", f"/companies/{submitted.wave.company_id}/"),
            ("company-create", "/companies/new/"),
            ("company-edit", f"/companies/{company.pk}/edit/"),
            ("company-import", "/companies/import/"),
            ("scan-import", "/companies/import/scans/"),
            ("company-scan-import", f"/companies/{company.pk}/scans/import/"),
            ("scan-fill", f"/scans/{draft.pk}/"),
            ("scan-fill (last block)", f"/scans/{draft.pk}/?block={f['blocks'] - 1}"),
            ("scan-review", f"/scans/{draft.pk}/review/"),
            ("scan-review (complete)", f"/scans/{complete.pk}/review/"),
            ("scan-result", f"/scans/{submitted.pk}/result/"),
            ("wave-growth", f"/waves/{submitted.wave_id}/growth/"),
            ("initiative-create", f"/companies/{company.pk}/initiatives/new/"),
            ("initiative-detail", f"/initiatives/{f['initiative'].pk}/"),
            ("initiative-detail (no business case)", f"/initiatives/{f['bare_initiative'].pk}/"),
            ("initiative-edit", f"/initiatives/{f['initiative'].pk}/edit/"),
            ("api-tokens", "/account/tokens/"),
            ("api-token-revoke", f"/account/tokens/{f['api_token'].pk}/revoke/"),
            ("password_change", "/accounts/password_change/"),
            ("password_change_done", "/accounts/password_change/done/"),
            ("not found", "/scans/999999/"),
        ],
    ):
        seen.add(name.split(" (")[0])
    page.goto(f"{site}/account/tokens/")
    page.locator("#id_name").fill("Script")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#new-token")).to_have_value(re.compile(r"^gm_"))
    assert_accessible(page, "api-tokens (a new token shown)")
    log_out(page)

    # An administrator: users and the overview; an analyst's overview.
    log_in(page, site, demo_login(demo_logins, "beheerder", "noorderlicht"))
    from django.utils import timezone

    from groeimodel.web.companies.models import Company

    owner = get_user_model().objects.get(username=demo_login(demo_logins, "ondernemer", "noorderlicht").username)
    archived = Company.objects.filter(organisation__slug="noorderlicht").exclude(pk=company.pk).order_by("-pk").first()
    assert archived is not None
    Company.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    from groeimodel.web.audit.services import record

    admin = get_user_model().objects.get(username=demo_login(demo_logins, "beheerder", "noorderlicht").username)
    for action in ("create", "update", "export", "archive"):  # rows for the audit log's table
        record(actor=admin, organisation=admin.membership.organisation_id, action=action, object_kind="company",
               object_id=archived.pk, label=archived.name)  # fmt: skip
    for name in walk(
        page,
        site,
        [
            ("user-list", "/users/"),
            ("user-edit", f"/users/{owner.pk}/edit/"),
            ("overview", "/overview/"),
            ("overview", "/overview/?by=year"),
            ("overview-downloads", "/overview/downloads/"),
            ("overview", "/overview/?by=province&filter=sbi_section:C"),
            ("overview", "/overview/?by=province&filter=province:GE"),  # the message at the filter field
            ("company-archive", f"/companies/{company.pk}/archive/"),
            ("company-archived-list", "/companies/archived/"),
            ("company-restore", f"/companies/{archived.pk}/restore/"),
            ("company-delete", f"/companies/{archived.pk}/delete/"),
            ("initiative-delete", f"/initiatives/{f['bare_initiative'].pk}/delete/"),
            ("scan-delete", f"/scans/{draft.pk}/delete/"),
            ("audit-log", "/audit/"),
            ("audit-log", "/audit/?action=export&date_from=2026-12-40"),  # a filter with an error at its field
        ],
    ):
        seen.add(name)
    Company.objects.filter(pk=archived.pk).update(archived_at=None)
    log_out(page)
    analyst = demo_login(demo_logins, "analist", "noorderlicht")
    page.goto(f"{site}/accounts/login/")
    page.locator("#id_username").fill(analyst.username)
    page.locator("#id_password").fill(analyst.password)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/overview/$"))
    assert_accessible(page, "overview (analyst)")
    log_out(page)

    # The public national monitor (GROEIMODEL_PUBLIC_MONITOR), without login.
    from django.test import override_settings

    with override_settings(PUBLIC_MONITOR=True):
        for name in walk(
            page,
            site,
            [("public-monitor", "/monitor/"), ("public-monitor", "/monitor/?by=size_class&filter=sbi_section:C")],
        ):
            seen.add(name)

    # A user without an organisation; then an account locked after failed logins.
    get_user_model().objects.create_user("zonder-organisatie", password="a-long-test-password")
    page.goto(f"{site}/accounts/login/")
    page.locator("#id_username").fill("zonder-organisatie")
    page.locator("#id_password").fill("a-long-test-password")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(re.compile("No access yet|Nog geen toegang"))
    assert_accessible(page, "no_membership")
    log_out(page)
    for _ in range(6):
        page.goto(f"{site}/accounts/login/")
        page.locator("#id_username").fill("zonder-organisatie")
        page.locator("#id_password").fill("wrong")
        page.locator("main form button[type=submit]").click()
    expect(page.locator("p[role=alert]")).to_be_visible()
    assert_accessible(page, "locked_out", other_language=False)
    switch_language(page, "en")  # back on the login page, in English: locked out again
    page.locator("#id_username").fill("zonder-organisatie")
    page.locator("#id_password").fill("wrong")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("p[role=alert]")).to_be_visible()
    assert_accessible(page, "locked_out", other_language=False)
    seen.add("locked_out")

    # A named URL added to the app must be walked here or listed in NOT_PAGES with its reason.
    assert app_url_names() - seen - NOT_PAGES.keys() == set(), "pages missing from the walk"
    assert NOT_PAGES.keys() <= app_url_names(), "NOT_PAGES names a URL that no longer exists"


CHART_WIDTHS = {
    "320": {"width": 320, "height": 800},
    "phone": PHONE,
    "tablet": {"width": 768, "height": 1000},
    "laptop": {"width": 1024, "height": 800},
    "desktop": DESKTOP,
    "wide": {"width": 1600, "height": 1000},
}


def test_chart_text_is_at_least_12_px_and_4_5_to_1_at_every_width(
    page: Page, site: str, fixtures_for_walk: dict[str, Any], screenshots: Any
) -> None:
    f = fixtures_for_walk
    log_in(page, site, f["advisor"])
    measured: dict[str, list[str]] = {}
    for chart, url in (
        ("radar", f"/scans/{f['submitted'].pk}/result/"),
        ("cashflow", f"/initiatives/{f['initiative'].pk}/"),
    ):
        for width, size in CHART_WIDTHS.items():
            page.set_viewport_size(size)
            page.goto(f"{site}{url}")
            texts = chart_texts(page, f"svg.{chart}")
            assert len(texts) >= 5, f"{chart} at {width}: only {len(texts)} texts visible"
            smallest = min(texts, key=lambda t: t.px)
            print(
                f"{chart} {width}: {len(texts)} texts, smallest {smallest.px:.1f}px ({smallest.css_class}),"
                f" lowest contrast {min(t.contrast for t in texts):.2f}"
            )
            page.locator(f"svg.{chart}").screenshot(path=str(screenshots / f"chart-{chart}-{width}.png"))
            if problems := chart_text_problems(page, f"svg.{chart}"):
                measured[f"{chart} at {width}"] = problems
    assert not measured, "\n".join(f"{k}: {p}" for k, v in measured.items() for p in v)


def test_the_monitor_bar_chart_text_is_at_least_12_px_and_4_5_to_1_at_every_width(
    page: Page, site: str, demo_logins: list[Any]
) -> None:
    log_in(page, site, demo_login(demo_logins, "beheerder", "noorderlicht"))
    measured: dict[str, list[str]] = {}
    for width, size in CHART_WIDTHS.items():
        page.set_viewport_size(size)
        page.goto(f"{site}/overview/?by=size_class")
        texts = chart_texts(page, "svg.bars")
        assert len(texts) >= 8, f"bars at {width}: only {len(texts)} texts visible"
        if problems := chart_text_problems(page, "svg.bars"):
            measured[f"bars at {width}"] = problems
    assert not measured, "\n".join(f"{k}: {p}" for k, v in measured.items() for p in v)


def test_the_radar_points_to_the_scores_table_and_its_footnote_link_has_a_name(
    page: Page, site: str, fixtures_for_walk: dict[str, Any]
) -> None:
    f = fixtures_for_walk
    log_in(page, site, f["advisor"])
    page.goto(f"{site}/scans/{f['submitted'].pk}/result/")
    radar = page.get_by_role("img", name=re.compile("Scores per bouwsteen|Scores per building block"))
    expect(radar).to_have_attribute("aria-describedby", "scores-table")
    expect(page.locator("#scores-table")).to_have_count(1)
    expect(page.locator("#scores-table th.block-name")).to_have_count(f["blocks"])
    expect(radar).to_have_accessible_description(re.compile(r"Efficiënte processen\s+\d+"))
    note = page.get_by_role("link", name=re.compile(r"^\* toelichting bij het gereconstrueerde niveau$"))
    expect(note).to_have_attribute("href", "#reconstruction-note")
    # On a phone the axes are numbered, with a key of as many block names below the chart.
    page.set_viewport_size(PHONE)
    expect(page.locator("svg.radar .axis-key").first).to_be_visible()
    expect(page.locator("svg.radar .axis-label").first).to_be_hidden()
    expect(page.locator("ol.radar-key li")).to_have_count(f["blocks"])
    expect(page.locator("ol.radar-key")).to_be_visible()


FOCUS_JS = """
() => {
  const el = document.activeElement, s = getComputedStyle(el);
  return {outline: s.outlineColor, style: s.outlineStyle, width: parseFloat(s.outlineWidth),
          tag: el.outerHTML.slice(0, 80)};
}
"""


def test_the_focus_outline_is_3_to_1_against_every_background_it_is_drawn_on(
    page: Page, site: str, fixtures_for_walk: dict[str, Any]
) -> None:
    """By keyboard through the questionnaire: every focused element has a 3 px outline of at least 3:1 against the
    background around it (the header's white, the page's grey, the current block's blue)."""
    from tests.e2e.a11y import contrast

    f = fixtures_for_walk
    log_in(page, site, f["advisor"])
    page.goto(f"{site}/scans/{f['draft'].pk}/?block=1")
    rgb = lambda css: [float(x) for x in re.findall(r"[\d.]+", css)[:3]]  # noqa: E731
    seen = 0
    page.locator("body").focus()
    for _ in range(60):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_JS)
        if focus["tag"].startswith("<body"):
            break
        backdrop = page.evaluate(
            r"""() => { for (let e = document.activeElement.parentElement; e; e = e.parentElement) {
                const c = getComputedStyle(e).backgroundColor; if (!/rgba\(.*, 0\)|transparent/.test(c)) return c; }
                return getComputedStyle(document.documentElement).backgroundColor; }"""
        )
        assert focus["style"] != "none" and focus["width"] >= 3, focus
        ratio = contrast(rgb(focus["outline"]), rgb(backdrop))
        assert ratio >= 3, f"{focus['tag']}: outline {focus['outline']} on {backdrop} is {ratio:.2f}:1"
        seen += 1
    assert seen > 20


def switch_language(page: Page, language: str) -> None:
    page.locator(f"header form.lang button[value={language}]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def expect_error_summary_with_focus(page: Page, fields: list[str]) -> None:
    """Focus is on the summary at the top of the form; it lists each field's error with a link to the field."""
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    links = summary.locator("a")
    assert links.evaluate_all("els => els.map(a => a.getAttribute('href'))") == [f"#id_{f}" for f in fields]
    summary_box, form_box = summary.bounding_box(), page.locator("main form").last.bounding_box()
    assert summary_box and form_box and summary_box["y"] <= form_box["y"] + 40, "the summary is not at the top"
    for field in fields:  # each entry names its field's error and leads to the field
        error = page.locator(f"#id_{field}_error")
        expect(summary.locator(f"a[href='#id_{field}']")).to_contain_text(error.inner_text().strip())
    links.first.click()
    expect(page.locator(f"#id_{fields[0]}")).to_be_in_viewport()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_after_a_form_with_errors_focus_is_on_an_error_summary_that_links_to_the_fields(
    page: Page, site: str, demo_logins: list[Any], language: str, browser_errors: list[str]
) -> None:
    # Logging in with a wrong password: a non-field error, in the summary without a link.
    page.goto(f"{site}/accounts/login/")
    if language == "en":
        switch_language(page, "en")
    page.locator("#id_username").fill("nobody")
    page.locator("#id_password").fill("wrong")
    page.locator("main form button[type=submit]").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.locator("li")).to_have_count(1)
    assert_accessible(page, "login with errors", other_language=False)

    # A company without a name and with a 7-digit KvK number.
    admin = demo_login(demo_logins, "beheerder", "noorderlicht")
    log_in(page, site, admin)
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.goto(f"{site}/companies/new/")
    page.locator("#id_kvk_number").fill("1234567")
    page.locator("main form button[type=submit].primary").click()
    expect_error_summary_with_focus(page, ["name", "kvk_number", "sbi_section", "employees", "province"])
    assert_accessible(page, "company-create with errors", other_language=False)

    # A user without a password and an entrepreneur without a company; then one that is added (a message).
    page.goto(f"{site}/users/")
    page.locator("#id_username").fill("nieuwe-ondernemer")
    page.locator("#id_role").select_option("ondernemer")
    page.locator("main form button[type=submit].primary").click()
    expect_error_summary_with_focus(page, ["company", "password"])
    assert_accessible(page, "user-list with errors", other_language=False)
    page.locator("#id_role").select_option("adviseur")
    page.locator("#id_password").fill("een-lang-en-sterk-wachtwoord-2026")
    page.locator("main form button[type=submit].primary").click()
    message = page.locator("main [role=status] ul.messages li")
    expect(message).to_contain_text("nieuwe-ondernemer")
    assert_accessible(page, "user-list with a message", other_language=False)

    # The password change with a wrong old password.
    page.goto(f"{site}/accounts/password_change/")
    page.locator("#id_old_password").fill("wrong")
    page.locator("#id_new_password1").fill("een-lang-en-sterk-wachtwoord-2026")
    page.locator("#id_new_password2").fill("een-lang-en-sterk-wachtwoord-2026")
    page.locator("main form button[type=submit].primary").click()
    expect_error_summary_with_focus(page, ["old_password"])
    assert_accessible(page, "password_change with errors", other_language=False)
    assert not browser_errors, browser_errors


def test_on_a_phone_the_block_navigation_is_reachable_and_the_scores_table_fits(
    page: Page, site: str, fixtures_for_walk: dict[str, Any]
) -> None:
    f = fixtures_for_walk
    page.set_viewport_size(PHONE)
    log_in(page, site, f["advisor"])
    page.goto(f"{site}/scans/{f['draft'].pk}/")
    blocks = page.get_by_role("navigation", name=re.compile("Bouwstenen|Building blocks"))
    expect(blocks).to_be_attached()
    expect(blocks.locator("a")).to_have_count(f["blocks"])
    page.locator(".to-blocks a").click()  # the link at the top leads to it
    expect(blocks).to_be_in_viewport()
    blocks.locator("a").nth(2).click()
    expect(page).to_have_url(re.compile(r"\?block=2$"))
    expect(blocks.locator("a[aria-current=step]")).to_have_count(1)
    # By keyboard, the navigation follows the block's buttons.
    page.locator("main form.questionnaire button").last.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#blocks') !== null")

    page.goto(f"{site}/scans/{f['submitted'].pk}/result/")
    for language in ("nl", "en"):
        fits = page.evaluate(
            """() => { const t = document.querySelector('table.scores'), w = t.parentElement;
                return {table: t.getBoundingClientRect().width, box: w.clientWidth, scroll: w.scrollWidth}; }"""
        )
        assert fits["scroll"] <= fits["box"] and fits["table"] <= fits["box"] + 0.5, (language, fits)
        if language == "nl":
            switch_language(page, "en")
    page.set_viewport_size(DESKTOP)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_states_htmx_brings_pass_axe(
    page: Page, site: str, fixtures_for_walk: dict[str, Any], language: str, browser_errors: list[str]
) -> None:
    """What HTMX swaps into a page (a saved answer, the classifier's suggestion) and a form with an error."""
    f = fixtures_for_walk
    log_in(page, site, f["advisor"])
    if language == "en":
        switch_language(page, "en")
    page.goto(f"{site}/scans/{f['draft'].pk}/?block=1")
    # an answer that differs from the one saved (the demo's draft may have this statement answered already)
    page.locator("fieldset.item").first.locator("input[type=radio]:not(:checked)").first.check()
    expect(page.locator("#status-1 .saved")).to_be_visible()
    assert_accessible(page, "scan-fill (an answer saved)", other_language=False)

    page.goto(f"{site}/companies/{f['company'].pk}/initiatives/new/")
    page.locator("#id_title").fill("Leerwerkroute")
    page.locator("#id_description").press_sequentially("Samen met de gemeente een leerwerkroute opzetten.", delay=1)
    expect(page.locator("#suggestion .suggestion")).to_be_visible()
    assert_accessible(page, "initiative-create (suggestion shown)", other_language=False)
    page.locator("#id_years").fill("0")
    page.locator("main form button[type=submit].primary").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary a[href='#id_years']")).to_be_visible()
    assert_accessible(page, "initiative-create with errors", other_language=False)
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert not browser_errors, browser_errors
