"""Browser journey of an employee round: the advisor opens it, five employees answer in their own browsers (one by
keyboard only), the result page shows the employees' view with a marked gap, and after closing a sixth is refused.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.test_scan_journey import log_in

pytestmark = pytest.mark.e2e


def owner_scan_all_fives(company_name: str, username: str) -> Any:
    """The owner's scan of a new wave, every statement at its most positive: far above what the employees say."""
    from django.contrib.auth import get_user_model

    from groeimodel.web.companies.models import Company
    from groeimodel.web.scans.services import model_of, save_answers, start_scan, submit_scan

    company = Company.objects.get(name=company_name)
    scan = start_scan(company=company, user=get_user_model().objects.get(username=username))
    model = model_of(scan)
    save_answers(scan=scan, answers={item.id: 1 if item.reverse else 5 for item in model.items})
    submit_scan(scan=scan)
    scan.refresh_from_db()
    return scan


def answer_by_clicking(page: Page, value: str, leads: str) -> None:
    """Choose ``value`` on every statement (with a click on each radio) and answer the last question."""
    radios = page.locator(f"fieldset.item:not([id='q-leads_people']) input[type=radio][value='{value}']")
    for i in range(radios.count()):
        radios.nth(i).click()
    page.locator(f"input[name=leads_people][value='{leads}']").click()
    page.locator("main form button[type=submit].primary").click()


def answer_by_keyboard(page: Page, statements: int) -> None:
    """Tab to each question, Space to choose its first option, Tab to the button, Enter to send."""
    focused = "document.activeElement.type === 'radio' ? document.activeElement.name : null"
    page.locator("body").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip')"), "Tab 1 should reach the skip link"
    for _ in range(10):  # past the language buttons to the first statement
        page.keyboard.press("Tab")
        if page.evaluate(focused):
            break
    names = [n for n in page.locator("fieldset.item input[type=radio]").evaluate_all("els => els.map(e => e.name)")]
    order = list(dict.fromkeys(names))
    assert len(order) == statements + 1  # every statement, and "Geeft u leiding aan andere medewerkers?"
    for n, name in enumerate(order):
        if n:
            page.keyboard.press("Tab")  # a radio group is one tab stop
        assert page.evaluate(focused) == name, f"Tab did not reach question {n + 1}"
        page.keyboard.press("Space")
        expect(page.locator(f"input[name='{name}']").first).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.locator("main form button[type=submit].primary")).to_be_focused()
    page.keyboard.press("Enter")


def test_five_employees_answer_and_the_result_shows_their_view_and_a_gap(
    page: Page,
    browser: Browser,
    browser_context_args: dict[str, Any],
    site: str,
    advisor: Any,
    screenshots: Path,
    browser_errors: list[str],
) -> None:
    from django.core.cache import caches

    from groeimodel.web.invitations.models import EmployeeRound
    from groeimodel.web.scans.models import Response
    from groeimodel.web.scans.services import model_of

    caches["ratelimit"].clear()
    scan = owner_scan_all_fives("Bakkerij Van Dijk", advisor.username)
    statements = len(model_of(scan).items)

    # The advisor opens the round from the company page.
    log_in(page, site, advisor)
    page.goto(f"{site}/companies/{scan.wave.company_id}/")
    page.locator(f"a[href='/waves/{scan.wave_id}/employees/']").click()
    expect(page).to_have_url(re.compile(rf"/waves/{scan.wave_id}/employees/$"))
    page.locator(f"form[action='/waves/{scan.wave_id}/employees/open/'] button").click()
    link = page.locator("#round-link").input_value()
    assert re.fullmatch(rf"{re.escape(site)}/e/[\w-]+/", link), link
    expect(page.locator("figure.qr svg")).to_be_visible()
    expect(page.locator(".answered-count")).to_have_attribute("data-answered", "0")
    assert_accessible(page, "employee-round")
    page.screenshot(path=str(screenshots / "employee-round.png"), full_page=True)

    # Five employees, each in a fresh browser, each with their own answers; the first uses the keyboard only.
    answers = [None, ("2", "no"), ("1", "yes"), ("3", "rather-not"), ("2", "yes")]
    for n, given in enumerate(answers):
        context = browser.new_context(**browser_context_args)
        employee = context.new_page()
        employee.goto(link)
        expect(employee.locator("html")).to_have_attribute("lang", "nl")
        expect(employee.locator("fieldset.group.block")).to_have_count(len(model_of(scan).blocks) + 1)
        if n == 0:
            employee.screenshot(path=str(screenshots / "employee-questionnaire.png"))
            answer_by_keyboard(employee, statements)
        else:
            assert given is not None
            if n == 1:
                assert_accessible(employee, "employee-answer")
            answer_by_clicking(employee, *given)
        expect(employee).to_have_url(re.compile(r"/thanks/$"))
        expect(employee.locator("h1")).to_contain_text("Bedankt")
        if n == 1:
            assert_accessible(employee, "employee-thanks")
        assert employee.locator("a[href^='/companies'], a[href^='/scans'], a[href^='/waves']").count() == 0
        # the same browser cannot answer again
        again = employee.goto(link)
        assert again is not None and again.status == 403
        if n == 1:
            assert_accessible(employee, "employee-answer (already answered)")
        context.close()

    assert Response.objects.filter(wave=scan.wave, respondent="employee").count() == 5
    page.reload()
    expect(page.locator(".answered-count")).to_have_attribute("data-answered", "5")

    # The result page shows the employees' view (aggregates only) and marks the gaps.
    page.goto(f"{site}/scans/{scan.pk}/result/")
    view = page.locator("section.employees-view")
    expect(view.locator(".employees-count")).to_contain_text("5")
    expect(page.locator("table.scores tr.gap .gap-mark").first).to_be_visible()
    assert page.locator("table.scores tr.gap").count() >= 1
    expect(page.locator("table.scores tr[data-block] td.employees").first).to_contain_text("n = 5")
    expect(view.locator("ul.gaps li").first).to_be_visible()
    page.screenshot(path=str(screenshots / "employee-result.png"), full_page=True)
    assert_accessible(page, "scan-result (the employees' view)")
    page.goto(f"{site}/waves/{scan.wave_id}/employees/print/")
    assert_accessible(page, "employee-round-print")

    # The advisor closes the round; a sixth employee is refused politely.
    page.goto(f"{site}/waves/{scan.wave_id}/employees/")
    page.locator(f"a[href='/waves/{scan.wave_id}/employees/close/']").click()
    assert_accessible(page, "employee-round-close")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action$='/employees/open/']")).to_be_visible()
    assert not EmployeeRound.objects.get(wave=scan.wave).is_open

    context = browser.new_context(**browser_context_args)
    sixth = context.new_page()
    refused = sixth.goto(link)
    assert refused is not None and refused.status == 410
    expect(sixth.locator("h1")).to_contain_text("gesloten")
    expect(sixth.locator("form.questionnaire")).to_have_count(0)
    assert_accessible(sixth, "employee-answer (closed)")
    context.close()
    assert Response.objects.filter(wave=scan.wave, respondent="employee").count() == 5
    assert not browser_errors, browser_errors
