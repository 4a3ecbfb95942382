"""Every scored response keeps its level and block scores once more as one mapping (``Response.scores``), equal to
its score rows after every way a scan is written (web, API, import, employee round, demo loader, the migration's
backfill), and the wave-data export that reads that mapping writes what the pivot of the score rows gave."""

from __future__ import annotations

import importlib
import random
import threading
from collections.abc import Iterator, Sequence
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.db.models import Avg, Count, Max, Q, QuerySet
from django.test import Client

from groeimodel.model import load_model
from groeimodel.monitor.variables import WAVE_GROWTH
from groeimodel.web.companies.models import Company
from groeimodel.web.imports.scans import import_scans
from groeimodel.web.invitations.models import EmployeeRound
from groeimodel.web.monitor.wave_data import SCORE_DIGITS, _number, scans_to_export, wave_rows
from groeimodel.web.population import load_population
from groeimodel.web.scans.models import Answer, Respondent, Response, ScoreRow, score_key, score_map
from groeimodel.web.scans.services import submit_employee_response

from .api_client import ApiClient
from .conftest import make_company, submitted_scan

MODEL = load_model("groeimodel")


def varied_answers(seed: int) -> dict[str, int | None]:
    """Answers with many "weet niet": some blocks and levels get no score."""
    rng = random.Random(seed)
    return {item.id: rng.choice([1, 2, 3, 4, 5, None, None]) for item in MODEL.items}


def rows_of(response: Response) -> dict[str, float | None]:
    return {score_key(r.level, r.block): r.score for r in ScoreRow.objects.filter(response=response)}


def assert_scores_equal_the_rows() -> int:
    """Each response's ``scores`` is exactly its score rows (a draft has neither); returns how many were scored."""
    scored = 0
    for response in Response.objects.order_by("pk"):
        rows = rows_of(response)
        if response.submitted:
            assert rows and response.scores == rows, response.pk
            assert all(isinstance(v, float | int) or v is None for v in response.scores.values())
            scored += 1
        else:
            assert response.scores is None and rows == {}
    return scored


def test_a_scan_submitted_on_the_web_keeps_its_scores_as_its_rows(world):
    client = world.client_for(world.alice)
    assert client.post(f"/companies/{world.bakery.pk}/scans/new/").status_code == 302
    scan = Response.objects.get(wave__company=world.bakery, status="draft")
    for item, value in varied_answers(1).items():
        Answer.objects.create(response=scan, item_id=item, value=value)
    assert_scores_equal_the_rows()  # the draft: nothing yet
    assert client.post(f"/scans/{scan.pk}/submit/").status_code == 302
    assert assert_scores_equal_the_rows() == 1
    scan.refresh_from_db()
    assert None in scan.scores.values() and len(scan.scores) == len(MODEL.levels) + len(MODEL.blocks)


def test_scans_submitted_through_the_api_at_once_and_as_a_draft_keep_their_scores_as_their_rows(world):
    api = ApiClient(world.alice)
    at_once = api.post(f"/api/v1/companies/{world.bakery.pk}/waves", {"answers": varied_answers(2)})
    assert at_once.status_code == 201, at_once.content
    draft = api.post(f"/api/v1/companies/{world.garage.pk}/waves", {"answers": varied_answers(3), "submit": False})
    assert draft.json()["status"] == "draft"
    assert_scores_equal_the_rows()
    assert api.post(f"/api/v1/responses/{draft.json()['id']}/submit").status_code == 200
    assert assert_scores_equal_the_rows() == 2


