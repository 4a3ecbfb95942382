"""Which submitted management scans the monitor counts: per company and model its latest (highest wave number, then
latest submitted), and its latest in each year of the waves' dates. Stored as the flags ``Response.latest`` and
``Response.latest_in_year`` so that the monitor filters on them (one indexed condition) instead of finding every
firm's latest scan with a subquery per scan; at 200,000 firms that is the difference between milliseconds and
seconds (bench/README.md). Kept current in the transaction that changes them: :func:`refresh_latest` on submit and
when a wave's date changes; :func:`backfill` sets them for a whole database (the migration, the population).
"""

from __future__ import annotations

from django.db import connection

from groeimodel.web.scans.models import Respondent, Response


def refresh_latest(company_id: int, model_id: str) -> None:
    """Set the flags of one company's submitted management scans of ``model_id`` right (a handful of rows)."""
    scans = (
        Response.objects.filter(
            wave__company_id=company_id,
            respondent=Respondent.MANAGEMENT,
            status=Response.Status.SUBMITTED,
            model_id=model_id,
        )
        .order_by("-wave__number", "-submitted_at", "-pk")
        .values_list("pk", "wave__date", "latest", "latest_in_year")
    )
    seen_years: set[int] = set()
    for n, (pk, date, latest, latest_in_year) in enumerate(scans):
        want = (n == 0, date.year not in seen_years)
        seen_years.add(date.year)
        if want != (latest, latest_in_year):
            Response.objects.filter(pk=pk).update(latest=want[0], latest_in_year=want[1])


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


def backfill() -> None:
    with connection.cursor() as cursor:
        for sql in backfill_sql():
            cursor.execute(sql)
