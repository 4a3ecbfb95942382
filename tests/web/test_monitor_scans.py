"""The monitor's summary rows (scans.MonitorScan): the SQL rebuild (migration, population, backfill) and the
per-company refresh (submit, a wave's date) write the same rows, and a change of a wave reaches them."""

from __future__ import annotations

import datetime

import pytest

from groeimodel.web.population import load_population
from groeimodel.web.scans.latest import backfill, refresh_latest
from groeimodel.web.scans.models import MonitorScan, Response
from groeimodel.web.scans.services import record_growth

from .conftest import make_company, submitted_scan

pytestmark = pytest.mark.django_db

FIELDS = ("response_id", "company_id", "model_id", "year", "latest", "latest_in_year", "position", "previous",
          "level_1", "level_2", "level_3", "level_4", "wave_id", "previous_wave_id", "employees_fte_change",
          "revenue_pct_change", "export_share_change")  # fmt: skip


def rows() -> set[tuple[object, ...]]:
    return set(MonitorScan.objects.values_list(*FIELDS))


def test_the_rebuild_in_sql_and_the_refresh_per_company_write_the_same_rows():
    summary = load_population(companies=60, seed=3)
    from_loader = rows()
    assert len({r[1] for r in from_loader if r[4]}) == 60  # one latest row per firm
    assert any(r[7] is not None for r in from_loader) and any(r[5] and not r[4] for r in from_loader)
    assert any(r[14] is not None for r in from_loader) and any(r[15] is not None for r in from_loader)
    MonitorScan.objects.all().delete()
    backfill()
    assert rows() == from_loader
    MonitorScan.objects.all().delete()
    for company in summary.organisation.companies.all():
        refresh_latest(company.pk, "groeimodel")
    assert rows() == from_loader


def test_a_new_scan_and_a_changed_wave_date_reach_the_monitor_rows(world):
    company = make_company(world.org_a, "Rows")
    t0 = submitted_scan(company, 2)
    assert list(MonitorScan.objects.filter(company=company).values_list("response_id", "latest", "previous")) == [
        (t0.pk, True, None)
    ]
    t1 = submitted_scan(company, 4)
    got = dict(MonitorScan.objects.filter(company=company).values_list("response_id", "latest"))
    assert got == {t1.pk: True}  # same year: T0 no longer counts
    record_growth(user=world.beheerder, wave=t0.wave, data={"date": datetime.date(2020, 5, 1)}, indicators={})
    by_scan = {r.response_id: r for r in MonitorScan.objects.filter(company=company)}
    assert set(by_scan) == {t0.pk, t1.pk}
    assert by_scan[t0.pk].year == 2020 and by_scan[t0.pk].latest_in_year and not by_scan[t0.pk].latest
    assert by_scan[t1.pk].previous == Response.objects.get(pk=t0.pk).position
    assert by_scan[t1.pk].previous_wave_id == t0.wave_id and by_scan[t1.pk].level_1 == 75.0
