"""Existing scans become waves and responses: a database made with the earlier schema, migrated, loses nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from groeimodel.model import load_model
from groeimodel.scoring import score

BEFORE = [("scans", "0001_initial"), ("companies", "0002_archive_and_unique_kvk")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_a_database_with_scans_migrated_to_waves_shows_the_same_results():
    old = migrate(BEFORE)
    Organisation = old.get_model("accounts", "Organisation")
    Company = old.get_model("companies", "Company")
    Scan = old.get_model("scans", "Scan")
    Answer = old.get_model("scans", "Answer")
    model = load_model("groeimodel", "1.0.0")
    org = Organisation.objects.create(name="Oud", slug="oud")
    company = Company.objects.create(
        organisation=org, name="Bakkerij Oud", sbi_section="C", employees=12, size_class="small", province="GE"
    )
    answers = {item.id: 4 if item.reverse is False else 2 for item in model.items}
    result = score(model, answers)
    submitted_at = timezone.make_aware(dt.datetime(2025, 3, 14, 10, 0))
    t0 = Scan.objects.create(
        company=company, wave="T0", model_id="groeimodel", model_version="1.0.0", model_hash=model.content_hash,
        status="submitted", submitted_at=submitted_at, position=result.position, next_level=result.next_level,
        result=result.to_dict("nl"),
    )  # fmt: skip
    Answer.objects.bulk_create([Answer(scan=t0, item_id=k, value=v) for k, v in answers.items()])
    t1 = Scan.objects.create(
        company=company, wave="T1", model_id="groeimodel", model_version="1.0.0", model_hash=model.content_hash
    )
    Answer.objects.create(scan=t1, item_id="l1.processen.1", value=None)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from groeimodel.scoring import ScanResult
    from groeimodel.web.scans.models import Answer as NewAnswer
    from groeimodel.web.scans.models import Response, ScoreRow, Wave

    waves = list(Wave.objects.filter(company_id=company.pk).order_by("number"))
    assert [(w.label, w.model_version, w.date) for w in waves] == [
        ("T0", "1.0.0", dt.date(2025, 3, 14)),
        ("T1", "1.0.0", waves[1].date),
    ]
    first, draft = (Response.objects.get(wave=w) for w in waves)
    assert (first.pk, draft.pk) == (t0.pk, t1.pk)  # the same rows, so every link to them still works
    assert first.respondent == "management" and first.submitted and not draft.submitted
    assert ScanResult.from_dict(first.result, model) == result
    assert first.position == result.position
    assert dict(NewAnswer.objects.filter(response=first).values_list("item_id", "value")) == answers
    assert dict(NewAnswer.objects.filter(response=draft).values_list("item_id", "value")) == {"l1.processen.1": None}
    rows = ScoreRow.objects.filter(response=first)
    assert rows.count() == len(model.levels) + len(model.blocks)
    level_1 = rows.get(block="", level=1)
    assert (level_1.score, level_1.achieved) == (result.levels[0].score, result.levels[0].achieved)
    assert not ScoreRow.objects.filter(response=draft).exists()
