"""The monitor's figures, counted and summed in SQL and then protected by :mod:`groeimodel.monitor`.

Each company counts once per cell: its latest submitted management scan of the chosen model (highest wave number),
or, by year, its latest such scan in each year (the year of the wave's date). With a filter (one value of another
dimension) the figures are counted by both dimensions at once (``GROUP BY`` filter, dimension, column) and
protected as one cube (:mod:`groeimodel.monitor.cube`), whose faces are the unfiltered tables. Which scans count
is stored with them (``Response.latest``, ``Response.latest_in_year``, kept current by
:mod:`groeimodel.web.scans.latest`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, ExtractYear

from groeimodel.model import load_model
from groeimodel.monitor import CountTable, Dimension, MeanTable, measure_key, protect_counts, protect_means
from groeimodel.monitor.codebook import MOVEMENTS, PROVINCES, SBI_SECTIONS, SIZE_CLASSES
from groeimodel.monitor.cube import CountCube, protect_cube, protect_mean_cube
from groeimodel.monitor.suppression import hidden_in_line
from groeimodel.monitor.tables import Key
from groeimodel.web.companies.models import Company
from groeimodel.web.scans.models import Respondent, Response, ScoreRow, Wave

MONITOR_DIMENSIONS: tuple[Dimension, ...] = ("sbi_section", "size_class", "province", "year")
_FIELD = {
    "sbi_section": "wave__company__sbi_section",
    "size_class": "wave__company__size_class",
    "province": "wave__company__province",
    "year": "year",
}
# Growth indicators of the monitor: the change from the wave before to the firm's latest wave.
GROWTH_INDICATORS: tuple[str, ...] = ("employees_fte", "revenue_pct", "export_share")


@dataclass(frozen=True)
class Filter:
    """One value of one dimension: the firms the filtered tables describe."""

    dimension: Dimension
    value: Key


@dataclass(frozen=True)
class MonitorTables:
    model_id: str
    n_levels: int
    dimension: Dimension
    positions: CountTable
    means: MeanTable


def _submitted(model_id: str) -> QuerySet[Response]:
    return Response.objects.filter(
        respondent=Respondent.MANAGEMENT, status=Response.Status.SUBMITTED, model_id=model_id
    )


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


def _rows(dimension: Dimension, years: Iterable[Any]) -> tuple[Key, ...]:
    if dimension == "sbi_section":
        return tuple(SBI_SECTIONS)
    if dimension == "size_class":
        return tuple(SIZE_CLASSES)
    if dimension == "province":
        return tuple(PROVINCES)
    found = sorted({int(y) for y in years if y is not None})
    return tuple(range(found[0], found[-1] + 1)) if found else ()


def scan_years(companies: QuerySet[Company], model_id: str) -> tuple[int, ...]:
    """Every year from the first to the last year of a counted scan (the rows of the tables by year)."""
    scans = counted_scans(companies, model_id, "year")
    years = scans.annotate(found=ExtractYear("wave__date")).values_list("found", flat=True).distinct()
    return tuple(int(y) for y in _rows("year", years))


def _unit(dimension: Dimension, where: Filter | None) -> Dimension:
    """By year or filtered on a year, a firm counts once per year; otherwise once."""
    return "year" if dimension == "year" or (where is not None and where.dimension == "year") else dimension


def _score_key(dimension: Dimension) -> Any:
    return ExtractYear("wave__date") if dimension == "year" else F(_FIELD[dimension].removeprefix("wave__"))


def _cube(
    scans: QuerySet[Response],
    column: str,
    columns: tuple[Key, ...],
    dimension: Dimension,
    rows: tuple[Key, ...],
    other: Dimension,
    other_rows: tuple[Key, ...],
    k: int,
) -> CountCube:
    """The protected cube of ``dimension`` and ``other``, always built in the order of MONITOR_DIMENSIONS, so that
    "by province, only sector C" and "by sector, only province UT" are slices of one and the same protection."""
    (first, first_rows), (second, second_rows) = sorted(
        ((dimension, rows), (other, other_rows)), key=lambda d: MONITOR_DIMENSIONS.index(d[0])
    )
    found = (
        scans.annotate(a=F(_FIELD[first]), b=F(_FIELD[second]))
        .values("a", "b", column)
        .annotate(firms=Count("pk"))
        .order_by()
    )
    a_of = {r: i for i, r in enumerate(first_rows)}
    b_of = {r: i for i, r in enumerate(second_rows)}
    column_of = {c: i for i, c in enumerate(columns)}
    counts = np.zeros((len(first_rows), len(second_rows), len(columns)), dtype=np.int64)
    for r in found:
        if r["a"] in a_of and r["b"] in b_of and r[column] in column_of:
            counts[a_of[r["a"]], b_of[r["b"]], column_of[r[column]]] += r["firms"]
    return protect_cube(first, first_rows, second, second_rows, columns, counts, k)


def _count_table(
    scans: QuerySet[Response],
    column: str,
    columns: tuple[Key, ...],
    dimension: Dimension,
    rows: tuple[Key, ...],
    where: Filter | None,
    x_rows: tuple[Key, ...],
    k: int,
) -> CountTable:
    """Firms per ``column`` value by ``dimension``: one GROUP BY; with a filter, the slice of a protected cube."""
    column_of = {c: i for i, c in enumerate(columns)}
    row_of = {r: i for i, r in enumerate(rows)}
    if where is None:
        found = scans.annotate(key=F(_FIELD[dimension])).values("key", column).annotate(firms=Count("pk")).order_by()
        counts = np.zeros((len(rows), len(columns)), dtype=np.int64)
        for r in found:
            if r["key"] in row_of and r[column] in column_of:
                counts[row_of[r["key"]], column_of[r[column]]] += r["firms"]
        return protect_counts(dimension, rows, columns, counts, k)
    cube = _cube(scans, column, columns, dimension, rows, where.dimension, x_rows, k)
    return cube.by(dimension, where=where.value)


def position_table(
    companies: QuerySet[Company], model_id: str, dimension: Dimension, k: int, where: Filter | None = None
) -> CountTable:
    """Firms per ladder position by ``dimension``, of the firms ``where`` selects."""
    n_levels = len(load_model(model_id).levels)
    years = scan_years(companies, model_id)
    scans = counted_scans(companies, model_id, _unit(dimension, where))
    rows = years if dimension == "year" else _rows(dimension, ())
    x_rows = () if where is None else years if where.dimension == "year" else _rows(where.dimension, ())
    return _count_table(scans, "position", tuple(range(n_levels + 1)), dimension, rows, where, x_rows, k)


def mean_table(
    companies: QuerySet[Company], model_id: str, dimension: Dimension, k: int, where: Filter | None = None
) -> MeanTable:
    """Mean level scores by ``dimension``, of the firms ``where`` selects, hiding the groups whose number of
    firms the count table (or cube) hides."""
    n_levels = len(load_model(model_id).levels)
    years = scan_years(companies, model_id)
    unit = _unit(dimension, where)
    scans = counted_scans(companies, model_id, unit)
    rows = years if dimension == "year" else _rows(dimension, ())
    levels = tuple(measure_key((lv, "")) for lv in range(1, n_levels + 1))
    row_of = {r: i for i, r in enumerate(rows)}
    score_rows = ScoreRow.objects.filter(response__in=scans.values("pk"), block="").annotate(key=_score_key(dimension))
    positions = tuple(range(n_levels + 1))
    if where is None:
        summed = score_rows.values("key", "level").annotate(firms=Count("score"), total=Sum("score")).order_by()
        firms = np.zeros((len(rows), n_levels), dtype=np.int64)
        sums = np.zeros((len(rows), n_levels), dtype=np.float64)
        for s in summed:
            level = int(s["level"])
            if s["key"] in row_of and 1 <= level <= n_levels:
                firms[row_of[s["key"]], level - 1] += s["firms"]
                sums[row_of[s["key"]], level - 1] += s["total"] or 0.0
        counts = _count_table(scans, "position", positions, dimension, rows, None, (), k)
        return protect_means(
            dimension, rows, levels, firms, sums, hidden_groups=[t is None for t in counts.row_totals], k=k
        )
    x_rows = years if where.dimension == "year" else _rows(where.dimension, ())
    cube = _cube(scans, "position", positions, dimension, rows, where.dimension, x_rows, k)
    first, second = cube.x_dimension, cube.y_dimension
    a_of = {r: i for i, r in enumerate(cube.x_rows)}
    b_of = {r: i for i, r in enumerate(cube.y_rows)}
    summed_ab = (
        score_rows.annotate(a=_score_key(first), b=_score_key(second))
        .values("a", "b", "level")
        .annotate(firms=Count("score"), total=Sum("score"))
        .order_by()
    )
    firms3 = np.zeros((len(cube.x_rows), len(cube.y_rows), n_levels), dtype=np.int64)
    sums3 = np.zeros((len(cube.x_rows), len(cube.y_rows), n_levels), dtype=np.float64)
    for row in summed_ab:
        level = int(row["level"])
        if row["a"] in a_of and row["b"] in b_of and 1 <= level <= n_levels:
            firms3[a_of[row["a"]], b_of[row["b"]], level - 1] += row["firms"]
            sums3[a_of[row["a"]], b_of[row["b"]], level - 1] += row["total"] or 0.0
    return protect_mean_cube(cube, firms3, sums3, columns=levels, k=k).by(dimension, where=where.value)


def _with_previous(scans: QuerySet[Response], model_id: str) -> QuerySet[Response]:
    """The scans with the ladder position of the company's scan before (a lower wave number), when there is one."""
    before = (
        _submitted(model_id)
        .filter(wave__company=OuterRef("wave__company"), wave__number__lt=OuterRef("wave__number"))
        .order_by("-wave__number", "-submitted_at", "-pk")
        .values("position")[:1]
    )
    return scans.annotate(previous=Subquery(before, output_field=IntegerField())).filter(
        previous__isnull=False, position__isnull=False
    )


