"""The employee round: the advisor opens, shares and closes it; employees answer once, anonymously, at /e/<token>/."""

from __future__ import annotations

import re
import time
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client

from groeimodel.model import load_model
from groeimodel.web.invitations.models import EmployeeRound
from groeimodel.web.scans.models import Answer, Response

from .conftest import full_answers, submitted_scan

MODEL = load_model("groeimodel")


@pytest.fixture(autouse=True)
def fresh_rate_limits(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    caches["ratelimit"].clear()  # each test starts without counted requests
    # One fixed moment, so a test's requests never straddle the end of a one-minute window.
    import django_ratelimit.core

    moment = time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: moment))


def answers_post(value: int, leads: str = "no") -> dict[str, str]:
    data = {item: str(v) for item, v in full_answers(MODEL, value).items()}
    data["leads_people"] = leads
    return data


def open_round_for(world: Any, company: Any | None = None, value: int = 4) -> tuple[Any, EmployeeRound]:
    scan = submitted_scan(company or world.bakery, value=value)
    response = world.client_for(world.alice).post(f"/waves/{scan.wave_id}/employees/open/")
    assert response.status_code == 302
    return scan, EmployeeRound.objects.get(wave=scan.wave, closed_at__isnull=True)


def employee_answers(round_: EmployeeRound, value: int, leads: str = "no") -> Client:
    """A fresh browser that answers the round; returns it (with its cookie)."""
    browser = Client()
    response = browser.post(f"/e/{round_.token}/", answers_post(value, leads))
    assert response.status_code == 302, response.content.decode()[:2000]
    return browser


# --- the advisor's page ------------------------------------------------------------------------------------------


def test_an_advisor_opens_a_round_and_sees_the_link_the_qr_code_and_no_answers_yet(world):
    scan = submitted_scan(world.bakery)
    client = world.client_for(world.alice)
    page = client.get(f"/waves/{scan.wave_id}/employees/").content.decode()
    assert "Open an employee round" in page or "Medewerkersronde openen" in page
    assert not EmployeeRound.objects.exists()
    client.post(f"/waves/{scan.wave_id}/employees/open/")
    round_ = EmployeeRound.objects.get()
    assert round_.is_open and round_.opened_by == world.alice
    page = client.get(f"/waves/{scan.wave_id}/employees/").content.decode()
    assert f"http://testserver/e/{round_.token}/" in page
    assert "<svg" in page and 'data-answered="0"' in page
    printable = client.get(f"/waves/{scan.wave_id}/employees/print/").content.decode()
    assert "<svg" in printable and f"/e/{round_.token}/" in printable


def test_the_company_page_and_the_result_page_link_to_the_round(world):
    scan = submitted_scan(world.bakery)
    client = world.client_for(world.alice)
    url = f"/waves/{scan.wave_id}/employees/"
    assert url in client.get(f"/companies/{world.bakery.pk}/").content.decode()
    assert url in client.get(f"/scans/{scan.pk}/result/").content.decode()


def test_opening_again_keeps_the_one_open_round_and_its_link(world):
    scan, round_ = open_round_for(world)
    world.client_for(world.ondernemer).post(f"/waves/{scan.wave_id}/employees/open/")
    assert EmployeeRound.objects.filter(wave=scan.wave).count() == 1
    assert EmployeeRound.objects.get().token == round_.token


def test_the_page_counts_the_answers_and_only_counts_them(world):
    scan, round_ = open_round_for(world)
    employee_answers(round_, 2)
    employee_answers(round_, 5)
    round_.refresh_from_db()
    assert round_.answered == 2
    page = world.client_for(world.alice).get(f"/waves/{scan.wave_id}/employees/").content.decode()
    assert 'data-answered="2"' in page


def test_closing_asks_first_and_then_the_link_says_politely_that_it_is_closed(world):
    scan, round_ = open_round_for(world)
    client = world.client_for(world.alice)
    confirm = client.get(f"/waves/{scan.wave_id}/employees/close/")
    assert confirm.status_code == 200 and '<form method="post"' in confirm.content.decode()
    assert EmployeeRound.objects.get().is_open  # a GET closes nothing
    client.post(f"/waves/{scan.wave_id}/employees/close/")
    round_.refresh_from_db()
    assert not round_.is_open
    closed = Client().get(f"/e/{round_.token}/")
    assert closed.status_code == 410
    assert "gesloten" in closed.content.decode()
    refused = Client().post(f"/e/{round_.token}/", answers_post(3))
    assert refused.status_code == 410
    assert not Response.objects.filter(respondent="employee").exists()
    # a new round gets a new link; the old one stays closed
    client.post(f"/waves/{scan.wave_id}/employees/open/")
    new = EmployeeRound.objects.get(closed_at__isnull=True)
    assert new.token != round_.token and Client().get(f"/e/{new.token}/").status_code == 200
    assert Client().get(f"/e/{round_.token}/").status_code == 410


