"""`groeimodel demo --companies N`: a synthetic population in the database, scored by the core."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from groeimodel.model import load_model
from groeimodel.scoring import score
from groeimodel.web.companies.models import Company
from groeimodel.web.population import SYNTHETIC_PREFIX, _ResultJson, add_monitor_users, load_population
from groeimodel.web.scans.models import Answer, Response, ScoreRow, Wave

pytestmark = pytest.mark.django_db


def firms_of(org: Any) -> list[tuple[Any, ...]]:
    return list(
        Company.objects.filter(organisation=org)
        .order_by("pk")
        .values_list("sbi_section", "employees", "size_class", "province", "founding_year")
    )


def results_of(org: Any) -> list[tuple[Any, ...]]:
    return list(
        Response.objects.filter(wave__company__organisation=org)
        .order_by("pk")
        .values_list("respondent", "position", "wave__number", "wave__date", "wave__revenue", "result")
    )


def test_the_same_seed_gives_the_same_population_and_nothing_is_written_for_a_bad_call():
    one = load_population(companies=60, seed=5, organisation="Een")
    two = load_population(companies=60, seed=5, organisation="Twee")
    other = load_population(companies=60, seed=6, organisation="Drie")
    assert firms_of(one.organisation) == firms_of(two.organisation) != firms_of(other.organisation)
    assert results_of(one.organisation) == results_of(two.organisation)
    assert one.waves == Wave.objects.filter(company__organisation=one.organisation).count()
    with pytest.raises(ValueError):
        load_population(companies=0, organisation="Vier")
    assert not Company.objects.filter(organisation__name="Vier").exists()


def test_the_companies_are_recognisable_as_synthetic_and_the_ids_go_on_after_them():
    summary = load_population(companies=40, seed=1)
    names = Company.objects.filter(organisation=summary.organisation).values_list("name", "kvk_number")
    assert all(name.startswith(SYNTHETIC_PREFIX) and kvk == "" for name, kvk in names)
    assert summary.organisation.name == "Monitor demo"
    later = Company.objects.create(
        organisation=summary.organisation, name="Echt bedrijf", sbi_section="C", employees=5, province="GE"
    )
    assert later.pk > max(Company.objects.exclude(pk=later.pk).values_list("pk", flat=True))


def test_stored_results_are_what_the_core_gives_for_the_answers_and_match_the_score_rows():
    model = load_model()
    summary = load_population(companies=150, seed=3, answers_share=0.2)
    assert summary.answers > 0 and summary.employee_responses > 0
    with_answers = Response.objects.filter(answers__isnull=False).distinct()[:40]
    for response in with_answers:
        answers = {a: v for a, v in Answer.objects.filter(response=response).values_list("item_id", "value")}
        assert response.result == score(model, answers).to_dict("nl")
        assert response.position == response.result["position"]
    response = Response.objects.filter(wave__company__organisation=summary.organisation).first()
    assert response is not None
    rows = {(r.level, r.block): r.score for r in ScoreRow.objects.filter(response=response)}
    assert len(rows) == len(model.levels) + len(model.blocks)
    for level in response.result["levels"]:
        assert rows[(level["level"], "")] == level["score"]
        for block in level["blocks"]:
            assert rows[(level["level"], block["id"])] == block["score"]
    scores = [s for s in ScoreRow.objects.values_list("score", flat=True) if s is not None]
    assert min(scores) >= 0 and max(scores) <= 100


def test_the_fast_result_json_is_the_text_of_the_cores_result():
    import numpy as np

    from groeimodel.population import management_block_means, sample_answers, sample_firms, sample_traits
    from groeimodel.scoring import score_batch

    model = load_model()
    rng = np.random.default_rng(4)
    firms = sample_firms(rng, 500)
    traits = sample_traits(rng, model, 500)
    firm = np.arange(500)
    batch = score_batch(
        model, sample_answers(rng, model, management_block_means(rng, model, firms, traits, firm, firm % 4))
    )
    texts = _ResultJson(model).all(batch)
    assert texts == [json.dumps(batch.scan(i).to_dict("nl")) for i in range(len(batch))]


def test_later_waves_score_higher_on_average_and_growth_goes_with_the_position():
    summary = load_population(companies=400, seed=9)
    by_wave: dict[int, list[float]] = {}
    for number, s in ScoreRow.objects.filter(
        company__organisation=summary.organisation, respondent="management", block=""
    ).values_list("wave__number", "score"):
        if s is not None:
            by_wave.setdefault(min(number, 3), []).append(s)
    means = [sum(v) / len(v) for _k, v in sorted(by_wave.items())]
    assert means[0] < means[1] < means[3]
    waves = Wave.objects.filter(company__organisation=summary.organisation)
    assert all(w.revenue and w.employees_fte is not None and w.export_share is not None for w in waves[:50])


def test_the_monitor_and_a_result_page_with_employees_render_on_the_population():
    summary = load_population(companies=200, seed=2)
    logins = add_monitor_users(summary.organisation)
    assert [login.role for login in logins] == ["beheerder", "analist"]
    assert add_monitor_users(summary.organisation) == []
    client = Client()
    assert (
        client.post("/accounts/login/", {"username": logins[1].username, "password": logins[1].password}).status_code
        == 302
    )
    page = client.get("/overview/?by=size_class")
    assert page.status_code == 200
    assert "micro" in page.content.decode()
    beheerder = Client()
    assert (
        beheerder.post("/accounts/login/", {"username": logins[0].username, "password": logins[0].password}).status_code
        == 302
    )
    wave = Wave.objects.filter(company__organisation=summary.organisation, responses__respondent="employee").first()
    assert wave is not None
    scan = Response.objects.get(wave=wave, respondent="management")
    result = beheerder.get(f"/scans/{scan.pk}/result/")
    assert result.status_code == 200
    assert wave.company.name in result.content.decode()


def latest_by_python(org: Any) -> tuple[set[int], set[int]]:
    """The scans the monitor counts, found the slow way: per company the highest wave, and the highest per year."""
    latest: dict[int, tuple[int, int]] = {}
    in_year: dict[tuple[int, int], tuple[int, int]] = {}
    for pk, company, number, date in Response.objects.filter(
        wave__company__organisation=org, respondent="management", status="submitted"
    ).values_list("pk", "wave__company", "wave__number", "wave__date"):
        latest[company] = max(latest.get(company, (-1, 0)), (number, pk))
        in_year[(company, date.year)] = max(in_year.get((company, date.year), (-1, 0)), (number, pk))
    return {pk for _n, pk in latest.values()}, {pk for _n, pk in in_year.values()}


def test_the_population_flags_each_firms_latest_scan_and_its_latest_per_year_as_the_migration_would():
    from groeimodel.web.scans.latest import backfill

    summary = load_population(companies=120, seed=8)
    org = summary.organisation
    flagged = Response.objects.filter(wave__company__organisation=org)
    expected = latest_by_python(org)
    got = (set(flagged.filter(latest=True).values_list("pk", flat=True)),
           set(flagged.filter(latest_in_year=True).values_list("pk", flat=True)))  # fmt: skip
    assert got == expected
    assert len(expected[1]) > len(expected[0]) == 120
    Response.objects.update(latest=False, latest_in_year=False)
    backfill()
    assert set(flagged.filter(latest=True).values_list("pk", flat=True)) == expected[0]
    assert set(flagged.filter(latest_in_year=True).values_list("pk", flat=True)) == expected[1]
