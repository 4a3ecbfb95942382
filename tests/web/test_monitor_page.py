"""The monitor (/overview/): k-anonymous tables of the organisation's firms, on the page and as CSV."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from groeimodel.web.accounts.services import create_user
from groeimodel.web.scans.services import model_of, save_answers, start_scan, submit_scan

from .conftest import PASSWORD, full_answers, make_company, submitted_scan


def scan_with(company: Any, model_id: str, value: int) -> Any:
    scan = start_scan(company=company, user=None, model_id=model_id)
    save_answers(scan=scan, answers=full_answers(model_of(scan), value))
    submit_scan(scan=scan)
    return scan


def population(world: Any) -> None:
    """Sector C: 6 firms at position 0 and 5 at position 4; G: 6 at position 0 and one at 4 (a cell of one, in
    Utrecht); M: 5 and 5 (in Noord-Brabant). Uniform answers give positions 0 (all 1s) and 4 (all 5s) only."""
    for sector, low, high, province in (("C", 6, 5, "GE"), ("G", 6, 0, "GE"), ("M", 5, 5, "NB")):
        for n in range(low):
            submitted_scan(make_company(world.org_a, f"Laag {sector}{n}", sbi_section=sector, province=province), 1)
        for n in range(high):
            submitted_scan(make_company(world.org_a, f"Hoog {sector}{n}", sbi_section=sector, province=province), 5)
    submitted_scan(make_company(world.org_a, "Top", sbi_section="G", employees=20, province="UT"), value=5)


def html_table(html: str, table_id: str) -> list[list[str]]:
    """The table's rows as text cells (header row first), tags stripped."""
    body = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S)
    assert body, table_id
    rows = re.findall(r"<tr>(.*?)</tr>", body.group(0), re.S)
    return [[re.sub(r"<.*?>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)] for r in rows]


def get(client: Any, url: str) -> Any:
    """The page in English."""
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client.get(url)


def number(text: str) -> int | None:
    return None if text in ("", "–") else int(text.replace(",", ""))


def assert_no_line_pins_a_cell(table: list[list[int | None]]) -> None:
    """Rows and columns of a count table with its totals (last row and column): wherever a total is published,
    either the published cells add up to it, or at least two cells are blank, so the difference between the
    total and the rest cannot be one cell's value."""
    lines = table + [list(col) for col in zip(*table, strict=True)]
    for line in lines:
        *cells, total = line
        if total is None:
            continue
        blank = [c for c in cells if c is None]
        shown = sum(c for c in cells if c is not None)
        assert shown == total or len(blank) >= 2, line


@pytest.mark.django_db
def test_the_analist_sees_the_positions_by_sector_with_the_small_cell_and_its_give_aways_hidden(world):
    population(world)
    page = get(world.client_for(world.analist), "/overview/?by=sbi_section")
    assert page.status_code == 200
    html = page.content.decode()
    rows = html_table(html, "positions-table")
    header, body = rows[0], rows[1:]
    assert header[0] == "Sector (SBI section)" and header[-1] == "Total" and len(header) == 7  # positions 0-4
    by_name = {r[0]: r for r in body}
    assert len(body) == 22  # 21 sections and the total row
    c_row = next(r for name, r in by_name.items() if name.startswith("C "))
    g_row = next(r for name, r in by_name.items() if name.startswith("G "))
    # The firm of one (G, position 4) is hidden, and so is every cell that would give it away: with only two
    # positions filled, that is every cell; the row totals and the column totals stay.
    assert g_row[1:] == ["–"] * 5 + ["7"]
    assert c_row[1:] == ["–"] * 5 + ["11"]
    a_row = next(r for name, r in by_name.items() if name.startswith("A "))
    assert a_row[1:] == ["–"] * 6  # an empty row looks exactly the same as a hidden one
    assert body[-1][1:] == ["17", "–", "–", "–", "11", "28"]
    counts = [[number(c) for c in r[1:]] for r in body]
    assert_no_line_pins_a_cell(counts)
    assert "1" not in [c for r in body for c in r[1:]]
    assert "Top" not in html and "Laag" not in html
    assert 'role="img"' in html  # the bar charts beside the tables


@pytest.mark.django_db
def test_the_csv_shows_the_same_suppression_as_the_page(world):
    population(world)
    client = world.client_for(world.analist)
    html = get(client, "/overview/?by=sbi_section").content.decode()
    page_rows = html_table(html, "positions-table")[1:]
    export = get(client, "/overview/positions.csv?by=sbi_section")
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    assert "attachment" in export["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[0][0] == "sbi_section" and len(rows) == 23
    for page_row, csv_row in zip(page_rows, rows[1:], strict=True):
        assert [number(c) for c in page_row[1:]] == [number(c) for c in csv_row[1:]]
    g = next(r for r in rows if r[0].startswith("G "))
    assert g[1:] == [""] * 5 + ["7"]  # hidden, no count, no mark
    means = get(client, "/overview/means.csv?by=province")
    mean_csv = list(csv.reader(io.StringIO(b"".join(means.streaming_content).decode())))
    assert mean_csv[0] == ["province"] + [f"level_{lv}{n}" for lv in range(1, 5) for n in ("_n", "")]
    page_means = html_table(get(client, "/overview/?by=province").content.decode(), "means-table")[1:]
    for page_row, csv_row in zip(page_means, mean_csv[1:], strict=True):
        assert [c == "–" for c in page_row[1:]] == [c == "" for c in csv_row[2::2]], csv_row[0]
    utrecht = next(r for r in mean_csv if r[0] == "Utrecht")
    assert utrecht[1:] == [""] * 8  # the firm of one: no mean, no count


@pytest.mark.django_db
def test_tables_by_other_dimensions_hide_the_same_totals_so_they_cannot_be_differenced(world):
    population(world)
    client = world.client_for(world.analist)
    totals = []
    for by in ("sbi_section", "size_class", "province", "year"):
        rows = html_table(get(client, f"/overview/?by={by}").content.decode(), "positions-table")
        counts = [[number(c) for c in r[1:]] for r in rows[1:]]
        assert_no_line_pins_a_cell(counts)
        totals.append(counts[-1])
    assert all(t == totals[0] for t in totals), totals


@pytest.mark.django_db
def test_the_mean_scores_hide_a_group_the_counts_hide(world):
    population(world)
    rows = html_table(get(world.client_for(world.analist), "/overview/?by=province").content.decode(), "means-table")
    header, body = rows[0], rows[1:]
    assert len(header) == 5  # groeimodel: four levels
    ge = next(r for r in body if r[0] == "Gelderland")
    ut = next(r for r in body if r[0] == "Utrecht")
    assert all(c != "–" for c in ge[1:])
    assert ut[1:] == ["–"] * 4


@pytest.mark.django_db
def test_the_model_chooser_shows_mkb_2011_with_three_levels(world):
    for n in range(5):
        scan_with(make_company(world.org_a, f"Oud {n}"), "mkb-2011", 1)
    submitted_scan(world.bakery, value=1)
    html = get(world.client_for(world.beheerder), "/overview/?model=mkb-2011&by=size_class").content.decode()
    assert 'value="mkb-2011" selected' in html and 'value="groeimodel"' in html
    positions = html_table(html, "positions-table")
    assert len(positions[0]) == 6  # dimension, positions 0-3, total
    small = next(r for r in positions if r[0].startswith("small"))
    assert small[1] == "5"  # the groeimodel scan of the bakery does not count here
    assert len(html_table(html, "means-table")[0]) == 4
    assert get(world.client_for(world.beheerder), "/overview/?model=nope").status_code == 404


@pytest.mark.django_db
@override_settings(MONITOR_MIN=7)
def test_k_is_a_setting(world):
    population(world)
    rows = html_table(get(world.client_for(world.analist), "/overview/").content.decode(), "positions-table")
    assert "6" not in [c for r in rows[1:] for c in r[1:]]


@pytest.mark.django_db
def test_only_analist_and_beheerder_see_the_monitor_and_only_their_own_organisation(world, client):
    population(world)
    for persona in ("analist", "beheerder"):
        c = world.client_for(getattr(world, persona))
        for url in ("/overview/", "/overview/positions.csv", "/overview/means.csv"):
            assert c.get(url).status_code == 200, (persona, url)
        assert c.get("/overview/other.csv").status_code == 404
        assert c.get("/overview/?by=name").status_code == 404
    for persona in ("alice", "ondernemer", "bob"):
        c = world.client_for(getattr(world, persona))
        for url in ("/overview/", "/overview/positions.csv", "/overview/means.csv"):
            assert c.get(url).status_code == 404, (persona, url)
    for url in ("/overview/", "/overview/positions.csv"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    analist_b = create_user(organisation=world.org_b, username="analist-b", password=PASSWORD, role="analist")
    c = world.client_for(analist_b)
    rows = html_table(get(c, "/overview/").content.decode(), "positions-table")
    assert {cell for r in rows[1:] for cell in r[1:]} == {"–"}  # none of A's firms
    export = b"".join(get(c, "/overview/positions.csv").streaming_content).decode()
    assert {cell for r in list(csv.reader(io.StringIO(export)))[1:] for cell in r[1:]} == {""}


@pytest.mark.django_db
def test_an_archived_company_no_longer_counts(world):
    companies = [make_company(world.org_a, f"Laag {n}") for n in range(5)]
    for company in companies:
        submitted_scan(company, value=1)
    analist = world.client_for(world.analist)
    rows = html_table(get(analist, "/overview/").content.decode(), "positions-table")
    assert rows[-1][-1] == "5"
    world.client_for(world.beheerder).post(f"/companies/{companies[0].pk}/archive/")
    rows = html_table(get(analist, "/overview/").content.decode(), "positions-table")
    assert rows[-1][-1] == "–"  # four firms: too few to show


@pytest.mark.django_db
def test_each_company_counts_once_with_its_latest_scan(world):
    population(world)
    top = next(c for c in world.org_a.companies.all() if c.name == "Top")
    submitted_scan(top, value=1)  # its latest wave is now at position 0
    rows = html_table(
        get(world.client_for(world.analist), "/overview/?by=size_class").content.decode(), "positions-table"
    )
    assert rows[-1][1:] == ["18", "–", "–", "–", "10", "28"]


@pytest.mark.django_db
def test_the_monitor_takes_the_same_few_queries_for_a_larger_population(world):
    population(world)
    client = world.client_for(world.analist)
    client.get("/overview/")

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        return len(captured)

    urls = ["/overview/?by=year", "/overview/?by=province&filter=sbi_section:C", "/overview/means.csv"]
    before = [queries(url) for url in urls]
    for n in range(15):
        submitted_scan(make_company(world.org_a, f"Meer {n}", province="NB"), value=2 + n % 3)
    assert [queries(url) for url in urls] == before  # GROUP BY queries: one per table, not one per firm
    assert max(before) <= 20