def test_an_unknown_or_old_token_gives_404(world):
    assert Client().get("/e/not-a-token/").status_code == 404
    assert Client().post("/e/not-a-token/", answers_post(3)).status_code == 404
    scan, round_ = open_round_for(world)
    token = round_.token
    scan.wave.delete()  # the wave, and its round, are gone
    assert Client().get(f"/e/{token}/").status_code == 404


# --- the employee's questionnaire --------------------------------------------------------------------------------


def test_the_questionnaire_is_in_employee_wording_in_dutch_and_in_english_after_the_switch(world):
    _scan, round_ = open_round_for(world)
    browser = Client()
    page = browser.get(f"/e/{round_.token}/").content.decode()
    worded = [item for item in MODEL.items if item.employee_text is not None and item.employee_text.nl != item.text.nl]
    assert worded, "the shipped model has employee wording"
    from django.utils.html import escape

    assert escape(worded[0].employee_text.nl) in page  # type: ignore[union-attr]
    assert escape(worded[0].text.nl) not in page
    assert page.count('<fieldset class="group block">') == len(MODEL.blocks) + 1
    assert "Geeft u leiding aan andere medewerkers?" in page
    browser.post("/i18n/setlang/", {"language": "en", "next": f"/e/{round_.token}/"})
    page = browser.get(f"/e/{round_.token}/").content.decode()
    assert escape(worded[0].employee_text.en) in page  # type: ignore[union-attr]
    assert "Do you lead other employees?" in page


def test_an_employee_answers_without_an_account_and_nothing_identifying_is_stored(world):
    _scan, round_ = open_round_for(world)
    browser = Client(HTTP_USER_AGENT="Firefox-of-Jan", REMOTE_ADDR="10.1.2.3")
    data = answers_post(2, leads="yes")
    data[MODEL.items[0].id] = "?"  # "weet niet" counts as an answer
    response = browser.post(f"/e/{round_.token}/", data)
    assert response.status_code == 302 and response["Location"] == f"/e/{round_.token}/thanks/"
    thanks = browser.get(response["Location"])
    assert thanks.status_code == 200 and "Bedankt" in thanks.content.decode()
    employee = Response.objects.get(respondent="employee")
    assert employee.submitted and employee.leads_people is True and employee.created_by is None
    assert Answer.objects.get(response=employee, item_id=MODEL.items[0].id).value is None
    assert employee.score_rows.exists()
    round_.refresh_from_db()
    assert round_.answered == 1
    assert "_auth_user_id" not in browser.session  # no login
    dump = dump_database()
    assert "10.1.2.3" not in dump and "Firefox-of-Jan" not in dump


def test_rather_not_say_is_stored_as_unknown(world):
    _scan, round_ = open_round_for(world)
    employee_answers(round_, 3, leads="rather-not")
    assert Response.objects.get(respondent="employee").leads_people is None


