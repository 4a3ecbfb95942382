"""The monitor's filters, its further tables and the public national monitor; and a differencing attack over
every page and CSV export a reader can request."""

from __future__ import annotations

import csv
import datetime
import io
import itertools
from typing import Any

import numpy as np
import pytest
from django.test import override_settings
from scipy.optimize import linprog

from groeimodel.monitor.tables import CountTable, protect_counts
from groeimodel.web.accounts.services import create_user
from groeimodel.web.monitor import queries, views
from groeimodel.web.scans.latest import refresh_latest
from groeimodel.web.scans.models import Wave

from .conftest import PASSWORD, make_company, submitted_scan
from .test_monitor_page import get, html_table, number

TABLES = ("positions", "means", "positions-by-year", "means-by-year", "movement", "growth")


def small_world(world: Any) -> None:
    """With k = 3: sector C in Gelderland 4 firms at position 0 and 1 at position 4; C in Noord-Brabant 3 and 3;
    G in Gelderland 4 and 4; G in Noord-Brabant 3 and 3 (uniform answers give positions 0 and 4 only)."""
    for sector, province, low, high in (("C", "GE", 4, 1), ("C", "NB", 3, 3), ("G", "GE", 4, 4), ("G", "NB", 3, 3)):
        for n in range(low):
            submitted_scan(
                make_company(world.org_a, f"L{sector}{province}{n}", sbi_section=sector, province=province), 1
            )
        for n in range(high):
            submitted_scan(
                make_company(world.org_a, f"H{sector}{province}{n}", sbi_section=sector, province=province), 5
            )


def csv_rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def page_counts(client: Any, query: str) -> list[list[int | None]]:
    """The positions table of a page as numbers (last row and column: the totals), also checked against the CSV."""
    page = get(client, f"/overview/?{query}")
    assert page.status_code == 200
    rows = [[number(c) for c in r[1:]] for r in html_table(page.content.decode(), "positions-table")[1:]]
    exported = [[number(c) for c in r[1:]] for r in csv_rows(get(client, f"/overview/positions.csv?{query}"))[1:]]
    assert exported == rows
    return rows


SECTORS, PROVINCES, POSITIONS = ("C", "G"), ("GE", "NB"), (0, 4)