def movement_table(
    companies: QuerySet[Company], model_id: str, dimension: Dimension, k: int, where: Filter | None = None
) -> CountTable:
    """Firms that moved up, stayed or moved down on the ladder from their scan before to their latest scan (by
    year: their latest scan of that year), by ``dimension``, of the firms ``where`` selects."""
    years = scan_years(companies, model_id)
    scans = _with_previous(counted_scans(companies, model_id, _unit(dimension, where)), model_id).annotate(
        movement=Case(
            When(position__gt=F("previous"), then=Value("up")),
            When(position=F("previous"), then=Value("same")),
            default=Value("down"),
        )
    )
    rows = years if dimension == "year" else _rows(dimension, ())
    x_rows = () if where is None else years if where.dimension == "year" else _rows(where.dimension, ())
    return _count_table(scans, "movement", tuple(MOVEMENTS), dimension, rows, where, x_rows, k)


def growth_table(companies: QuerySet[Company], model_id: str, k: int) -> MeanTable:
    """Per ladder position of the latest scan: the mean change of the growth figures from the wave before
    (employees in FTE, revenue in per cent, export share in percentage points), over all the companies in reach.

    A position whose number of firms the tables by dimension hide (their shared column totals) is hidden too."""
    n_levels = len(load_model(model_id).levels)
    scans = counted_scans(companies, model_id, "sbi_section")
    previous = Wave.objects.filter(company=OuterRef("wave__company"), number__lt=OuterRef("wave__number")).order_by(
        "-number"
    )
    as_float = FloatField()
    annotated = scans.annotate(
        prev_fte=Subquery(previous.values("employees_fte")[:1]),
        prev_revenue=Subquery(previous.values("revenue")[:1]),
        prev_export=Subquery(previous.values("export_share")[:1]),
    ).annotate(
        employees_fte=ExpressionWrapper(
            Cast("wave__employees_fte", as_float) - Cast("prev_fte", as_float), output_field=as_float
        ),
        revenue_pct=Case(
            When(
                Q(prev_revenue__gt=0),
                then=ExpressionWrapper(
                    (Cast("wave__revenue", as_float) - Cast("prev_revenue", as_float))
                    * 100.0
                    / Cast("prev_revenue", as_float),
                    output_field=as_float,
                ),
            ),
            default=None,
            output_field=as_float,
        ),
        export_share=ExpressionWrapper(
            Cast("wave__export_share", as_float) - Cast("prev_export", as_float), output_field=as_float
        ),
    )
    aggregates: dict[str, Any] = {"all": Count("pk")}
    for ind in GROWTH_INDICATORS:
        aggregates[f"{ind}_n"] = Count(ind)
        aggregates[f"{ind}_sum"] = Sum(ind)
    grouped: Any = annotated.values("position").annotate(**aggregates).order_by()
    found: list[dict[str, Any]] = list(grouped)
    rows: tuple[Key, ...] = tuple(range(n_levels + 1))
    firms = np.zeros((len(rows), len(GROWTH_INDICATORS)), dtype=np.int64)
    sums = np.zeros((len(rows), len(GROWTH_INDICATORS)), dtype=np.float64)
    per_position = np.zeros(len(rows), dtype=np.int64)
    for r in found:
        p = r["position"]
        if p is None or not 0 <= p <= n_levels:
            continue
        per_position[p] += r["all"]
        for c, ind in enumerate(GROWTH_INDICATORS):
            firms[p, c] += r[f"{ind}_n"]
            sums[p, c] += float(r[f"{ind}_sum"] or 0.0)
    hidden = hidden_in_line([*per_position, int(per_position.sum())], k)[:-1]
    return protect_means("position", rows, GROWTH_INDICATORS, firms, sums, hidden_groups=[bool(h) for h in hidden], k=k)


def monitor_tables(
    companies: QuerySet[Company], model_id: str, dimension: Dimension, k: int, where: Filter | None = None
) -> MonitorTables:
    """The distribution over ladder positions and the mean level scores by ``dimension``."""
    n_levels = len(load_model(model_id).levels)
    return MonitorTables(
        model_id,
        n_levels,
        dimension,
        position_table(companies, model_id, dimension, k, where),
        mean_table(companies, model_id, dimension, k, where),
    )
