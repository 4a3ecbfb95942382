"""The API's "new wave with answers, submitted at once" stores in one short transaction (create_submitted_scan)
exactly what the step-by-step services store when a scan is started, filled in, dated and submitted: the same wave,
response, answers, score rows, audit records, monitor flags and monitor rows."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from groeimodel.model import load_model
from groeimodel.web.audit.models import AuditRecord
from groeimodel.web.companies.models import Company
from groeimodel.web.scans.latest import refresh_latest
from groeimodel.web.scans.models import MonitorScan, Respondent, Response, ScoreRow, Wave
from groeimodel.web.scans.services import record_growth, save_answers, start_scan, submit_scan

from .api_client import ApiClient, assert_error
from .conftest import make_company, submitted_scan
from .test_monitor_cells import assert_as_rebuilt


def varied_answers(seed: int) -> dict[str, int | None]:
    rng = random.Random(seed)
    return {item.id: rng.choice([1, 2, 3, 4, 5, None]) for item in load_model().items}


def stored(company: Company) -> dict[str, Any]:
    """Everything the two ways of submitting write for a company, without ids, times and the company's name."""
    waves = list(
        Wave.objects.filter(company=company)
        .order_by("number")
        .values("number", "date", "model_id", "model_version", "created_by", "level_indicators", "employees_fte")
    )
    scans = list(
        Response.objects.filter(wave__company=company, respondent=Respondent.MANAGEMENT)
        .order_by("wave__number")
        .values(
            "wave__number", "model_id", "model_version", "model_hash", "status", "created_by", "position",
            "next_level", "result", "latest", "latest_in_year",
        )
    )  # fmt: skip
    answers = {
        (r.wave.number, a.item_id): a.value
        for r in Response.objects.filter(wave__company=company).select_related("wave")
        for a in r.answers.all()
    }
    rows = sorted(
        ScoreRow.objects.filter(company=company).values_list(
            "wave__number", "respondent", "model_id", "level", "block", "score", "band", "achieved"
        ),
        key=repr,
    )
    audit = [
        (a.actor_id, a.actor_name, a.action, a.object_kind, a.label.replace(company.name, "<firm>"))
        for a in AuditRecord.objects.filter(organisation=company.organisation).order_by("pk")
        if company.name in a.label
    ]
    monitor = list(
        MonitorScan.objects.filter(company=company)
        .order_by("response__wave__number")
        .values_list(
            "model_id", "year", "latest", "latest_in_year", "position", "previous", "level_1", "level_2", "level_3",
            "level_4", "wave__number", "previous_wave__number",
        )
    )  # fmt: skip
    submitted = Response.objects.filter(wave__company=company, status=Response.Status.SUBMITTED)
    assert all(s.submitted_at is not None for s in submitted)
    return {"waves": waves, "scans": scans, "answers": answers, "rows": rows, "audit": audit, "monitor": monitor}


def submit_step_by_step(company: Company, user: Any, answers: dict[str, int | None], date: dt.date | None) -> None:
    """What the API did before: start, save the answers, record the date, submit."""
    scan = start_scan(company=company, user=user)
    save_answers(scan=scan, answers=answers)
    if date is not None:
        record_growth(user=user, wave=scan.wave, data={"date": date}, indicators={})
    submit_scan(scan=scan, user=user, answers=answers)


def test_a_wave_submitted_through_the_api_stores_what_the_step_by_step_services_store(world):
    api = ApiClient(world.alice)
    twin = make_company(world.org_a, "Garage Tweeling")
    twin.advisors.add(world.alice)
    this_year = timezone.localdate().year  # a wave without a date is dated today
    for company in (world.bakery, twin):  # a T0 of a year before, whose flags the new wave changes
        first = submitted_scan(company, value=2)
        Wave.objects.filter(pk=first.wave_id).update(date=dt.date(this_year - 1, 3, 1))
        refresh_latest(company.pk, first.model_id)  # as record_growth does after a date change
    # A wave of a new year, one of the same year (today), and one dated back in the first year: each takes other
    # flags from the waves before.
    for n, date in enumerate([dt.date(this_year, 1, 1), None, dt.date(this_year - 1, 6, 1)]):
        answers = varied_answers(n)
        body = {"answers": answers} if date is None else {"answers": answers, "date": date.isoformat()}
        response = api.post(f"/api/v1/companies/{world.bakery.pk}/waves", body)
        assert response.status_code == 201, response.content
        submit_step_by_step(twin, world.alice, answers, date)
    mine, theirs = stored(world.bakery), stored(twin)
    assert [w["number"] for w in mine["waves"]] == [0, 1, 2, 3]
    assert len(mine["answers"]) == 4 * 60 and len(mine["audit"]) == 8
    assert [(s["latest"], s["latest_in_year"]) for s in mine["scans"]] == [
        (False, False),
        (False, False),
        (False, True),
        (True, True),
    ]
    assert [m[1:4] for m in mine["monitor"]] == [(this_year, False, True), (this_year - 1, True, True)]
    assert mine == theirs
    assert_as_rebuilt()  # and the monitor's cells moved as a rebuild from scratch gives them


def test_an_open_draft_is_refused_before_the_answers_are_checked(world):
    api = ApiClient(world.alice)
    draft = start_scan(company=world.bakery, user=world.alice)
    body = assert_error(api.post(f"/api/v1/companies/{world.bakery.pk}/waves", {"answers": {"1x-nope": 3}}), 409)
    assert str(draft.pk) in body["detail"]
    assert Wave.objects.filter(company=world.bakery).count() == 1


def test_the_answer_of_a_submission_is_what_reading_the_response_gives(world):
    api = ApiClient(world.alice)
    created = api.post(f"/api/v1/companies/{world.bakery.pk}/waves", {"answers": varied_answers(7)})
    assert created.status_code == 201, created.content
    body = created.json()
    again = api.get(f"/api/v1/responses/{body['id']}").json()
    assert body == again