def test_a_missing_answer_is_explained_at_its_statement_and_in_a_summary_and_nothing_is_stored(world):
    _scan, round_ = open_round_for(world)
    data = answers_post(4)
    missing = MODEL.items[3]
    del data[missing.id]
    del data["leads_people"]
    response = Client().post(f"/e/{round_.token}/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert f'href="#q-{missing.id}"' in page and 'href="#q-leads_people"' in page
    assert f'id="err-{missing.id}"' in page
    assert page.count('class="errors"') == 2
    assert f'name="{MODEL.items[0].id}" value="4" checked' in page  # what was given stays chosen
    assert not Response.objects.filter(respondent="employee").exists()
    round_.refresh_from_db()
    assert round_.answered == 0


def test_a_value_outside_the_scale_is_refused(world):
    _scan, round_ = open_round_for(world)
    data = answers_post(4)
    data[MODEL.items[0].id] = "7"
    assert Client().post(f"/e/{round_.token}/", data).status_code == 400
    assert not Response.objects.filter(respondent="employee").exists()


def test_a_browser_answers_once_and_is_told_so_politely(world):
    _scan, round_ = open_round_for(world)
    browser = employee_answers(round_, 4)
    again = browser.get(f"/e/{round_.token}/")
    assert again.status_code == 403 and "al beantwoord" in again.content.decode()
    assert browser.post(f"/e/{round_.token}/", answers_post(1)).status_code == 403
    assert Response.objects.filter(respondent="employee").count() == 1
    employee_answers(round_, 1)  # another browser still can
    round_.refresh_from_db()
    assert round_.answered == 2


def test_a_forged_answered_cookie_does_not_count(world):
    _scan, round_ = open_round_for(world)
    browser = Client()
    browser.cookies["groeimodel_answered"] = str(round_.pk)
    assert browser.get(f"/e/{round_.token}/").status_code == 200


def test_the_cookie_of_one_round_does_not_block_another_round(world):
    _scan, first = open_round_for(world)
    _other, second = open_round_for(world, company=world.garage)
    browser = employee_answers(first, 4)
    assert browser.get(f"/e/{second.token}/").status_code == 200


def test_the_public_pages_are_rate_limited_per_client_address(world):
    _scan, round_ = open_round_for(world)
    browser = Client(REMOTE_ADDR="10.9.9.9")
    codes = [browser.get(f"/e/{round_.token}/").status_code for _ in range(31)]
    assert codes[:30] == [200] * 30 and codes[30] == 429
    assert "Te veel" in browser.get(f"/e/{round_.token}/").content.decode()
    assert Client(REMOTE_ADDR="10.9.9.10").get(f"/e/{round_.token}/").status_code == 200
    poster = Client(REMOTE_ADDR="10.8.8.8")
    codes = [poster.post(f"/e/{round_.token}/", {}).status_code for _ in range(11)]
    assert codes[:10] == [400] * 10 and codes[10] == 429


def test_behind_the_proxy_the_limit_is_per_forwarded_client_address(world, settings):
    settings.TRUSTED_PROXIES = 1  # GROEIMODEL_SECURE_PROXY without GROEIMODEL_TRUSTED_PROXIES: one proxy in front
    _scan, round_ = open_round_for(world)
    url = f"/e/{round_.token}/"
    flood = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert [flood.get(url).status_code for _ in range(31)][-1] == 429
    colleague = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8")  # same proxy, other client
    assert colleague.get(url).status_code == 200
    spoofed = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7")
    assert spoofed.get(url).status_code == 429  # only the address our proxy appended counts


def test_the_employee_pages_link_nowhere_into_the_app_and_reach_nothing_else(world):
    scan, round_ = open_round_for(world)
    browser = Client()
    page = browser.get(f"/e/{round_.token}/").content.decode()
    links = set(re.findall(r'(?:href|action)="([^"]+)"', page))
    assert links <= {"#main", f"/e/{round_.token}/", "/i18n/setlang/", "/static/groeimodel/app.css",
                     "/static/groeimodel/favicon.svg"} | {f"#q-{i.id}" for i in MODEL.items}  # fmt: skip
    employee_answers(round_, 4)
    for url in (f"/companies/{world.bakery.pk}/", f"/scans/{scan.pk}/result/", f"/waves/{scan.wave_id}/employees/"):
        response = browser.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


def test_the_pages_keep_the_csp_without_inline_scripts_or_styles(world):
    scan, round_ = open_round_for(world)
    pages = [
        Client().get(f"/e/{round_.token}/"),
        world.client_for(world.alice).get(f"/waves/{scan.wave_id}/employees/"),
        world.client_for(world.alice).get(f"/waves/{scan.wave_id}/employees/print/"),
    ]
    for response in pages:
        html = response.content.decode()
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
        assert " style=" not in html and "<style" not in html


# --- e-mail ------------------------------------------------------------------------------------------------------


def dump_database() -> str:
    """Every row of every table as text, sessions decoded."""
    from io import StringIO

    out = StringIO()
    call_command("dumpdata", stdout=out)
    sessions = [str(s.get_decoded()) for s in Session.objects.all()]
    return out.getvalue() + "\n".join(sessions)


def test_the_link_is_mailed_one_mail_per_address_and_no_address_is_stored(world, caplog):
    scan, round_ = open_round_for(world)
    client = world.client_for(world.alice)
    caplog.set_level("DEBUG")
    pasted = "jan.jansen@example.org, piet@example.org;\nJan.Jansen@example.org\n kees@example.org"
    response = client.post(f"/waves/{scan.wave_id}/employees/send/", {"addresses": pasted, "language": "nl"})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["jan.jansen@example.org"], ["piet@example.org"], ["kees@example.org"]]
    for message in mail.outbox:
        assert not message.cc and not message.bcc
        assert f"http://testserver/e/{round_.token}/" in message.body
        assert "anoniem" in message.body
    page = client.get(f"/waves/{scan.wave_id}/employees/").content.decode()
    assert "verstuurd naar 3 adressen" in page and "piet@example.org" not in page
    dump = dump_database()
    for address in ("jan.jansen", "piet@example.org", "kees@example.org"):
        assert address not in dump.lower()
        assert address not in caplog.text.lower()