def test_imported_waves_and_employee_answers_keep_their_scores_as_their_rows(world):
    ids = [item.id for item in MODEL.items]
    lines = [",".join(["id", *ids])]
    for seed in (4, 5):
        answers = varied_answers(seed)
        lines.append(",".join([f"t{seed}", *("weet niet" if answers[i] is None else str(answers[i]) for i in ids)]))
    data = ("\n".join(lines) + "\n").encode()
    report = import_scans(user=world.alice, company=world.garage, file_name="golf.csv", data=data, lang="en")
    assert report.ok, report
    scan = Response.objects.filter(wave__company=world.garage).latest("pk")
    assert world.client_for(world.alice).post(f"/waves/{scan.wave_id}/employees/open/").status_code == 302
    round_ = EmployeeRound.objects.get(wave=scan.wave, closed_at__isnull=True)
    post = {item: "?" if v is None else str(v) for item, v in varied_answers(6).items()} | {"leads_people": "no"}
    assert Client().post(f"/e/{round_.token}/", post).status_code == 302
    assert Response.objects.filter(respondent=Respondent.EMPLOYEE).count() == 1
    assert assert_scores_equal_the_rows() == 3


def test_the_demo_loader_writes_each_scans_scores_as_its_rows(db):
    summary = load_population(companies=25, seed=11)
    assert summary.employee_responses > 0
    assert assert_scores_equal_the_rows() == summary.management_responses + summary.employee_responses


def test_the_loaders_scores_text_is_the_json_of_the_cores_scores():
    import json

    import numpy as np

    from groeimodel.population import management_block_means, sample_answers, sample_firms, sample_traits
    from groeimodel.scoring import score_batch
    from groeimodel.web.population import _scores_json

    rng = np.random.default_rng(4)
    firms = sample_firms(rng, 300)
    traits = sample_traits(rng, MODEL, 300)
    firm = np.arange(300)
    means = management_block_means(rng, MODEL, firms, traits, firm, firm % 4)
    answers = sample_answers(rng, MODEL, means)
    answers[::7, ::3] = 0  # "weet niet": blocks and levels without a score
    batch = score_batch(MODEL, answers)
    texts = _scores_json(MODEL, batch)
    assert texts == [json.dumps(score_map(batch.scan(i))) for i in range(len(batch))]
    assert any("null" in t for t in texts)


def test_the_migration_fills_the_scores_of_existing_scans_from_their_rows(world):
    load_population(companies=8, seed=12)
    submitted_scan(world.bakery, 3)
    submit_employee_response(wave=Response.objects.get(wave__company=world.bakery).wave,
                             answers=varied_answers(7), leads_people=None)  # fmt: skip
    Response.objects.update(scores=None)
    migration = importlib.import_module("groeimodel.web.scans.migrations.0008_response_scores")
    migration.fill(None, SimpleNamespace(connection=connection))
    assert assert_scores_equal_the_rows() > 8


# --- the export -------------------------------------------------------------------------------------------------