def attack_pages(client: Any, truth: dict[tuple[str, str, int], int]) -> list[tuple[int, float, float]]:
    """Fetch every table of firms per position by sector and by province, unfiltered and filtered on each sector
    and province with firms, from the pages and the CSV exports; then solve, with linear programming, for the
    lowest and highest possible value of every hidden figure. The unknowns: firms per sector x province x position
    (the attacker even knows that there are no other sectors, provinces or positions)."""
    from groeimodel.monitor.codebook import PROVINCES as ALL_PROVINCES
    from groeimodel.monitor.codebook import SBI_SECTIONS as ALL_SECTIONS

    cells = list(itertools.product(SECTORS, PROVINCES, POSITIONS))
    index = {c: i for i, c in enumerate(cells)}
    equations: list[tuple[np.ndarray, float]] = []
    hidden: list[np.ndarray] = []
    queries_ = [("sbi_section", None), ("province", None)]
    queries_ += [("sbi_section", f"province:{p}") for p in PROVINCES]
    queries_ += [("province", f"sbi_section:{s}") for s in SECTORS]
    for by, where in queries_:
        rows = page_counts(client, f"by={by}" + (f"&filter={where}" if where else ""))
        keys = list(ALL_SECTIONS) if by == "sbi_section" else list(ALL_PROVINCES)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                mask = np.zeros(len(cells))
                for cell, i in index.items():
                    sector, province, position = cell
                    key = sector if by == "sbi_section" else province
                    in_row = r == len(keys) or keys[r] == key
                    in_column = c == 5 or c == position
                    in_filter = where is None or where.split(":")[1] in (sector, province)
                    if in_row and in_column and in_filter:
                        mask[i] = 1.0
                if not mask.any():
                    continue
                true = sum(truth.get(cell, 0) for cell, i in index.items() if mask[i])
                if value is not None:
                    assert value == true
                    equations.append((mask, float(value)))
                elif true > 0:
                    hidden.append(mask)
    a_eq = np.array([m for m, _ in equations])
    b_eq = np.array([v for _, v in equations])
    out = []
    for mask in hidden:
        low = linprog(mask, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-mask, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        true = int(sum(truth.get(cell, 0) for cell, i in index.items() if mask[i]))
        out.append((true, float(low.fun), np.inf if high.status == 3 else float(-high.fun)))
    return out


TRUTH = {
    ("C", "GE", 0): 4,
    ("C", "GE", 4): 1,
    ("C", "NB", 0): 3,
    ("C", "NB", 4): 3,
    ("G", "GE", 0): 4,
    ("G", "GE", 4): 4,
    ("G", "NB", 0): 3,
    ("G", "NB", 4): 3,
}


@pytest.mark.django_db
@override_settings(MONITOR_MIN=3)
def test_differencing_every_page_and_export_with_and_without_filters_recovers_no_hidden_firm(world):
    small_world(world)
    results = attack_pages(world.client_for(world.analist), TRUTH)
    assert any(true == 1 for true, _, _ in results)  # the firm of one is hidden somewhere
    for true, low, high in results:
        if true < 3:
            assert high - low > 0.5, (true, low, high)


@pytest.mark.django_db
@override_settings(MONITOR_MIN=3)
def test_the_same_attack_recovers_the_firm_of_one_when_each_filtered_table_is_protected_on_its_own(world, monkeypatch):
    """The attack test above is not toothless: with a naive protection it finds the hidden firm."""

    class Naive:
        def __init__(self, *args: Any) -> None:
            self.args = args

        def by(self, dimension: str, *, where: Any = None) -> CountTable:
            x_dim, x_rows, y_dim, y_rows, columns, counts, k = self.args
            counts = np.asarray(counts)
            if dimension == y_dim:
                plane = counts.sum(axis=0) if where is None else counts[x_rows.index(where)]
                return protect_counts(y_dim, y_rows, columns, plane, k)
            plane = counts.sum(axis=1) if where is None else counts[:, y_rows.index(where)]
            return protect_counts(x_dim, x_rows, columns, plane, k)

    monkeypatch.setattr(queries, "protect_cube", Naive)
    unfiltered_means = queries.mean_table
    monkeypatch.setattr(views, "mean_table", lambda cells, by, k, where=None: unfiltered_means(cells, by, k))
    small_world(world)
    results = attack_pages(world.client_for(world.analist), TRUTH)
    assert any(true == 1 and high - low < 0.5 for true, low, high in results)


@pytest.mark.django_db
@override_settings(MONITOR_MIN=3)
def test_a_filter_shows_only_the_firms_with_that_value(world):
    small_world(world)
    client = world.client_for(world.analist)
    page = get(client, "/overview/?by=province&filter=sbi_section:G").content.decode()
    rows = {r[0]: r[1:] for r in html_table(page, "positions-table")[1:]}
    # G has 4 and 4 firms in Gelderland, but C's firm of one at position 4 there hides G's 4 beside it (the
    # filtered tables of C and G add up to the unfiltered one by province) and so the whole line.
    assert rows["Gelderland"] == ["–"] * 5 + ["8"]
    assert rows["North Brabant"][-1] == "6" and rows["Utrecht"] == ["–"] * 6
    assert rows["Total"][-1] == "14"
    assert 'value="sbi_section:G" selected' in page
    link = "/overview/positions.csv?model=groeimodel&amp;by=province&amp;filter=sbi_section%3AG"
    assert link in page
    export = get(client, "/overview/positions.csv?by=province&filter=sbi_section:G")
    assert "sbi_section-G" in export["Content-Disposition"]
    assert csv_rows(export)[-1][-1] == "14"


@pytest.mark.django_db
def test_a_bad_filter_is_refused(world):
    client = world.client_for(world.analist)
    assert get(client, "/overview/?filter=sbi_section:Z").status_code == 404
    assert get(client, "/overview/?filter=colour:red").status_code == 404
    assert get(client, "/overview/?filter=year:1999").status_code == 404
    same = get(client, "/overview/?by=province&filter=province:UT")
    assert same.status_code == 200
    assert "Choose a filter on another dimension than the one the tables are by." in same.content.decode()
    assert 'aria-invalid="true"' in same.content.decode()
    assert get(client, "/overview/positions.csv?by=province&filter=province:UT").status_code == 404


def two_waves(world: Any) -> None:
    """Six firms in sector C: a T0 in 2025 at position 0 with 10 FTE, a T1 in 2026 at position 4 with 14 FTE (up);
    six in sector G at position 4 twice, 20 FTE then 21 (the same)."""
    for sector, first, second, fte in (("C", 1, 5, (10, 14)), ("G", 5, 5, (20, 21))):
        for n in range(6):
            company = make_company(world.org_a, f"{sector}{n}", sbi_section=sector)
            t0 = submitted_scan(company, first)
            Wave.objects.filter(pk=t0.wave_id).update(date=datetime.date(2025, 3, 1), employees_fte=fte[0])
            t1 = submitted_scan(company, second)
            Wave.objects.filter(pk=t1.wave_id).update(date=datetime.date(2026, 3, 1), employees_fte=fte[1])
            refresh_latest(company.pk, "groeimodel")  # as record_growth does after the figures change


@pytest.mark.django_db
def test_the_course_over_the_years_movement_and_growth_tables_and_their_exports(world):
    two_waves(world)
    client = world.client_for(world.beheerder)
    html = get(client, "/overview/?by=sbi_section").content.decode()
    years = {r[0]: r[1:] for r in html_table(html, "positions-by-year-table")[1:]}
    assert years["2025"] == ["6", "–", "–", "–", "6", "12"] and years["2026"] == ["–", "–", "–", "–", "12", "12"]
    moved = {r[0][:1]: r[1:] for r in html_table(html, "movement-table")[1:]}
    assert moved["C"] == ["6", "–", "–", "6"] and moved["G"] == ["–", "6", "–", "6"]
    growth = {r[0][:1]: r[1:] for r in html_table(html, "growth-table")[1:]}
    assert growth["4"][0] == "2.5"  # (6 x 4 + 6 x 1) / 12 FTE more
    assert growth["0"] == ["–", "–", "–"]
    means_by_year = html_table(html, "means-by-year-table")
    assert [r[0] for r in means_by_year[1:]] == ["2025", "2026", "All companies"]
    assert html.count('class="lines"') == 2  # the course over the years as lines
    for table in TABLES:
        rows = csv_rows(get(client, f"/overview/{table}.csv?by=sbi_section"))
        assert len(rows) > 2, table
    movement_csv = csv_rows(get(client, "/overview/movement.csv?by=sbi_section"))
    assert movement_csv[0] == ["sbi_section", "up", "same", "down", "Total"]
    growth_csv = csv_rows(get(client, "/overview/growth.csv"))
    assert growth_csv[0][:3] == ["position", "employees_fte_n", "employees_fte"]
    assert growth_csv[5][1:3] == ["12", "2.5"]
    filtered = get(client, "/overview/?by=size_class&filter=year:2025").content.decode()
    assert html_table(filtered, "positions-table")[-1][-1] == "12"


@pytest.mark.django_db
def test_only_the_beheerder_and_the_analist_get_the_new_tables_and_never_another_organisations_firms(world):
    two_waves(world)
    for n in range(6):
        submitted_scan(make_company(world.org_b, f"B{n}", sbi_section="C"), 5)
    for persona in ("alice", "ondernemer", "bob"):
        c = world.client_for(getattr(world, persona))
        assert c.get("/overview/?filter=sbi_section:C").status_code == 404
        for table in TABLES:
            assert c.get(f"/overview/{table}.csv").status_code == 404, (persona, table)
    analist = world.client_for(world.analist)
    html = get(analist, "/overview/?by=province&filter=sbi_section:C").content.decode()
    assert html_table(html, "positions-table")[-1][-1] == "6"  # A's six, not B's
    analist_b = create_user(organisation=world.org_b, username="analist-b", password=PASSWORD, role="analist")
    html_b = get(world.client_for(analist_b), "/overview/?by=province&filter=sbi_section:C").content.decode()
    assert html_table(html_b, "positions-table")[-1][-1] == "6"  # B's six
    assert html_table(html_b, "movement-table")[-1][-1] == "–"  # none of A's two-wave firms


@pytest.mark.django_db
def test_the_public_monitor_is_off_by_default(world, client):
    assert client.get("/monitor/").status_code == 404
    assert client.get("/monitor/positions.csv").status_code == 404


@pytest.mark.django_db
@override_settings(PUBLIC_MONITOR=True)
def test_the_public_monitor_shows_every_organisations_firms_without_login_with_the_same_suppression(world, client):
    two_waves(world)
    for n in range(6):
        submitted_scan(make_company(world.org_b, f"B{n}", sbi_section="C"), 5)
    world.garage.archived_at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    world.garage.save()
    submitted_scan(make_company(world.org_b, "Eenling", sbi_section="Q"), 5)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/monitor/?by=sbi_section")
    assert page.status_code == 200
    html = page.content.decode()
    assert "National monitor" in html
    rows = {r[0][:1]: r[1:] for r in html_table(html, "positions-table")[1:]}
    assert rows["C"][-1] == "12"  # both organisations' six
    assert rows["Q"] == ["–"] * 6  # the firm of one, and G's six beside it at position 4 with it
    assert rows["G"] == ["–"] * 6
    assert "/monitor/positions.csv?model=groeimodel&amp;by=sbi_section" in html
    assert csv_rows(client.get("/monitor/positions.csv?by=sbi_section"))[-1][-1] == rows["T"][-1]
    assert client.get("/monitor/other.csv").status_code == 404
