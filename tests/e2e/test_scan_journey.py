"""Browser journeys through the scan: an advisor from a new company to the result, the questionnaire by keyboard,
form errors at their field, and isolation between organisations.

Selectors prefer ids, names, roles and values over visible text: the Dutch catalogue is still changing. Dutch is
checked through ``<html lang="nl">``; English, after switching, through a few stable strings.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import PHONE, demo_login

pytestmark = pytest.mark.e2e

NEW_COMPANY = {
    "name": "Zeilmakerij De Wadden",
    "kvk_number": "87654321",
    "sbi_section": "C",
    "employees": "23",
    "province": "FR",
    "founding_year": "1998",
}


# --- helpers -------------------------------------------------------------------------------------------------


def log_in(page: Page, site: str, login: Any) -> None:
    page.goto(f"{site}/accounts/login/")
    page.locator("#id_username").fill(login.username)
    page.locator("#id_password").fill(login.password)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/companies/$"))


def log_out(page: Page) -> None:
    page.locator("header form[action$='/logout/'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("#id_username")).to_be_visible()


def assert_htmx_loaded(page: Page) -> None:
    """htmx, served by {% htmx_script %} from /static/django_htmx/, is loaded and running."""
    src = page.locator("head script[src*='/static/django_htmx/']").first.get_attribute("src")
    assert src, "no htmx script tag in the page head"
    assert page.request.get(urljoin(page.url, src)).ok, f"{src} is not served"
    page.wait_for_function("() => typeof window.htmx === 'object' && typeof window.htmx.version === 'string'")


def expect_progress(page: Page, done: int) -> None:
    expect(page.locator("#progress-bar")).to_have_attribute("value", str(done))


def item_ids(page: Page) -> list[str]:
    """The statements of the current block, in page order (fieldset ids are ``item-<item id>``)."""
    return [
        fid.removeprefix("item-") for fid in page.locator("fieldset.item").evaluate_all("els => els.map(e => e.id)")
    ]


def fieldset(item: str) -> str:
    """The selector of a statement's fieldset; item ids contain dots, so not ``#item-...``."""
    return f'fieldset.item[id="item-{item}"]'


def answer(page: Page, position: int, item: str, value: str) -> None:
    """Click one radio (``position`` is the 1-based place in the block) and wait for its autosave."""
    status = page.locator(f"#status-{position}")
    page.locator(f"{fieldset(item)} input[type=radio][value='{value}']").click()
    expect(status.locator(".saved")).to_be_visible()
    expect(status.locator(".error")).to_have_count(0)


def choice(n: int) -> str:
    """A spread of answers over the whole scan; every 9th statement 'weet niet / n.v.t.'."""
    return "?" if n % 9 == 4 else str(2 + n % 4)


def checked_values(page: Page) -> dict[str, str | None]:
    return {
        item: page.locator(f"{fieldset(item)} input[type=radio]:checked").evaluate_all(
            "els => els.length ? els[0].value : null"
        )
        for item in item_ids(page)
    }


def block_index(page: Page) -> int:
    match = re.search(r"[?&]block=(\d+)", page.url)
    return int(match.group(1)) if match else 0


def shot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def phone_shot(page: Page, folder: Path, url: str, name: str) -> None:
    """The same session in a phone-sized tab."""
    phone = page.context.new_page()
    try:
        phone.set_viewport_size(PHONE)
        phone.goto(url)
        shot(phone, folder, name)
    finally:
        phone.close()


def sideways_overflow(page: Page) -> list[str]:
    """Elements that stick out to the right of the viewport, widest first; empty when the page fits."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            if (document.documentElement.scrollWidth <= width) return [];
            const out = [...document.querySelectorAll("main *")]
                .filter(e => e.getBoundingClientRect().right > width + 1)
                .filter(e => !e.parentElement || e.parentElement.getBoundingClientRect().right <= width + 1)
                .map(e => `${e.tagName.toLowerCase()}.${e.getAttribute("class") || ""} ` +
                          `(${Math.round(e.getBoundingClientRect().right - width)}px too wide)`);
            return out.length ? out : [`page ${document.documentElement.scrollWidth - width}px too wide`];
        }"""
    )


# --- journeys ------------------------------------------------------------------------------------------------