def pivot_rows(companies: QuerySet[Company], model_id: str, *, employees_min: int) -> Iterator[Sequence[Any]]:
    """The rows as the export wrote them before it read ``Response.scores``: the database pivots the score rows."""
    model = load_model(model_id)
    levels = [lv.level for lv in model.levels]
    blocks = [(b.level, b.id) for b in model.blocks]
    indicators = [i.id for lv in model.levels for i in lv.indicators if i.business_case is None]
    measures = [(lv, "") for lv in levels] + blocks
    pivot = {f"m{i}": Max("score", filter=Q(level=lv, block=b)) for i, (lv, b) in enumerate(measures)}
    fields = ("pk", "wave_id", "wave__company_id", "wave__company__sbi_section", "wave__company__size_class",
              "wave__company__province", "wave__company__founding_year", "wave__number", "wave__date", "model_id",
              "model_version", "position", *(f"wave__{f}" for f, _nl, _en in WAVE_GROWTH),
              "wave__level_indicators")  # fmt: skip
    scores = {
        row[0]: row[1:]
        for row in ScoreRow.objects.filter(respondent=Respondent.MANAGEMENT, model_id=model_id)
        .values("response_id")
        .annotate(**pivot)
        .order_by()
        .values_list("response_id", *pivot)
    }
    employees = dict(
        Response.objects.filter(respondent=Respondent.EMPLOYEE, status=Response.Status.SUBMITTED)
        .values("wave_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("wave_id", "n")
    )
    means = {}
    for agg in (
        ScoreRow.objects.filter(respondent=Respondent.EMPLOYEE, model_id=model_id)
        .exclude(block="")
        .values("wave_id", "block")
        .annotate(n=Count("score"), mean=Avg("score"))
        .order_by()
    ):
        if agg["n"] >= employees_min and agg["mean"] is not None:
            means[(agg["wave_id"], agg["block"])] = round(float(agg["mean"]), SCORE_DIGITS)
    growth = len(WAVE_GROWTH)
    for row in scans_to_export(companies, model_id).values_list(*fields):
        own = scores.get(row[0], (None,) * len(measures))
        found = row[12 + growth] or {}
        n = employees.get(row[1], 0)
        yield (
            *row[2:12],
            *(None if v is None else round(v, SCORE_DIGITS) for v in own),
            *(_number(v) for v in row[12 : 12 + growth]),
            *(_number(found.get(i)) for i in indicators),
            n if n >= employees_min else None,
            *(means.get((row[1], b)) for _lv, b in blocks),
        )


@pytest.mark.parametrize("chunk_size", [1, 7, 2000])
def test_the_export_from_the_stored_scores_writes_what_the_pivot_of_the_rows_wrote(world, chunk_size):
    load_population(companies=30, seed=13, employee_share=0.5)
    garage = submitted_scan(world.garage, 2)
    for seed in range(6):
        submit_employee_response(wave=garage.wave, answers=varied_answers(20 + seed), leads_people=False)
    for company, seed in ((world.bakery, 8), (make_company(world.org_a, "Drukkerij Dijk"), 9)):
        api = ApiClient(world.beheerder)
        done = api.post(f"/api/v1/companies/{company.pk}/waves", {"answers": varied_answers(seed)})
        assert done.status_code == 201, done.content
    # A scan of a version without one of today's blocks: no row and no key for it.
    older = Response.objects.filter(respondent=Respondent.MANAGEMENT).order_by("pk")[3]
    gone = MODEL.blocks[2]
    ScoreRow.objects.filter(response=older, block=gone.id).delete()
    older.scores = {k: v for k, v in older.scores.items() if k != score_key(gone.level, gone.id)}
    older.save(update_fields=["scores"])
    wave = older.wave
    wave.level_indicators = {MODEL.levels[0].indicators[0].id: 7, "unknown": "x"}
    wave.save(update_fields=["level_indicators"])
    # The demo firms (another organisation) and organisation A's, without one firm: a subquery with parameters.
    companies = Company.objects.filter(archived_at__isnull=True).exclude(pk=world.mill.pk)
    expected = [tuple(map(repr, r)) for r in pivot_rows(companies, "groeimodel", employees_min=5)]
    got = [tuple(map(repr, r)) for r in wave_rows(companies, "groeimodel", employees_min=5, chunk_size=chunk_size)]
    assert len(got) > 100 and got == expected
    assert any(r[-1] != "None" for r in got)  # employees' means shown somewhere
    assert any("None" in r[10:29] for r in got)  # and scores without a value


def test_an_export_stopped_early_ends_its_reader_and_leaves_the_database_usable(world):
    load_population(companies=10, seed=14)
    rows = wave_rows(Company.objects.all(), "groeimodel", employees_min=5, chunk_size=3)
    try:
        first = next(rows)
    finally:
        rows.close()  # a download broken off
    assert first[0] == scans_to_export(Company.objects.all(), "groeimodel")[0].wave.company_id
    assert not [t for t in threading.enumerate() if t.name == "wave-data-reader"]
    assert Response.objects.filter(respondent=Respondent.MANAGEMENT).count() > 10


def test_an_error_while_reading_reaches_the_export(world, monkeypatch):
    load_population(companies=10, seed=15)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the database went away")

    monkeypatch.setattr("groeimodel.web.monitor.wave_data._employees", broken)
    with pytest.raises(RuntimeError, match="went away"):
        list(wave_rows(Company.objects.all(), "groeimodel", employees_min=5))
    assert not [t for t in threading.enumerate() if t.name == "wave-data-reader"]
