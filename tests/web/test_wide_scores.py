"""Every scored response keeps its level and block scores once more as one mapping (``Response.scores``), equal to
its score rows rounded as the exports write them, after every way a scan is written (web, API, import, employee
round, demo loader, the migrations' backfill); the wave-data export that reads that mapping writes what the pivot of
the score rows gives, and on PostgreSQL the CSV the database writes is byte for byte the one the rows make."""

from __future__ import annotations

import importlib
import random
import threading
from collections.abc import Iterator, Sequence
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.db.models import Avg, Count, Max, Q, QuerySet
from django.test import Client

from groeimodel.model import load_model
from groeimodel.monitor.export import csv_chunks, round_score, write_export
from groeimodel.monitor.variables import WAVE_GROWTH
from groeimodel.web.companies.models import Company
from groeimodel.web.imports.scans import import_scans
from groeimodel.web.invitations.models import EmployeeRound
from groeimodel.web.monitor.wave_data import _number, scans_to_export, wave_rows, wave_table
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


def rows_of(response: Response, rounded: bool = True) -> dict[str, float | None]:
    scores = {score_key(r.level, r.block): r.score for r in ScoreRow.objects.filter(response=response)}
    return {k: round_score(v) for k, v in scores.items()} if rounded else scores


def assert_scores_equal_the_rows(rounded: bool = True) -> int:
    """Each response's ``scores`` is its score rows, rounded as the exports write them (or, after the first
    migration's backfill, exactly); a draft has neither. Returns how many were scored."""
    scored = 0
    for response in Response.objects.order_by("pk"):
        rows = rows_of(response, rounded)
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
    filled = importlib.import_module("groeimodel.web.scans.migrations.0008_response_scores")
    filled.fill(None, SimpleNamespace(connection=connection))
    assert assert_scores_equal_the_rows(rounded=False) > 8
    assert any(v != round_score(v) for r in Response.objects.exclude(scores=None) for v in r.scores.values() if v)
    rounded = importlib.import_module("groeimodel.web.scans.migrations.0009_response_scores_rounded")
    rounded.fill(None, SimpleNamespace(connection=connection))
    assert assert_scores_equal_the_rows() > 8


