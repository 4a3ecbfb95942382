"""The monitor's figures, counted and summed in SQL and then protected by :mod:`groeimodel.monitor`.

Each company counts once per cell: its latest submitted management scan of the chosen model (highest wave number),
or, by year, its latest such scan in each year (the year of the wave's date). Which scans those are is stored with
them (``Response.latest``, ``Response.latest_in_year``, kept current by :mod:`groeimodel.web.scans.latest`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import ExtractYear

from groeimodel.model import load_model
from groeimodel.monitor import CountTable, Dimension, MeanTable, measure_key, protect_counts, protect_means
from groeimodel.monitor.codebook import PROVINCES, SBI_SECTIONS, SIZE_CLASSES
from groeimodel.web.companies.models import Company
from groeimodel.web.scans.models import Respondent, Response, ScoreRow

MONITOR_DIMENSIONS: tuple[Dimension, ...] = ("sbi_section", "size_class", "province", "year")
_FIELD = {
    "sbi_section": "wave__company__sbi_section",
    "size_class": "wave__company__size_class",
    "province": "wave__company__province",
    "year": "year",
}


@dataclass(frozen=True)
class MonitorTables:
    model_id: str
    n_levels: int
    dimension: Dimension
    positions: CountTable
    means: MeanTable


def counted_scans(companies: QuerySet[Company], model_id: str, dimension: Dimension) -> QuerySet[Response]:
    """The scans that count: one per company, or by year one per company and year (the flags kept by
    :mod:`groeimodel.web.scans.latest`)."""
    flag = {"latest_in_year": True} if dimension == "year" else {"latest": True}
    return Response.objects.filter(
        respondent=Respondent.MANAGEMENT,
        status=Response.Status.SUBMITTED,
        model_id=model_id,
        wave__company__in=companies,
        **flag,
    ).annotate(year=ExtractYear("wave__date"))


def _rows(dimension: Dimension, years: Iterable[int]) -> tuple[str | int, ...]:
    if dimension == "sbi_section":
        return tuple(SBI_SECTIONS)
    if dimension == "size_class":
        return tuple(SIZE_CLASSES)
    if dimension == "province":
        return tuple(PROVINCES)
    found = sorted(set(years))
    return tuple(range(found[0], found[-1] + 1)) if found else ()


def monitor_tables(companies: QuerySet[Company], model_id: str, dimension: Dimension, k: int) -> MonitorTables:
    """The distribution over ladder positions and the mean level scores by ``dimension`` (two GROUP BY queries)."""
    n_levels = len(load_model(model_id).levels)
    scans = counted_scans(companies, model_id, dimension)
    group = _FIELD[dimension]
    counted = list(scans.annotate(key=F(group)).values("key", "position").annotate(firms=Count("pk")).order_by())
    score_rows = ScoreRow.objects.filter(response__in=scans.values("pk"), block="").annotate(
        key=F(group.removeprefix("wave__")) if dimension != "year" else ExtractYear("wave__date")
    )
    summed = list(score_rows.values("key", "level").annotate(firms=Count("score"), total=Sum("score")).order_by())
    rows = _rows(dimension, [r["key"] for r in counted])
    row_of = {r: i for i, r in enumerate(rows)}
    positions = tuple(range(n_levels + 1))
    counts = np.zeros((len(rows), len(positions)), dtype=np.int64)
    for r in counted:
        if r["key"] in row_of and r["position"] is not None and 0 <= r["position"] <= n_levels:
            counts[row_of[r["key"]], r["position"]] += r["firms"]
    position_table = protect_counts(dimension, rows, positions, counts, k)
    levels = tuple(measure_key((lv, "")) for lv in range(1, n_levels + 1))
    firms = np.zeros((len(rows), n_levels), dtype=np.int64)
    sums = np.zeros((len(rows), n_levels), dtype=np.float64)
    for s in summed:
        level = int(s["level"])
        if s["key"] in row_of and 1 <= level <= n_levels:
            firms[row_of[s["key"]], level - 1] += s["firms"]
            sums[row_of[s["key"]], level - 1] += s["total"] or 0.0
    means = protect_means(
        dimension,
        rows,
        levels,
        firms,
        sums,
        hidden_groups=[t is None for t in position_table.row_totals],
        k=k,
    )
    return MonitorTables(model_id, n_levels, dimension, position_table, means)
