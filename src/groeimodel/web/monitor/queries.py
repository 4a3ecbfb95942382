"""The monitor's figures, counted and summed in SQL and then protected by :mod:`groeimodel.monitor`.

Each company counts once per cell: its latest submitted management scan of the chosen model (highest wave number),
or, by year, its latest such scan in each year (the year of the wave's date). With a filter (one value of another
dimension) the figures are counted by both dimensions at once (``GROUP BY`` filter, dimension, column) and
protected as one cube (:mod:`groeimodel.monitor.cube`), whose faces are the unfiltered tables. The scans that count
are read from their narrow summary rows (:class:`~groeimodel.web.scans.models.MonitorScan`: the flags, year, ladder
position and the one before, level scores and growth changes, kept current by :mod:`groeimodel.web.scans.latest`)
joined to the companies only, so that no query reads the waves, responses or score rows (docs/scaling.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Case, Count, ExpressionWrapper, F, FloatField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast

from groeimodel.model import load_model
from groeimodel.monitor import CountTable, Dimension, MeanTable, measure_key, protect_counts, protect_means
from groeimodel.monitor.codebook import MOVEMENTS, PROVINCES, SBI_SECTIONS, SIZE_CLASSES
from groeimodel.monitor.cube import CountCube, protect_cube, protect_mean_cube
from groeimodel.monitor.suppression import hidden_in_line
from groeimodel.monitor.tables import Key
from groeimodel.web.companies.models import Company
from groeimodel.web.scans.models import MonitorScan

MONITOR_DIMENSIONS: tuple[Dimension, ...] = ("sbi_section", "size_class", "province", "year")
_FIELD = {
    "sbi_section": "company__sbi_section",
    "size_class": "company__size_class",
    "province": "company__province",
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


def counted_scans(companies: QuerySet[Company], model_id: str, dimension: Dimension) -> QuerySet[MonitorScan]:
    """The scans that count: one per company, or by year one per company and year (the flags kept by
    :mod:`groeimodel.web.scans.latest`)."""
    flag = {"latest_in_year": True} if dimension == "year" else {"latest": True}
    return MonitorScan.objects.filter(model_id=model_id, company__in=companies, **flag)


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
    years = scans.values_list("year", flat=True).order_by().distinct()
    return tuple(int(y) for y in _rows("year", years))


def _unit(dimension: Dimension, where: Filter | None) -> Dimension:
    """By year or filtered on a year, a firm counts once per year; otherwise once."""
    return "year" if dimension == "year" or (where is not None and where.dimension == "year") else dimension


def _cube(
    scans: QuerySet[MonitorScan],
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
    scans: QuerySet[MonitorScan],
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
    sums_of = {f"n{lv}": Count(f"level_{lv}") for lv in range(1, n_levels + 1)} | {
        f"s{lv}": Sum(f"level_{lv}") for lv in range(1, n_levels + 1)
    }
    positions = tuple(range(n_levels + 1))
    if where is None:
        summed: Any = scans.annotate(key=F(_FIELD[dimension])).values("key").annotate(**sums_of).order_by()
        firms = np.zeros((len(rows), n_levels), dtype=np.int64)
        sums = np.zeros((len(rows), n_levels), dtype=np.float64)
        for s in summed:
            if s["key"] in row_of:
                for lv in range(1, n_levels + 1):
                    firms[row_of[s["key"]], lv - 1] += s[f"n{lv}"]
                    sums[row_of[s["key"]], lv - 1] += s[f"s{lv}"] or 0.0
        counts = _count_table(scans, "position", positions, dimension, rows, None, (), k)
        return protect_means(
            dimension, rows, levels, firms, sums, hidden_groups=[t is None for t in counts.row_totals], k=k
        )
    x_rows = years if where.dimension == "year" else _rows(where.dimension, ())
    cube = _cube(scans, "position", positions, dimension, rows, where.dimension, x_rows, k)
    first, second = cube.x_dimension, cube.y_dimension
    a_of = {r: i for i, r in enumerate(cube.x_rows)}
    b_of = {r: i for i, r in enumerate(cube.y_rows)}
    summed_ab: Any = (
        scans.annotate(a=F(_FIELD[first]), b=F(_FIELD[second])).values("a", "b").annotate(**sums_of).order_by()
    )
    firms3 = np.zeros((len(cube.x_rows), len(cube.y_rows), n_levels), dtype=np.int64)
    sums3 = np.zeros((len(cube.x_rows), len(cube.y_rows), n_levels), dtype=np.float64)
    for row in summed_ab:
        if row["a"] in a_of and row["b"] in b_of:
            for lv in range(1, n_levels + 1):
                firms3[a_of[row["a"]], b_of[row["b"]], lv - 1] += row[f"n{lv}"]
                sums3[a_of[row["a"]], b_of[row["b"]], lv - 1] += row[f"s{lv}"] or 0.0
    return protect_mean_cube(cube, firms3, sums3, columns=levels, k=k).by(dimension, where=where.value)


def movement_table(
    companies: QuerySet[Company], model_id: str, dimension: Dimension, k: int, where: Filter | None = None
) -> CountTable:
    """Firms that moved up, stayed or moved down on the ladder from their scan before to their latest scan (by
    year: their latest scan of that year), by ``dimension``, of the firms ``where`` selects."""
    years = scan_years(companies, model_id)
    counted = counted_scans(companies, model_id, _unit(dimension, where))
    scans = counted.filter(previous__isnull=False, position__isnull=False).annotate(
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
    as_float = FloatField()

    def change(field: str) -> Any:
        return ExpressionWrapper(
            Cast(f"wave__{field}", as_float) - Cast(f"previous_wave__{field}", as_float), output_field=as_float
        )

    annotated = counted_scans(companies, model_id, "sbi_section").annotate(
        employees_fte=change("employees_fte"),
        revenue_pct=Case(
            When(
                Q(previous_wave__revenue__gt=0),
                then=ExpressionWrapper(
                    (Cast("wave__revenue", as_float) - Cast("previous_wave__revenue", as_float))
                    * 100.0
                    / Cast("previous_wave__revenue", as_float),
                    output_field=as_float,
                ),
            ),
            default=None,
            output_field=as_float,
        ),
        export_share=change("export_share"),
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
