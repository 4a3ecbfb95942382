"""The monitor's cells (scans.MonitorCell) are kept current by difference on every change that moves a company's
counted scans: a submit, a wave's date or figures, the company's sector, size class, province, archiving, its
deletion. After each such change the kept cells equal a rebuild from scratch, and the page shows the change."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from groeimodel.web.companies.services import archive_company, delete_company, restore_company
from groeimodel.web.population import load_population
from groeimodel.web.scans import cells
from groeimodel.web.scans.models import MonitorCell
from groeimodel.web.scans.services import record_growth

from .conftest import make_company, submitted_scan
from .test_monitor_page import get, html_table

pytestmark = pytest.mark.django_db


def kept() -> dict[tuple[Any, ...], tuple[float, ...]]:
    """The stored cells that hold anything, their sums rounded (taking off and adding again is float arithmetic)."""
    return {
        tuple(row[: len(cells.KEY)]): tuple(round(v, 6) for v in row[len(cells.KEY) :])
        for row in MonitorCell.objects.values_list(*cells.COLUMNS)
        if any(row[len(cells.KEY) :])
    }


def assert_as_rebuilt() -> dict[tuple[Any, ...], tuple[float, ...]]:
    before = kept()
    cells.rebuild()
    assert kept() == before
    return before


def firms(organisation_id: int, **where: Any) -> int:
    return sum(
        MonitorCell.objects.filter(organisation_id=organisation_id, year=0, **where).values_list("firms", flat=True)
    )


def test_every_change_of_a_companys_counted_scans_keeps_the_cells_as_a_rebuild_would(world):
    org = world.org_a.pk
    a = make_company(world.org_a, "Cel A", sbi_section="C", province="GE", employees=12)
    b = make_company(world.org_a, "Cel B", sbi_section="C", province="GE", employees=12)
    other = make_company(world.org_b, "Cel B-org", sbi_section="C", province="GE", employees=12)
    t0 = submitted_scan(a, 2)
    assert_as_rebuilt()
    assert firms(org, sbi_section="C") == 1
    submitted_scan(b, 4)
    submitted_scan(other, 4)
    assert_as_rebuilt()
    assert firms(org, sbi_section="C") == 2 and firms(world.org_b.pk) == 1
    record_growth(
        user=world.beheerder,
        wave=t0.wave,
        data={"date": datetime.date(2024, 5, 1), "employees_fte": Decimal("10.0"), "revenue": Decimal("1000")},
        indicators={},
    )
    t1 = submitted_scan(a, 5)  # a second wave: a move up the ladder, and growth from the wave before
    record_growth(
        user=world.beheerder,
        wave=t1.wave,
        data={"employees_fte": Decimal("12.5"), "revenue": Decimal("1100")},
        indicators={},
    )
    assert_as_rebuilt()
    cell = {"organisation_id": org, "year": 0, "position": t1.position, "sbi_section": "C"}
    latest = MonitorCell.objects.get(**cell)
    assert (latest.up, latest.employees_fte_n, latest.employees_fte_sum) == (1, 1, 2.5)
    assert latest.revenue_pct_sum == pytest.approx(10.0)
    assert MonitorCell.objects.filter(organisation_id=org, year=2024).exists()  # T0 counts in its own year
    record_growth(user=world.beheerder, wave=t1.wave, data={"employees_fte": Decimal("9.0")}, indicators={})
    assert_as_rebuilt()
    assert MonitorCell.objects.get(**cell).employees_fte_sum == -1.0

    a.sbi_section, a.province, a.employees = "G", "UT", 60  # another sector, province and size class
    a.save()
    assert_as_rebuilt()
    assert firms(org, sbi_section="C") == 1 and firms(org, sbi_section="G", province="UT", size_class="medium") == 1
    a.name = "Cel A, hernoemd"  # a change that does not move its scans
    a.save()
    assert_as_rebuilt()
    archive_company(user=world.beheerder, company=b)
    assert_as_rebuilt()
    assert firms(org, sbi_section="C") == 0
    restore_company(user=world.beheerder, company=b)
    assert_as_rebuilt()
    assert firms(org, sbi_section="C") == 1
    archive_company(user=world.beheerder, company=a)
    delete_company(user=world.beheerder, company=a)
    assert_as_rebuilt()
    archive_company(user=world.beheerder, company=b)
    delete_company(user=world.beheerder, company=b)
    assert_as_rebuilt()
    assert firms(org) == 0 and firms(world.org_b.pk) == 1
    other.delete()  # a company deleted while it counts (the Django admin, an organisation's deletion)
    assert_as_rebuilt()
    assert firms(world.org_b.pk) == 0


def test_the_page_follows_a_company_that_changes_sector(world, settings):
    settings.MONITOR_MIN = 1
    company = make_company(world.org_a, "Verhuizer", sbi_section="C")
    submitted_scan(company, 3)
    client = world.client_for(world.analist)

    def total(sector: str) -> str:
        rows = {r[0][:1]: r[1:] for r in html_table(get(client, "/overview/?by=sbi_section").content.decode(),
                                                      "positions-table")[1:]}  # fmt: skip
        return rows[sector][-1]

    assert (total("C"), total("G")) == ("1", "–")
    company.sbi_section = "G"
    company.save()
    assert (total("C"), total("G")) == ("–", "1")


def test_the_population_and_the_backfill_write_the_cells_of_a_rebuild():
    load_population(companies=80, seed=5)
    loaded = assert_as_rebuilt()
    assert sum(v[0] for k, v in loaded.items() if k[2] == 0) == 80  # every firm once among the latest scans
    MonitorCell.objects.all().delete()
    from groeimodel.web.scans.latest import backfill

    backfill()
    assert kept() == loaded


def test_monitor_rebuild_repairs_cells_written_around_the_app(world):
    from typer.testing import CliRunner

    from groeimodel.cli import app

    for n in range(3):
        submitted_scan(make_company(world.org_a, f"Herstel {n}"), 2 + n)
    good = kept()
    MonitorCell.objects.update(firms=99)  # written straight to the database, past the app
    assert kept() != good
    result = CliRunner().invoke(app, ["monitor-rebuild"])
    assert result.exit_code == 0, result.output
    assert kept() == good and "3 counted scans" in result.output


def move_while(hold: Callable[[threading.Event, threading.Event], None], company: Any, sector: str) -> None:
    """Run ``hold(inside, release)`` in a thread until it sets ``inside`` (it then waits for ``release``), move
    ``company`` to ``sector`` in a second thread meanwhile, let the first one go on half a second later, and
    assert that neither failed."""
    from django.db import connection, transaction

    inside, release, errors = threading.Event(), threading.Event(), []

    def first() -> None:
        try:
            hold(inside, release)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            inside.set()
            connection.close()

    def move() -> None:
        try:
            moved = type(company).objects.get(pk=company.pk)
            moved.sbi_section = sector
            with transaction.atomic():
                moved.save()
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    holding = threading.Thread(target=first)
    holding.start()
    assert inside.wait(30)
    moving = threading.Thread(target=move)
    moving.start()
    moving.join(0.5)  # it waits for the first
    release.set()
    holding.join(30)
    moving.join(30)
    assert not errors


@pytest.mark.django_db(transaction=True)
def test_a_company_moved_while_its_scan_is_being_submitted_leaves_the_cells_as_a_rebuild_would(world):
    """The submit's refresh holds the company's row until it commits; the move waits for it and then moves what the
    submit wrote (without that lock the move takes the scans before the submit off and the cells drift)."""
    from django.db import transaction

    company = make_company(world.org_a, "Verhuizer", sbi_section="C", province="GE")
    submitted_scan(company, 2)

    def submit(inside: threading.Event, release: threading.Event) -> None:
        with transaction.atomic():
            submitted_scan(company, 5)
            inside.set()
            release.wait(10)

    move_while(submit, company, "G")
    assert_as_rebuilt()
    assert firms(world.org_a.pk, sbi_section="G") == 1 and firms(world.org_a.pk, sbi_section="C") == 0


@pytest.mark.django_db(transaction=True)
def test_a_company_moved_while_an_import_submits_its_scans_waits_for_the_import_without_a_deadlock(world, monkeypatch):
    """The import locks every company's row before its first submit: a company moved in the meantime waits for the
    whole import. Without that, the move took the company's row while the import held the cells it needs (both
    companies in one cell), and the import then waited for that row: PostgreSQL broke the deadlock with an error."""
    from groeimodel.web.imports import scans as scan_import

    from .test_imports import wave_csv

    first = make_company(world.org_a, "Importeur A", sbi_section="C", province="GE", kvk_number="11110001")
    second = make_company(world.org_a, "Importeur B", sbi_section="C", province="GE", kvk_number="11110002")
    for company in (first, second):
        submitted_scan(company, 2)  # both in one cell, which the import's first submit locks
    reports = []
    submit = scan_import.submit_scan

    def run_import(inside: threading.Event, release: threading.Event) -> None:
        def submit_then_pause(**kwargs: Any) -> Any:
            result = submit(**kwargs)
            if not inside.is_set():
                inside.set()
                release.wait(10)
            return result

        monkeypatch.setattr(scan_import, "submit_scan", submit_then_pause)
        data = wave_csv([("11110001", 4), ("11110002", 4)])
        reports.append(scan_import.import_scans(user=world.beheerder, company=None, file_name="a.csv", data=data))

    move_while(run_import, second, "G")
    assert len(reports[0].created) == 2, reports[0].errors
    assert_as_rebuilt()
    assert firms(world.org_a.pk, sbi_section="G") == 1 and firms(world.org_a.pk, sbi_section="C") == 1