def test_a_score_is_rounded_half_away_from_zero_on_the_decimal_it_prints_as():
    assert round_score(61.78125) == 61.7813  # a tie: up (Python's round gives 61.7812)
    assert round_score(2.00005) == 2.0001  # prints as a tie, is just below it as a binary float
    assert round_score(49.16666666666667) == 49.1667 and round_score(70.0) == 70.0
    assert round_score(-0.00005) == -0.0001 and round_score(None) is None


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
            means[(agg["wave_id"], agg["block"])] = round_score(float(agg["mean"]))
    growth = len(WAVE_GROWTH)
    for row in scans_to_export(companies, model_id).values_list(*fields):
        own = scores.get(row[0], (None,) * len(measures))
        found = row[12 + growth] or {}
        n = employees.get(row[1], 0)
        yield (
            *row[2:12],
            *(round_score(v) for v in own),
            *(None if v is None else float(v) for v in row[12 : 12 + growth]),
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


# --- the CSV: on PostgreSQL written by the database -------------------------------------------------------------


def exported_csv(companies: QuerySet[Company], *, employees_min: int) -> bytes:
    """The data file of the wave-data CSV export (on PostgreSQL the database writes its lines)."""
    import io
    import zipfile

    out = io.BytesIO()
    write_export(wave_table(companies, "groeimodel", employees_min=employees_min, chunk_size=5), "csv", out, lang="nl")
    return zipfile.ZipFile(out).read("metingen-groeimodel.csv")


def awkward_population(world: Any) -> QuerySet[Company]:
    """The demo firms with organisation A's, holding every kind of cell the CSV must write as the csv module does:
    text to neutralise, with a comma, a quote and a line break, or empty; whole, negative and zero growth figures;
    indicators that are whole, fractional, or not numbers; employees' means that are (nearly) ties."""
    load_population(companies=30, seed=16, employee_share=0.5)
    garage = submitted_scan(world.garage, 2)
    for seed in range(3):
        submit_employee_response(wave=garage.wave, answers=varied_answers(30 + seed), leads_people=False)
    block = MODEL.blocks[0]
    rows = ScoreRow.objects.filter(response__wave=garage.wave, response__respondent=Respondent.EMPLOYEE, block=block.id)
    for score, row in zip((61.7812, 61.7813, 61.78125), rows, strict=False):
        row.score = score  # means of 61.78125 and (in floats) a hair off it
        row.save(update_fields=["score"])
    Company.objects.filter(pk=world.garage.pk).update(size_class='=SUM("x")', province="")
    Company.objects.filter(pk=world.bakery.pk).update(province="@A", sbi_section="-")
    Response.objects.filter(pk=submitted_scan(world.bakery, 5).pk).update(model_version='2024,"b"\nc')
    wave = garage.wave
    ids = [i.id for lv in MODEL.levels for i in lv.indicators if i.business_case is None]
    wave.level_indicators = {ids[0]: 7, ids[1]: 1234.56, ids[2]: True, ids[3]: "12", "unknown": "x"}
    wave.revenue, wave.profit, wave.export_share, wave.employees_fte = (
        Decimal("1000.00"), Decimal("-12.50"), Decimal("0"), Decimal("12.5"))  # fmt: skip
    wave.save()
    return Company.objects.filter(archived_at__isnull=True).exclude(pk=world.mill.pk)


def the_rows_csv(companies: QuerySet[Company], *, employees_min: int) -> bytes:
    model = load_model("groeimodel")
    from groeimodel.monitor.variables import wave_variables

    return b"".join(csv_chunks(wave_variables(model, employees_min=employees_min),
                               pivot_rows(companies, "groeimodel", employees_min=employees_min)))  # fmt: skip


def test_the_csv_export_writes_byte_for_byte_what_the_csv_module_writes_for_the_rows(world):
    companies = awkward_population(world)
    got = exported_csv(companies, employees_min=2)
    assert got == the_rows_csv(companies, employees_min=2)
    text = got.decode()
    assert text.count("\r\n") > 100 and text.replace("\r\n", "").count("\n") == 1  # CRLF; \n only in a field
    assert ',"\'=SUM(""x"")",,' in text and ',"2024,""b""\nc",' in text and ",'-," in text and ",'@A," in text
    assert ",12.5,1000.0,,-12.5,0.0," in text and ",7.0,1234.56,,," in text
    assert ",61.7813," in text or ",61.7812," in text  # the employees' near-tie mean


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("parts", [1, 3])
def test_the_csv_export_in_parts_side_by_side_writes_the_same_bytes(world, parts, monkeypatch):
    """Outside a transaction (as on the web) the database writes the parts in connections of their own."""
    companies = awkward_population(world)
    monkeypatch.setattr("groeimodel.web.monitor.wave_data.COPY_PARTS", parts)
    assert exported_csv(companies, employees_min=2) == the_rows_csv(companies, employees_min=2)
    assert not [t for t in threading.enumerate() if t.name == "wave-data-part"]


def csv_body_or_none(companies: QuerySet[Company]) -> Iterator[bytes] | None:
    """The database's CSV lines on PostgreSQL; on SQLite the export writes the rows (no body of its own)."""
    table = wave_table(companies, "groeimodel", employees_min=5, chunk_size=5)
    if connection.vendor != "postgresql":
        assert table.csv_body is None
        return None
    assert table.csv_body is not None
    return table.csv_body()


@pytest.mark.django_db(transaction=True)
def test_a_csv_export_stopped_early_stops_its_parts_and_leaves_the_database_usable(world, monkeypatch):
    load_population(companies=40, seed=17)
    monkeypatch.setattr("groeimodel.web.monitor.wave_data.COPY_PARTS", 3)
    body = csv_body_or_none(Company.objects.all())
    if body is None:
        return
    first = next(body)
    body.close()  # a download broken off
    assert first.endswith(b"\r\n") and first.count(b"\r\n") == 5
    assert not [t for t in threading.enumerate() if t.name == "wave-data-part"]
    assert not connection.in_atomic_block
    assert Response.objects.filter(respondent=Respondent.MANAGEMENT).count() > 40


@pytest.mark.django_db(transaction=True)
def test_an_error_in_a_part_reaches_the_export(world, monkeypatch):
    from groeimodel.web.monitor import wave_data

    load_population(companies=40, seed=18)
    monkeypatch.setattr(wave_data, "COPY_PARTS", 2)
    copy_part = wave_data._copy_part

    def broken_in_a_thread(raw: Any, *args: Any) -> Iterator[bytes]:
        if raw is not connection.connection:  # a part in a connection of its own
            raise RuntimeError("the second connection went away")
        return copy_part(raw, *args)

    monkeypatch.setattr(wave_data, "_copy_part", broken_in_a_thread)
    body = csv_body_or_none(Company.objects.all())
    if body is None:
        return
    with pytest.raises(RuntimeError, match="second connection went away"):
        list(body)
    assert not [t for t in threading.enumerate() if t.name == "wave-data-part"]
    assert Response.objects.count() > 40


def test_postgresql_keeps_the_scores_uncompressed_in_the_row(db):
    # The export reads every scan's mapping; decompressing it was a tenth of the database's work (bench/README.md).
    if connection.vendor != "postgresql":
        assert connection.vendor == "sqlite"  # no storage settings to check
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = 'scans_response'::regclass AND attname = 'scores'"
        )
        assert cursor.fetchone()[0] == "p"