def test_an_advisor_runs_a_scan_from_new_company_to_result(
    page: Page, site: str, advisor: Any, screenshots: Path, browser_errors: list[str]
) -> None:
    from groeimodel.model import load_model
    from groeimodel.web.companies.models import Company
    from groeimodel.web.scans.models import Response

    model = load_model()
    total = len(model.items)
    n_blocks = len(model.blocks)
    given: dict[str, str] = {}

    # Log in; the default UI is Dutch.
    page.goto(f"{site}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    shot(page, screenshots, "journey-01-login")
    assert_accessible(page, "login")
    log_in(page, site, advisor)
    assert_htmx_loaded(page)
    assert_accessible(page, "company-list")

    # Add a company.
    page.locator("main a[href$='/companies/new/']").click()
    expect(page).to_have_url(re.compile(r"/companies/new/$"))
    assert_accessible(page, "company-create")
    page.locator("#id_name").fill(NEW_COMPANY["name"])
    page.locator("#id_kvk_number").fill(NEW_COMPANY["kvk_number"])
    page.locator("#id_sbi_section").select_option(NEW_COMPANY["sbi_section"])
    page.locator("#id_employees").fill(NEW_COMPANY["employees"])
    page.locator("#id_province").select_option(NEW_COMPANY["province"])
    page.locator("#id_founding_year").fill(NEW_COMPANY["founding_year"])
    page.locator("main form button[type=submit].primary").click()
    expect(page).to_have_url(re.compile(r"/companies/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_COMPANY["name"])
    company = Company.objects.get(name=NEW_COMPANY["name"])
    assert company.kvk_number == NEW_COMPANY["kvk_number"] and company.employees == 23
    assert company.organisation.slug == "noorderlicht"
    company_url = page.url
    assert_accessible(page, "company-detail (new company)")

    # Start a scan: the first block.
    page.locator("main form[action$='/scans/new/'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/scans/\d+/$"))
    scan_url = page.url
    scan = Response.objects.get(wave__company=company)
    assert scan_url.endswith(f"/scans/{scan.pk}/")
    expect(page.locator("#progress-bar")).to_have_attribute("max", str(total))
    expect_progress(page, 0)
    assert_htmx_loaded(page)

    # Block 1: every statement, each click saved by HTMX.
    items = item_ids(page)
    assert len(items) == len(model.blocks[0].item_indices)
    for pos, item in enumerate(items, start=1):
        given[item] = choice(len(given))
        answer(page, pos, item, given[item])
        expect_progress(page, len(given))
    expect(page.locator("#blocks li").first).to_have_class(re.compile(r"\bcomplete\b"))
    assert_accessible(page, "scan-fill (block answered, saved statuses shown)", other_language=False)
    shot(page, screenshots, "journey-02-fill-block-1")
    page.locator("button.primary[name=go][value=next]").click()
    expect(page).to_have_url(re.compile(r"\?block=1$"))

    # Block 2: half of it, then log out.
    items = item_ids(page)
    half = items[: len(items) // 2]
    for pos, item in enumerate(half, start=1):
        given[item] = choice(len(given))
        answer(page, pos, item, given[item])
    expect_progress(page, len(given))
    half_done = len(given)
    log_out(page)

    # Back in: the company, "continue scan", the half-done block.
    log_in(page, site, advisor)
    page.goto(company_url)
    page.locator(f"main table a[href$='/scans/{scan.pk}/']").click()
    expect(page).to_have_url(re.compile(rf"/scans/{scan.pk}/$"))
    expect_progress(page, half_done)
    # "Verder met de scan" opens the first unfinished block: the half-done second one, with its answers
    assert item_ids(page) == items
    assert checked_values(page) == {i: given.get(i) for i in items}
    page.locator("#blocks a[href$='?block=0']").click()
    expect(page).to_have_url(re.compile(r"\?block=0$"))
    assert checked_values(page) == {i: given[i] for i in item_ids(page)}  # block 1 kept too
    page.locator("#blocks a[href$='?block=1']").click()
    expect(page).to_have_url(re.compile(r"\?block=1$"))
    expect_progress(page, half_done)
    expect(page.locator("#progress label")).to_contain_text(f"{half_done}")
    expect(page.locator("#progress label")).to_contain_text(f"{total}")
    expected = {i: given.get(i) for i in items}
    assert checked_values(page) == expected, "the half-done block lost or changed answers"
    phone_shot(page, screenshots, page.url, "journey-06-phone-fill")

    # The rest of the scan, except the last two statements of the last block.
    while True:
        index = block_index(page)
        items = item_ids(page)
        is_last = index == n_blocks - 1
        todo = [(pos, i) for pos, i in enumerate(items, start=1) if i not in given]
        if is_last:
            todo = todo[:-2]
        for pos, item in todo:
            given[item] = choice(len(given))
            answer(page, pos, item, given[item])
        expect_progress(page, len(given))
        if is_last:
            break
        page.locator("button.primary[name=go][value=next]").click()
        expect(page).to_have_url(re.compile(rf"\?block={index + 1}$"))
    page.locator("button[name=go][value=review]").click()

    # Review with two statements missing: listed per block, submitting is not possible.
    expect(page).to_have_url(re.compile(rf"/scans/{scan.pk}/review/$"))
    expect_progress(page, total - 2)
    missing = page.locator("#missing")
    expect(missing).to_be_visible()
    expect(missing.locator("h3 a")).to_have_count(1)
    expect(missing.locator("h3 a")).to_have_attribute("href", re.compile(rf"\?block={n_blocks - 1}$"))
    expect(missing.locator("li")).to_have_count(2)
    last_items = [model.items[i] for i in model.blocks[-1].item_indices][-2:]
    for item in last_items:
        expect(missing).to_contain_text(item.text.get("nl"))
    submit = page.locator("main form[action$='/submit/'] button[type=submit]")
    expect(submit).to_be_disabled()
    assert_accessible(page, "scan-review (two missing)")
    shot(page, screenshots, "journey-03-review-missing")

    # Finish from the review's link, review again, submit.
    missing.locator("h3 a").click()
    expect(page).to_have_url(re.compile(rf"\?block={n_blocks - 1}$"))
    items = item_ids(page)
    for pos, item in enumerate(items, start=1):
        if item not in given:
            given[item] = "?" if len(given) == total - 1 else "4"
            answer(page, pos, item, given[item])
    expect_progress(page, total)
    page.locator("button[name=go][value=review]").click()
    expect(page).to_have_url(re.compile(r"/review/$"))
    expect(page.locator("#missing")).to_have_count(0)
    expect(submit).to_be_enabled()
    submit.click()

    # The result.
    expect(page).to_have_url(re.compile(rf"/scans/{scan.pk}/result/$"))
    scan.refresh_from_db()
    assert scan.submitted and scan.result is not None
    position = page.locator("main p.position[data-position]")
    expect(position).to_have_attribute("data-position", str(scan.position))
    expect(position).not_to_be_empty()
    radar = page.locator("main svg.radar")
    expect(radar).to_be_visible()
    expect(radar.locator("polygon.area")).to_have_count(1)
    expect(radar.locator("circle")).to_have_count(n_blocks)
    scores = page.locator("main table.scores")
    expect(scores.locator("tbody")).to_have_count(len(model.levels))
    expect(scores.locator("th.block-name")).to_have_count(n_blocks)
    for answered in scores.locator("th.block-name + td + td + td").all_inner_texts():
        assert re.fullmatch(r"\d+/\d+", answered.strip())
    if scan.position < len(model.levels):
        expect(page.locator("main ol.advice > li").first).to_be_visible()
        assert all(t.strip() for t in page.locator("main ol.advice > li p").all_inner_texts())
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    assert_accessible(page, "scan-result")
    shot(page, screenshots, "journey-04-result-nl")
    phone_shot(page, screenshots, page.url, "journey-07-phone-result")

    # English and back.
    page.locator("header form.lang").get_by_role("button", name="EN", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(rf"/scans/{scan.pk}/result/$"))
    expect(page.get_by_role("heading", name="Position on the ladder")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Companies")).to_be_visible()
    expect(page.locator("main p.position[data-position]")).to_have_attribute("data-position", str(scan.position))
    shot(page, screenshots, "journey-05-result-en")
    page.locator("header form.lang").get_by_role("button", name="NL", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", name="Position on the ladder")).to_have_count(0)

    # What the browser did is what the database holds.
    from groeimodel.web.scans.services import answers_of

    stored = {k: ("?" if v is None else str(v)) for k, v in answers_of(scan).items()}
    assert stored == given
    assert not browser_errors, browser_errors


def tab_until(page: Page, condition: str, limit: int = 80) -> None:
    """Press Tab until the focused element meets ``condition`` (a JS expression over ``document.activeElement``)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!({condition}); }})()"):
            return
    raise AssertionError(f"Tab never reached an element with {condition}")


def test_the_scan_can_be_done_with_the_keyboard(
    page: Page, site: str, advisor: Any, screenshots: Path, browser_errors: list[str]
) -> None:
    """Keyboard only, from the first statement to the result: Tab, the arrow keys and Enter."""
    from django.contrib.auth import get_user_model

    from groeimodel.model import load_model
    from groeimodel.web.companies.models import Company
    from groeimodel.web.scans.services import answers_of, start_scan

    n_blocks = len(load_model().blocks)
    user = get_user_model().objects.get(username=advisor.username)
    company = Company.objects.get(name="Bakkerij Van Dijk")  # advised by the demo advisor, no draft scan
    scan = start_scan(company=company, user=user)
    log_in(page, site, advisor)
    page.goto(f"{site}/scans/{scan.pk}/")
    expect_progress(page, 0)
    assert_htmx_loaded(page)

    page.locator("body").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip')"), "Tab 1 should reach the skip link"
    focused_name = "document.activeElement.type === 'radio' ? document.activeElement.name : null"
    expected: dict[str, int] = {}
    for index in range(n_blocks):
        expect(page).to_have_url(re.compile(rf"/scans/{scan.pk}/" + (rf"\?block={index}$" if index else "")))
        page.wait_for_load_state()  # every statement is in the page and htmx is listening
        page.wait_for_function("() => typeof window.htmx === 'object'")
        items = item_ids(page)
        tab_until(page, "el.type === 'radio'")  # through header, breadcrumb and the link to the blocks
        for n, item in enumerate(items, start=1):
            if n > 1:
                page.keyboard.press("Tab")  # from one radio group to the next
            assert page.evaluate(focused_name) == item, f"block {index}: Tab did not reach statement {n}"
            presses = 1 + (len(expected) % 4)  # arrows move through the group and choose: 1 -> 2 ... -> 5
            for _ in range(presses):
                page.keyboard.press("ArrowRight")
            expected[item] = presses + 1
            expect(page.locator(f"{fieldset(item)} input[value='{presses + 1}']")).to_be_checked()
            expect(page.locator(f"#status-{n} .saved")).to_be_visible()
        expect_progress(page, len(expected))
        page.wait_for_function("() => !document.querySelector('.htmx-request')")  # every answer is in
        go = "review" if index == n_blocks - 1 else "next"
        tab_until(page, f"el.matches('button.primary[name=go][value={go}]')", limit=3)  # past "previous block"
        page.keyboard.press("Enter")

    # The review: nothing missing; Tab to the submit button, Enter, and the result.
    expect(page).to_have_url(re.compile(rf"/scans/{scan.pk}/review/$"))
    page.wait_for_load_state()
    expect(page.locator("#missing")).to_have_count(0)
    tab_until(page, "el.matches(\"main form[action$='/submit/'] button[type=submit]\")")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/scans/{scan.pk}/result/$"))
    expect(page.locator("main p.position[data-position]")).to_be_visible()
    scan.refresh_from_db()
    assert scan.submitted
    assert answers_of(scan) == expected
    assert not browser_errors, browser_errors


def test_validation_messages_appear_at_the_field(
    page: Page, site: str, advisor: Any, screenshots: Path, browser_errors: list[str]
) -> None:
    from groeimodel.web.companies.models import Company

    before = Company.objects.count()
    log_in(page, site, advisor)
    page.goto(f"{site}/companies/new/")
    page.locator("#id_kvk_number").fill("1234567")
    page.locator("#id_sbi_section").select_option("F")
    page.locator("#id_employees").fill("5")
    page.locator("#id_province").select_option("GR")
    page.locator("main form button[type=submit].primary").click()

    expect(page).to_have_url(re.compile(r"/companies/new/$"))
    kvk = page.locator("#id_kvk_number")
    kvk_error = page.locator("#id_kvk_number_error")
    expect(kvk_error).to_be_visible()
    expect(kvk_error).not_to_be_empty()
    expect(kvk).to_have_value("1234567")
    expect(kvk).to_have_attribute("aria-invalid", "true")
    expect(kvk).to_have_attribute("aria-describedby", re.compile(r"\bid_kvk_number_error\b"))
    # At the field: in the same container as the input, between the KvK label and the KvK input.
    assert kvk.evaluate(
        "(input) => document.getElementById('id_kvk_number_error').parentElement === input.parentElement"
    )
    expect(page.locator("#id_kvk_number_error + #id_kvk_number")).to_have_count(1)
    label_box = page.locator("label[for=id_kvk_number]").bounding_box()
    error_box = kvk_error.bounding_box()
    input_box = kvk.bounding_box()
    assert label_box and error_box and input_box
    assert label_box["y"] < error_box["y"] < input_box["y"]
    # The missing name is reported at the name field, not at the KvK field.
    expect(page.locator("#id_name_error + #id_name")).to_have_count(1)
    expect(page.locator("#id_name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[aria-invalid=true]")).to_have_count(2)
    assert_accessible(page, "company-create with errors", other_language=False)
    shot(page, screenshots, "validation-company-form")

    assert Company.objects.count() == before
    assert not Company.objects.filter(kvk_number="1234567").exists()
    assert not browser_errors, browser_errors


def test_another_organisations_scan_is_not_found_in_the_browser(page: Page, site: str, demo_logins: list[Any]) -> None:
    from groeimodel.model import load_model
    from groeimodel.web.scans.models import Response
    from groeimodel.web.scans.services import answers_of

    advisor = demo_login(demo_logins, "adviseur", "noorderlicht")
    theirs = Response.objects.filter(wave__company__organisation__slug="innovatiehuis-zuid")
    submitted = theirs.filter(status=Response.Status.SUBMITTED).first()
    draft = theirs.exclude(status=Response.Status.SUBMITTED).first()
    assert submitted and draft
    log_in(page, site, advisor)
    for url in (
        f"/scans/{submitted.pk}/result/",
        f"/scans/{submitted.pk}/",
        f"/scans/{draft.pk}/",
        f"/scans/{draft.pk}/review/",
        f"/companies/{submitted.wave.company_id}/",
    ):
        response = page.goto(f"{site}{url}")
        assert response is not None and response.status == 404, f"{url}: {response and response.status}"
        expect(page.locator("main p.position[data-position]")).to_have_count(0)
        expect(page.locator("fieldset.item")).to_have_count(0)
    # Answering through the HTMX endpoint, with a valid CSRF token, is refused as well; nothing is stored.
    page.goto(f"{site}/companies/")
    item = next(i.id for i in load_model().items if i.id not in answers_of(draft))
    before = answers_of(draft)
    status = page.evaluate(
        """async ([url, item]) => {
            const token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
            const body = new URLSearchParams({item: item, [item]: "3"});
            const r = await fetch(url, {method: "POST", body, headers: {"X-CSRFToken": token, "HX-Request": "true"}});
            return r.status;
        }""",
        [f"{site}/scans/{draft.pk}/answer/", item],
    )
    assert status == 404
    assert answers_of(draft) == before


def test_the_stylesheet_and_htmx_are_served(
    page: Page, site: str, advisor: Any, browser_errors: list[str], broken_assets: list[str]
) -> None:
    """Under live_server (plain StaticFilesStorage, whitenoise with finders) every asset of a page loads."""
    page.goto(f"{site}/accounts/login/")
    log_in(page, site, advisor)
    page.locator("main a[href^='/companies/']").first.wait_for()
    assert_htmx_loaded(page)
    for href in page.locator("head link[rel=stylesheet]").evaluate_all("els => els.map(e => e.href)"):
        response = page.request.get(href)
        assert response.ok, f"stylesheet {href}: HTTP {response.status}"
    # app.css applies: the page background is the stylesheet's, not the browser default (transparent).
    assert page.evaluate("getComputedStyle(document.documentElement).backgroundColor") == "rgb(247, 249, 251)"
    assert not broken_assets, broken_assets
    assert not browser_errors, browser_errors


def test_the_scan_pages_fit_a_phone_screen(page: Page, site: str, advisor: Any, screenshots: Path) -> None:
    """At 390x844 the company, the questionnaire and the result do not scroll sideways."""
    from groeimodel.web.scans.models import Response

    ours = Response.objects.filter(
        wave__company__organisation__slug="noorderlicht", wave__company__advisors__username=advisor.username
    )
    submitted = ours.filter(status=Response.Status.SUBMITTED).first()
    draft = ours.exclude(status=Response.Status.SUBMITTED).first()
    assert submitted and draft
    page.set_viewport_size(PHONE)
    log_in(page, site, advisor)
    too_wide = {}
    for name, url in (
        ("companies", "/companies/"),
        ("company", f"/companies/{submitted.wave.company_id}/"),
        ("fill", f"/scans/{draft.pk}/?block=1"),
        ("review", f"/scans/{draft.pk}/review/"),
        ("result", f"/scans/{submitted.pk}/result/"),
    ):
        page.goto(f"{site}{url}")
        if overflow := sideways_overflow(page):
            too_wide[name] = overflow
            shot(page, screenshots, f"phone-too-wide-{name}")
    assert not too_wide, too_wide
