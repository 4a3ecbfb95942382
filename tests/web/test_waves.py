"""A wave's growth figures (Innovatie Groei Model): the form, its validation per field in Dutch and English, who may
record them, and the company page that shows them over the waves beside the level scores."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groeimodel.web.audit.models import AuditRecord
from groeimodel.web.scans.models import ScoreRow, Wave

from .conftest import submitted_scan

FILLED = {
    "date": "2025-03-14",
    "employees_fte": "12,5",
    "revenue": "1.250.000,50",
    "added_value": "480.000",
    "profit": "-12.500,25",
    "export_share": "12,5",
}


def growth_url(wave: Wave) -> str:
    return f"/waves/{wave.pk}/growth/"


def english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def field_error(html: str, field: str) -> str:
    """The text of the error list the page shows at ``field`` (Django gives it the id ``id_<field>_error``)."""
    match = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    assert match, f"no error shown at {field}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_the_advisor_records_a_waves_growth_figures_in_dutch_number_format(world):
    wave = submitted_scan(world.bakery).wave
    client = world.client_for(world.alice)
    page = client.get(growth_url(wave))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="employees_fte"' in html and 'name="export_share"' in html and 'type="date"' in html
    response = client.post(growth_url(wave), FILLED)
    assert response.status_code == 302 and response["Location"] == f"/companies/{world.bakery.pk}/"
    wave.refresh_from_db()
    assert wave.date == dt.date(2025, 3, 14)
    assert (wave.employees_fte, wave.revenue, wave.added_value) == (
        Decimal("12.5"),
        Decimal("1250000.50"),
        Decimal("480000"),
    )
    assert (wave.profit, wave.export_share) == (Decimal("-12500.25"), Decimal("12.5"))
    assert AuditRecord.objects.filter(object_kind="wave", object_id=wave.pk, action="update").count() == 1
    again = client.get(growth_url(wave)).content.decode()
    assert 'value="12,5"' in again and 'value="1.250.000,50"' in again and 'value="-12.500,25"' in again
    assert 'value="2025-03-14"' in again


def test_in_english_the_figures_are_typed_and_shown_the_english_way(world):
    wave = submitted_scan(world.bakery).wave
    client = english(world.client_for(world.ondernemer))
    data = {
        **FILLED,
        "employees_fte": "12.5",
        "revenue": "1,250,000.50",
        "added_value": "480,000",
        "profit": "-12,500.25",
    }
    assert client.post(growth_url(wave), {**data, "export_share": "12.5"}).status_code == 302
    wave.refresh_from_db()
    assert (wave.revenue, wave.export_share) == (Decimal("1250000.50"), Decimal("12.5"))
    assert 'value="1,250,000.50"' in client.get(growth_url(wave)).content.decode()


@pytest.mark.parametrize(
    ("language", "field", "value", "message"),
    [
        ("nl", "employees_fte", "-3", "Het aantal medewerkers kan niet negatief zijn."),
        ("en", "employees_fte", "-3", "The number of employees cannot be negative."),
        ("nl", "employees_fte", "12,55", "„12,55” is geen getal. Schrijf het zoals 20.000,5."),
        ("nl", "revenue", "-100", "De omzet kan niet negatief zijn."),
        ("en", "revenue", "-100", "Revenue cannot be negative."),
        ("nl", "revenue", "20,000.50", "„20,000.50” is geen getal. Schrijf het zoals 20.000,50."),
        ("en", "revenue", "20.000,50", "“20.000,50” is not a number. Write it like 20,000.50."),
        ("nl", "added_value", "1.000,505", "„1.000,505” is geen getal. Schrijf het zoals 20.000,50."),
        ("en", "profit", "12.345", "“12.345” is not a number. Write it like 20,000.50."),
        ("nl", "export_share", "101", "Het exportaandeel is een percentage van 0 tot 100."),
        ("en", "export_share", "-1", "The export share is a percentage from 0 to 100."),
        ("en", "export_share", "100.5", "The export share is a percentage from 0 to 100."),
        ("nl", "indicator_kosten_bespaard", "veel", "„veel” is geen getal. Schrijf het zoals 20.000,50."),
        ("nl", "date", "31-02-2025", "Voer een geldige datum in."),
        ("en", "date", "", "This field is required."),
    ],
)
def test_a_wrong_value_is_explained_at_its_field_and_nothing_is_saved(world, language, field, value, message):
    wave = submitted_scan(world.bakery).wave
    client = world.client_for(world.alice)
    if language == "en":
        english(client)
        good = {**FILLED, "employees_fte": "12.5", "revenue": "1,250,000.50", "added_value": "480,000",
                "profit": "-12,500.25", "export_share": "12.5"}  # fmt: skip
    else:
        good = dict(FILLED)
    before = Wave.objects.filter(pk=wave.pk).values().get()
    response = client.post(growth_url(wave), {**good, field: value})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert field_error(response.content.decode(), field) == message
    assert Wave.objects.filter(pk=wave.pk).values().get() == before
    assert not AuditRecord.objects.exists()


def test_the_level_indicators_of_the_waves_model_are_optional_and_the_payback_period_is_not_typed_in(world):
    wave = submitted_scan(world.bakery).wave
    Wave.objects.filter(pk=wave.pk).update(level_indicators={"retired_indicator": 3.0, "uren_bespaard": 10.0})
    client = world.client_for(world.alice)
    html = client.get(growth_url(wave)).content.decode()
    assert 'name="indicator_kosten_bespaard"' in html  # level 1
    assert 'name="indicator_banen_afstand_arbeidsmarkt"' in html  # level 4
    assert 'name="indicator_terugverdientijd"' not in html  # computed by an initiative's business case
    assert (
        client.post(growth_url(wave), {"date": "2026-01-05", "indicator_kosten_bespaard": "48.000"}).status_code == 302
    )
    wave.refresh_from_db()
    # a value typed is stored, a field emptied is removed, and an indicator the form does not show is kept
    assert wave.level_indicators == {"kosten_bespaard": 48000.0, "retired_indicator": 3.0}
    assert wave.revenue is None and wave.export_share is None


@pytest.mark.parametrize("persona", ["beheerder", "alice", "ondernemer", "analist"])
def test_the_growth_form_of_another_organisations_wave_is_not_found(world, persona):
    wave = submitted_scan(world.mill).wave
    client = world.client_for(getattr(world, persona))
    assert client.get(growth_url(wave)).status_code == 404
    assert client.post(growth_url(wave), FILLED).status_code == 404
    wave.refresh_from_db()
    assert wave.revenue is None


def test_only_those_who_run_the_companys_scans_record_its_growth(world):
    bakery = submitted_scan(world.bakery).wave
    florist = submitted_scan(world.florist).wave
    assert world.client_for(world.beheerder).get(growth_url(florist)).status_code == 200
    assert world.client_for(world.alice).get(growth_url(florist)).status_code == 404  # not her company
    assert world.client_for(world.ondernemer).get(growth_url(florist)).status_code == 404
    assert world.client_for(world.analist).post(growth_url(bakery), FILLED).status_code == 404
    bakery.refresh_from_db()
    assert bakery.revenue is None


def waves_of(company, strengths):
    """Submitted waves T0, T1, ... with every answer ``value`` and growth figures that rise."""
    for n, value in enumerate(strengths):
        wave = submitted_scan(company, value=value).wave
        Wave.objects.filter(pk=wave.pk).update(
            date=dt.date(2024 + n, 3, 1),
            employees_fte=Decimal("10.5") + n,
            revenue=Decimal("1000000") * (n + 1),
            profit=Decimal("-2500.75") if n == 0 else Decimal("40000"),
            export_share=Decimal("12.5"),
        )


def test_the_company_page_shows_level_scores_over_the_waves_and_growth_beside_the_ladder(world):
    waves_of(world.bakery, [2, 4])
    client = world.client_for(world.alice)
    html = client.get(f"/companies/{world.bakery.pk}/").content.decode()
    chart = re.search(r'<svg[^>]*class="lines"[^>]*>.*?</svg>', html, re.S).group(0)
    assert 'role="img"' in chart and "Score per niveau over de metingen, 0 tot 100" in chart
    # every answer 2 scores 25 on every level, every answer 4 scores 75
    assert "1 – Bedrijfsvoering optimaliseren: T0 25, T1 75" in chart
    table = re.search(r'<table class="list level-scores">.*?</table>', html, re.S).group(0)
    assert re.search(r"Bedrijfsvoering optimaliseren</th><td class=\"num\">25</td><td class=\"num\">75</td>", table)
    growth = re.search(r'<table class="list growth">.*?</table>', html, re.S).group(0)
    assert "1 maart 2024" in growth and "€\xa01.000.000" in growth and "€\xa02.000.000" in growth
    assert "10,5" in growth and "€\xa0-2.501" in growth and "12,5%" in growth
    assert "0 – nog geen niveau bereikt" in growth and "4 – " in growth  # the ladder position at T0 and T1
    assert f'href="/waves/{world.bakery.waves.get(number=1).pk}/growth/"' in growth
    english(client)
    page = client.get(f"/companies/{world.bakery.pk}/").content.decode()
    growth = re.search(r'<table class="list growth">.*?</table>', page, re.S).group(0)
    assert "1 March 2024" in growth and "€2,000,000" in growth and "-€2,501" in growth and "12.5%" in growth


def test_the_level_scores_come_from_the_stored_rows_not_from_scoring_again(world):
    waves_of(world.bakery, [3])
    ScoreRow.objects.filter(company=world.bakery, block="", level=1).update(score=12.0)
    html = world.client_for(world.alice).get(f"/companies/{world.bakery.pk}/").content.decode()
    assert "1 – Bedrijfsvoering optimaliseren: T0 12" in html


def test_the_company_page_needs_the_same_number_of_queries_for_one_wave_and_for_five(world, django_assert_num_queries):
    client = world.client_for(world.alice)
    waves_of(world.bakery, [3])
    client.get(f"/companies/{world.bakery.pk}/")  # warm up the session
    with CaptureQueriesContext(connection) as one:
        client.get(f"/companies/{world.bakery.pk}/")
    waves_of(world.garage, [1, 2, 3, 4, 5])
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(f"/companies/{world.garage.pk}/")
    assert page.context["score_labels"] == ["T0", "T1", "T2", "T3", "T4"]


@pytest.mark.django_db
def test_a_new_submission_and_a_moved_wave_date_change_which_scan_the_monitor_counts(world):
    from groeimodel.web.scans.models import Response
    from groeimodel.web.scans.services import record_growth

    first = submitted_scan(world.bakery)
    assert Response.objects.get(pk=first.pk).latest
    second = submitted_scan(world.bakery)
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.latest and not first.latest
    assert first.latest_in_year is False and second.latest_in_year  # both in this year: the later one counts
    record_growth(user=world.alice, wave=first.wave, data={"date": dt.date(2020, 5, 1)}, indicators={})
    first.refresh_from_db()
    assert first.latest_in_year and not first.latest
