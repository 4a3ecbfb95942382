"""Which submitted management scans the monitor counts: per company and model its latest (highest wave number, then
latest submitted), and its latest in each year of the waves' dates. Stored as the flags ``Response.latest`` and
``Response.latest_in_year`` so that the monitor filters on them (one indexed condition) instead of finding every
firm's latest scan with a subquery per scan; at 200,000 firms that is the difference between milliseconds and
seconds (bench/README.md). Kept current in the transaction that changes them: :func:`refresh_latest` on submit and
when a wave's date or growth figures change; :func:`backfill` sets them for a whole database (the migration, the
population). With the flags, the counted scans' rows of :class:`~groeimodel.web.scans.models.MonitorScan` (what the
monitor groups and sums) are rewritten: per company by :func:`refresh_latest`, for all by :func:`backfill`; and with
them the monitor's cells (:mod:`groeimodel.web.scans.cells`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from groeimodel.web.companies.models import Company
from groeimodel.web.scans import cells
from groeimodel.web.scans.models import MONITOR_LEVELS, MonitorScan, Respondent, Response, ScoreRow, Wave
from groeimodel.web.scans.rows import insert_rows


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _growth(wave: tuple[float | None, ...], before: tuple[float | None, ...] | None) -> dict[str, float | None]:
    """The change of the growth figures (employees FTE, revenue, export share) from the wave before, as the growth
    table counts it: FTE, per cent of the revenue before (when that was above 0), percentage points; as
    :func:`monitor_scans_sql` computes it in the database."""
    if before is None:
        return {"employees_fte_change": None, "revenue_pct_change": None, "export_share_change": None}
    (fte, revenue, export), (fte0, revenue0, export0) = wave, before

    def minus(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None else a - b

    revenue_pct = None
    if revenue0 is not None and revenue0 > 0 and revenue is not None:
        revenue_pct = (revenue - revenue0) * 100.0 / revenue0
    return {
        "employees_fte_change": minus(fte, fte0),
        "revenue_pct_change": revenue_pct,
        "export_share_change": minus(export, export0),
    }


# What scans.cells.added_by reads of a monitor row.
_ADDS = (
    "model_id", "year", "latest", "latest_in_year", "position", "previous",
    *(f"level_{lv}" for lv in range(1, MONITOR_LEVELS + 1)),
    "employees_fte_change", "revenue_pct_change", "export_share_change",
)  # fmt: skip
# A submitted scan as refresh_latest reads it: id, wave, the wave's date, position, both flags as stored.
Scan = tuple[int, int, Any, "int | None", bool, bool]


def _place(company_id: int) -> cells.Place | None:
    """The company's place in the monitor's cells, its row locked until the transaction ends (``FOR NO KEY
    UPDATE`` on PostgreSQL): a change of the company (scans.cells' signal handlers take the same lock) and another
    refresh of its scans wait for this one, so each moves the cells from what the other left."""
    companies = Company.objects.select_for_update(no_key=True) if connection.in_atomic_block else Company.objects
    found = (
        companies.filter(pk=company_id)
        .values_list("organisation_id", "sbi_section", "size_class", "province", "archived_at")
        .first()
    )
    return None if found is None else (*found[:4], found[4] is not None)


def _submitted(company_id: int, model_id: str) -> list[Scan]:
    """The company's submitted management scans of the model, oldest first (wave number, then submission)."""
    return list(
        Response.objects.filter(
            wave__company_id=company_id,
            respondent=Respondent.MANAGEMENT,
            status=Response.Status.SUBMITTED,
            model_id=model_id,
        )
        .order_by("wave__number", "submitted_at", "pk")
        .values_list("pk", "wave_id", "wave__date", "position", "latest", "latest_in_year")
    )


def refresh_monitor_scans(
    company_id: int, model_id: str, scans: list[Scan] | None = None, place: cells.Place | None = None
) -> None:
    """Rewrite the monitor's rows of one company and model from its scans (``scans``: as :func:`_submitted` reads
    them, with the flags as they are now; ``place``: the company's), waves and score rows, and move the cells by
    the difference."""
    if place is None:
        place = _place(company_id)
    if scans is None:
        scans = _submitted(company_id, model_id)
    waves = list(
        Wave.objects.filter(company_id=company_id)
        .order_by("number")
        .values_list("pk", "employees_fte", "revenue", "export_share")
    )
    figures = {pk: (_float(fte), _float(revenue), _float(export)) for pk, fte, revenue, export in waves}
    before = {wave[0]: waves[i - 1][0] if i else None for i, wave in enumerate(waves)}  # the wave before each wave
    counted = [s for s in scans if s[4] or s[5]]
    levels: dict[int, dict[int, float | None]] = {}
    if counted:
        for response_id, level, score in ScoreRow.objects.filter(
            response_id__in=[s[0] for s in counted], block=""
        ).values_list("response_id", "level", "score"):
            levels.setdefault(response_id, {})[level] = score
    rows = []
    previous: int | None = None
    for pk, wave_id, date, position, latest, latest_in_year in scans:
        if latest or latest_in_year:
            own = levels.get(pk, {})
            rows.append(
                MonitorScan(
                    response_id=pk,
                    company_id=company_id,
                    model_id=model_id,
                    year=date.year,
                    latest=latest,
                    latest_in_year=latest_in_year,
                    position=position,
                    previous=previous,
                    **{f"level_{lv}": own.get(lv) for lv in range(1, MONITOR_LEVELS + 1)},
                    wave_id=wave_id,
                    previous_wave_id=before[wave_id],
                    **_growth(figures[wave_id], figures.get(before[wave_id] or 0)),
                )
            )
        previous = position
    stored = MonitorScan.objects.filter(company_id=company_id, model_id=model_id)
    old = list(stored.values_list(*_ADDS))
    stored.delete()
    MonitorScan.objects.bulk_create(rows)
    if place is not None:  # what the old rows added to the cells off, what the new ones add on
        new = [tuple(getattr(r, f) for f in _ADDS) for r in rows]
        cells.add(cells.added_by(place, old), cells.added_by(place, new))


def refresh_latest(company_id: int, model_id: str) -> None:
    """Set the flags of one company's submitted management scans of ``model_id`` right (a handful of rows), then
    its monitor rows and the cells, in one transaction with the company's row locked (:func:`_place`)."""
    with transaction.atomic(savepoint=False):  # within the caller's transaction: no savepoint of its own
        place = _place(company_id)
        _refresh(company_id, model_id, place)


def _refresh(company_id: int, model_id: str, place: cells.Place | None) -> None:
    scans = _submitted(company_id, model_id)
    seen_years: set[int] = set()
    wanted: dict[tuple[bool, bool], list[int]] = {}
    now: list[Scan] = []
    for n, (pk, wave_id, date, position, latest, latest_in_year) in enumerate(reversed(scans)):  # newest first
        want = (n == 0, date.year not in seen_years)
        seen_years.add(date.year)
        if want != (latest, latest_in_year):
            wanted.setdefault(want, []).append(pk)
        now.append((pk, wave_id, date, position, *want))
    for (latest, latest_in_year), pks in wanted.items():
        Response.objects.filter(pk__in=pks).update(latest=latest, latest_in_year=latest_in_year)
    now.reverse()
    refresh_monitor_scans(company_id, model_id, now, place)


# Every column of a monitor row, in the order refresh_after_new_scan reads and writes them.
_ROW = (
    "response_id", "company_id", "model_id", "year", "latest", "latest_in_year", "position", "previous",
    *(f"level_{lv}" for lv in range(1, MONITOR_LEVELS + 1)),
    "wave_id", "previous_wave_id", "employees_fte_change", "revenue_pct_change", "export_share_change",
)  # fmt: skip
_ROW_ADDS = [_ROW.index(f) for f in _ADDS]


def refresh_after_new_scan(
    company_id: int,
    model_id: str,
    scan: tuple[int, int, int | None, int, int | None],
    levels: dict[int, float | None],
    place: cells.Place | None,
) -> None:
    """:func:`refresh_latest` for a scan submitted on a new wave numbered after every other wave of the company, with
    no growth figures yet (:func:`~groeimodel.web.scans.services.create_submitted_scan`, the API's submission), and
    inserted with both flags set: it is the company's latest scan of the model and its latest in its year. ``scan``:
    its id, its wave's id, the id of the company's wave before, its wave's year and its position; ``levels``: its
    level scores; ``place``: the company's place in the cells, read with its row locked in this transaction (as
    :func:`_place` reads it) before the scan was written.

    A newer scan only takes flags from the others (the company's latest loses "latest", its latest of the same year
    "latest in year"), and the scans that hold a flag are the company's monitor rows: so the rows are read instead of
    the scans, waves and score rows, and five statements fewer than :func:`refresh_latest` leave the same flags,
    rows and cells (tests/web/test_monitor_cells.py holds them to it)."""
    scan_id, wave_id, previous_wave_id, year, position = scan
    with transaction.atomic(savepoint=False):  # within the caller's transaction: no savepoint of its own
        stored = MonitorScan.objects.filter(company_id=company_id, model_id=model_id)
        old = list(stored.values_list(*_ROW))
        rows: list[tuple[Any, ...]] = []
        lose: dict[bool, list[int]] = {}  # the scans whose flags change, by whether they stay the latest of a year
        previous = None
        for row in old:
            latest, latest_in_year = row[4], row[5]
            if latest:
                previous = row[6]  # the company's scan before the new one is its latest until now
            in_year = latest_in_year and row[3] != year
            if (latest, latest_in_year) != (False, in_year):
                lose.setdefault(in_year, []).append(row[0])
            if in_year:
                rows.append((*row[:4], False, True, *row[6:]))
        for in_year, pks in lose.items():
            Response.objects.filter(pk__in=pks).update(latest=False, latest_in_year=in_year)
        rows.append(
            (
                scan_id, company_id, model_id, year, True, True, position, previous,
                *(levels.get(lv) for lv in range(1, MONITOR_LEVELS + 1)),
                wave_id, previous_wave_id, None, None, None,
            )
        )  # fmt: skip
        if old:
            stored.delete()
        insert_rows(MonitorScan, _ROW, rows)
        if place is not None:
            cells.add(
                cells.added_by(place, [[r[i] for i in _ROW_ADDS] for r in old]),
                cells.added_by(place, [[r[i] for i in _ROW_ADDS] for r in rows]),
            )


def _year(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"EXTRACT(YEAR FROM {column})"
    return f"CAST(strftime('%Y', {column}) AS INTEGER)"


def backfill_sql() -> list[str]:
    """The UPDATEs that set both flags of every submitted management scan, with the same order as
    :func:`refresh_latest`: wave number, then submission moment, then id. The ranking is materialised once
    (PostgreSQL may otherwise plan the window once per row of the updated table)."""
    year = _year("w.date")
    materialized = "MATERIALIZED " if connection.vendor == "postgresql" else ""
    ranked = f"""
        WITH ranked AS {materialized}(
            SELECT r.id,
                   ROW_NUMBER() OVER (PARTITION BY w.company_id, r.model_id
                                      ORDER BY w.number DESC, r.submitted_at DESC, r.id DESC) AS rn_all,
                   ROW_NUMBER() OVER (PARTITION BY w.company_id, r.model_id, {year}
                                      ORDER BY w.number DESC, r.submitted_at DESC, r.id DESC) AS rn_year
            FROM scans_response r JOIN scans_wave w ON w.id = r.wave_id
            WHERE r.respondent = 'management' AND r.status = 'submitted'
        )
    """
    return [
        "UPDATE scans_response SET latest = FALSE, latest_in_year = FALSE WHERE latest OR latest_in_year",
        f"{ranked} UPDATE scans_response SET latest = TRUE WHERE id IN (SELECT id FROM ranked WHERE rn_all = 1)",
        f"{ranked} UPDATE scans_response SET latest_in_year = TRUE"
        " WHERE id IN (SELECT id FROM ranked WHERE rn_year = 1)",
    ]


def monitor_scans_sql(vendor: str) -> list[str]:
    """The statements that rebuild every row of the monitor's table from the flags, as
    :func:`refresh_monitor_scans` does per company (the previous position by wave number, the growth figures'
    wave before, the level scores from the level score rows)."""
    year = "EXTRACT(YEAR FROM w.date)" if vendor == "postgresql" else "CAST(strftime('%Y', w.date) AS INTEGER)"
    levels = ", ".join(
        f"(SELECT sr.score FROM scans_scorerow sr WHERE sr.response_id = s.id AND sr.block = '' AND sr.level = {lv})"
        for lv in range(1, 5)
    )

    def real(column: str) -> str:
        return f"CAST({column} AS DOUBLE PRECISION)"

    growth = (
        f"{real('w.employees_fte')} - {real('pw.employees_fte')},"
        f" CASE WHEN pw.revenue > 0 THEN ({real('w.revenue')} - {real('pw.revenue')}) * 100.0 / {real('pw.revenue')}"
        " END,"
        f" {real('w.export_share')} - {real('pw.export_share')}"
    )
    return [
        "DELETE FROM scans_monitorscan",
        f"""
        INSERT INTO scans_monitorscan (response_id, company_id, model_id, year, latest, latest_in_year, position,
                                       previous, level_1, level_2, level_3, level_4, wave_id, previous_wave_id,
                                       employees_fte_change, revenue_pct_change, export_share_change)
        SELECT s.id, s.company_id, s.model_id, s.year, s.latest, s.latest_in_year, s.position, s.previous, {levels},
               s.wave_id, s.previous_wave_id, {growth}
        FROM (
            SELECT r.id, w.company_id, r.model_id, {year} AS year, r.latest, r.latest_in_year, r.position,
                   LAG(r.position) OVER (PARTITION BY w.company_id, r.model_id
                                         ORDER BY w.number, r.submitted_at, r.id) AS previous,
                   w.id AS wave_id, pw.previous_wave_id
            FROM scans_response r
            JOIN scans_wave w ON w.id = r.wave_id
            JOIN (SELECT id, LAG(id) OVER (PARTITION BY company_id ORDER BY number) AS previous_wave_id
                  FROM scans_wave) pw ON pw.id = w.id
            WHERE r.respondent = 'management' AND r.status = 'submitted'
        ) s
        JOIN scans_wave w ON w.id = s.wave_id
        LEFT JOIN scans_wave pw ON pw.id = s.previous_wave_id
        WHERE s.latest OR s.latest_in_year
        """,
    ]


def backfill() -> None:
    """Set the flags and rebuild the monitor's tables (its scans and its cells) for the whole database."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # submits meanwhile wait, instead of meeting half-rebuilt tables
            cursor.execute("LOCK TABLE scans_monitorscan, scans_monitorcell IN EXCLUSIVE MODE")
        for sql in backfill_sql() + monitor_scans_sql(connection.vendor) + cells.rebuild_sql():
            cursor.execute(sql)