def test_the_mail_can_be_in_english(world):
    scan, _round = open_round_for(world)
    world.client_for(world.alice).post(
        f"/waves/{scan.wave_id}/employees/send/", {"addresses": "anna@example.org", "language": "en"}
    )
    assert "anonymous" in mail.outbox[0].body and "anonymous" in mail.outbox[0].subject


def test_bad_addresses_are_named_at_the_field_and_no_mail_is_sent(world):
    scan, _round = open_round_for(world)
    response = world.client_for(world.alice).post(
        f"/waves/{scan.wave_id}/employees/send/", {"addresses": "goed@example.org\nfout@\nook fout", "language": "nl"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "fout@" in page and "errorlist" in page
    assert not mail.outbox


def test_no_link_is_sent_while_no_round_is_open(world):
    scan = submitted_scan(world.bakery)
    world.client_for(world.alice).post(
        f"/waves/{scan.wave_id}/employees/send/", {"addresses": "anna@example.org", "language": "nl"}
    )
    assert not mail.outbox


# --- who may -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["beheerder", "alice", "ondernemer"])
def test_whoever_runs_the_scans_of_a_company_opens_its_round(world, persona):
    scan = submitted_scan(world.bakery)
    client = world.client_for(getattr(world, persona))
    assert client.get(f"/waves/{scan.wave_id}/employees/").status_code == 200
    client.post(f"/waves/{scan.wave_id}/employees/open/")
    assert EmployeeRound.objects.filter(wave=scan.wave).exists()


def test_others_of_the_organisation_get_404(world):
    bakery = submitted_scan(world.bakery)
    florist = submitted_scan(world.florist)
    analist = world.client_for(world.analist)
    for url in (f"/waves/{bakery.wave_id}/employees/", f"/waves/{bakery.wave_id}/employees/print/"):
        assert analist.get(url).status_code == 404
    assert analist.post(f"/waves/{bakery.wave_id}/employees/open/").status_code == 404
    alice = world.client_for(world.alice)  # the florist is not assigned to her
    assert alice.post(f"/waves/{florist.wave_id}/employees/open/").status_code == 404
    assert not EmployeeRound.objects.exists()


# --- anonymity on every page -------------------------------------------------------------------------------------


def wave_pages(world: Any, scan: Any) -> dict[str, str]:
    """Every page a user can reach for the wave, per persona, normalised: the CSRF token and the count of
    answers (the one thing that may change as employees answer below the threshold) are blanked."""
    pages = {}
    for persona in ("beheerder", "alice", "ondernemer"):
        client = world.client_for(getattr(world, persona))
        for url in (
            f"/companies/{world.bakery.pk}/",
            f"/scans/{scan.pk}/result/",
            f"/waves/{scan.wave_id}/employees/",
            f"/waves/{scan.wave_id}/employees/print/",
            f"/waves/{scan.wave_id}/employees/close/",
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
            html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
            html = re.sub(r'<p class="employees-needed".*?</p>', "", html, flags=re.S)
            html = re.sub(r'<p class="answered-count".*?</p>', "", html, flags=re.S)
            html = re.sub(r'<ul class="consequences">.*?</ul>', "", html, flags=re.S)
            pages[f"{persona} {url}"] = html
    return pages


def test_below_the_threshold_no_page_shows_anything_of_the_employees_answers(world, settings):
    assert settings.EMPLOYEES_MIN == 5
    scan, round_ = open_round_for(world, value=3)
    before = wave_pages(world, scan)
    for value in (1, 2, 4, 5):  # four employees, each with their own scores
        employee_answers(round_, value)
    after = wave_pages(world, scan)
    assert after.keys() == before.keys()
    for name in before:
        assert after[name] == before[name], name  # only the number of answers changed
    result = world.client_for(world.alice).get(f"/scans/{scan.pk}/result/").content.decode()
    assert 'data-needed="1"' in result and 'class="employees"' not in result


def test_from_the_threshold_on_only_the_aggregates_are_shown(world):
    scan, round_ = open_round_for(world, value=3)
    for value in (1, 2, 3, 4, 5):  # block scores 0, 25, 50, 75 and 100 for every block
        employee_answers(round_, value)
    pages = wave_pages(world, scan)
    result = pages[f"alice /scans/{scan.pk}/result/"]
    cells = re.findall(r'<td class="employees">(.*?)</td>', result, flags=re.S)
    block_cells = [c for c in cells if "n = " in c or "n=" in c]
    assert len(block_cells) == len(MODEL.blocks)
    for cell in block_cells:
        text = re.sub(r"<[^>]+>", "", cell)
        assert re.match(r"^50 \(± \d+, n = 5\)", text), text  # mean, spread and count, never one employee
    for name, html in pages.items():
        if "/result/" in name:
            continue
        assert 'class="employees"' not in html, name  # no other page shows employees' scores
