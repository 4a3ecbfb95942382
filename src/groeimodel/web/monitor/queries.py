"""The monitor's figures, read from its cells and then protected by :mod:`groeimodel.monitor`.

Each company counts once per cell: its latest submitted management scan of the chosen model (highest wave number),
or, by year, its latest such scan in each year (the year of the wave's date). The figures come from the monitor's
cells (:class:`~groeimodel.web.scans.models.MonitorCell`, kept current by :mod:`groeimodel.web.scans.cells`): the
counted scans summed per organisation, period, sector, size class, province and ladder position, a few thousand
rows however many firms there are. A page reads them once (:func:`load_cells`) and sums them by what each table
needs with numpy; no query reads the companies, waves, responses or score rows (docs/scaling.md). With a filter
(one value of another dimension) the figures are summed by both dimensions at once and protected as one cube
(:mod:`groeimodel.monitor.cube`), whose faces are the unfiltered tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.db.models import QuerySet, Sum

from groeimodel.model import load_model
from groeimodel.monitor import CountTable, Dimension, MeanTable, measure_key, protect_counts, protect_means
from groeimodel.monitor.codebook import MOVEMENTS, PROVINCES, SBI_SECTIONS, SIZE_CLASSES
from groeimodel.monitor.cube import CountCube, protect_cube, protect_mean_cube
from groeimodel.monitor.suppression import hidden_in_line
from groeimodel.monitor.tables import Key
from groeimodel.web.accounts.models import Organisation
from groeimodel.web.scans.cells import VALUES
from groeimodel.web.scans.models import MonitorCell

MONITOR_DIMENSIONS: tuple[Dimension, ...] = ("sbi_section", "size_class", "province", "year")
_CODES: dict[str, tuple[str, ...]] = {
    "sbi_section": tuple(SBI_SECTIONS),
    "size_class": tuple(SIZE_CLASSES),
    "province": tuple(PROVINCES),
}
# Growth indicators of the monitor: the change from the wave before to the firm's latest wave.
GROWTH_INDICATORS: tuple[str, ...] = ("employees_fte", "revenue_pct", "export_share")
_COLUMN = {name: i for i, name in enumerate(VALUES)}


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


@dataclass(frozen=True)
class Cells:
    """The monitor's cells of one model for the organisations in reach, summed by period, the dimensions a page
    needs and ladder position, as arrays: per row its period (0: the latest scans, else a year), its value of each
    dimension it was summed by (an index into the codebook's codes; -1 for one that is not there, or when the row
    was not summed by it), its ladder position (-1: none) and its figures (``VALUES``, one column each). The rows
    of the latest scans are summed by ``latest``, those of the years by ``by_year``."""

    model_id: str
    n_levels: int
    latest: frozenset[str]
    by_year: frozenset[str]
    year: npt.NDArray[np.int64]
    codes: dict[str, npt.NDArray[np.int64]]
    position: npt.NDArray[np.int64]
    values: npt.NDArray[np.float64]

    @property
    def years(self) -> tuple[int, ...]:
        """Every year from the first to the last year of a counted scan (the rows of the tables by year)."""
        found = np.unique(self.year[(self.year != 0) & (self.values[:, _COLUMN["firms"]] > 0)])
        return tuple(range(int(found[0]), int(found[-1]) + 1)) if len(found) else ()


def page_dimensions(by: Dimension, where: Dimension | None) -> tuple[tuple[Dimension, ...], tuple[Dimension, ...]]:
    """What a monitor page by ``by`` with a filter on ``where`` sums the cells by: of the latest scans, and of the
    years. Its main tables count once (by the dimension and the filter's), or once per year when either is the
    year; its tables by year are by the year and the filter's dimension (none for a filter on a year); its growth
    table only by position."""
    main = tuple(d for d in MONITOR_DIMENSIONS if d in (by, where) and d != "year")
    main_by_year = by == "year" or where == "year"
    by_year = tuple(d for d in MONITOR_DIMENSIONS if d == where and d != "year")
    latest = () if main_by_year else main
    years = tuple(d for d in MONITOR_DIMENSIONS if d in (main if main_by_year else ()) or d in by_year)
    return latest, years


def load_cells(
    organisations: QuerySet[Organisation],
    model_id: str,
    latest: Sequence[Dimension] = (),
    by_year: Sequence[Dimension] = (),
) -> Cells:
    """The cells of ``model_id`` of ``organisations``, summed in the database by ladder position and: for the
    latest scans by ``latest``, for the years by the year and ``by_year`` (see :func:`page_dimensions`). Two
    queries of at most a few thousand rows, whatever the number of firms."""
    n_levels = len(load_model(model_id).levels)
    parts = []
    summed = (tuple(d for d in latest if d != "year"), tuple(d for d in by_year if d != "year"))
    dimensions: set[str] = {*summed[0], *summed[1]}
    for years, dims in zip((False, True), summed, strict=True):
        cells = MonitorCell.objects.filter(organisation__in=organisations, model_id=model_id)
        cells = cells.filter(year__gt=0) if years else cells.filter(year=0)
        found = cells.values("year", *dims, "position").annotate(**{f"total_{v}": Sum(v) for v in VALUES}).order_by()
        sql, params = found.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            parts.append((dims, cursor.fetchall()))
    n = sum(len(rows) for _dims, rows in parts)
    codes = {d: np.full(n, -1, dtype=np.int64) for d in dimensions}
    year = np.zeros(n, dtype=np.int64)
    position = np.zeros(n, dtype=np.int64)
    values = np.zeros((n, len(VALUES)), dtype=np.float64)
    at = 0
    for dims, rows in parts:
        if not rows:
            continue
        table = np.array(rows, dtype=object)
        part = slice(at, at + len(rows))
        year[part] = table[:, 0].astype(np.int64)
        for i, dim in enumerate(dims):
            of = {code: c for c, code in enumerate(_CODES[dim])}
            codes[dim][part] = [of.get(code, -1) for code in table[:, 1 + i]]
        position[part] = table[:, 1 + len(dims)].astype(np.int64)
        values[part] = table[:, 2 + len(dims) :].astype(np.float64)
        at += len(rows)
    return Cells(
        model_id,
        n_levels,
        frozenset(summed[0]),
        frozenset(summed[1]),
        year,
        codes,
        position,
        values,
    )


def scan_years(cells: Cells) -> tuple[int, ...]:
    """Every year from the first to the last year of a counted scan (the rows of the tables by year)."""
    return cells.years


def _rows(dimension: Dimension, years: tuple[int, ...]) -> tuple[Key, ...]:
    return years if dimension == "year" else _CODES[dimension]


def _unit(dimension: Dimension, where: Filter | None) -> Dimension:
    """By year or filtered on a year, a firm counts once per year; otherwise once."""
    return "year" if dimension == "year" or (where is not None and where.dimension == "year") else dimension


def _index(cells: Cells, dimension: str, rows: Sequence[Key]) -> npt.NDArray[np.int64]:
    """Per cell, the index of its value of ``dimension`` among ``rows`` (-1: not among them)."""
    if dimension == "year":
        if not rows:
            return np.full(len(cells.year), -1, dtype=np.int64)
        first = int(rows[0])  # type: ignore[arg-type]  # years
        i = cells.year - first
        return np.where((cells.year != 0) & (i >= 0) & (i < len(rows)), i, -1)
    if dimension == "position":
        return np.where((cells.position >= 0) & (cells.position < len(rows)), cells.position, -1)
    found = cells.codes[dimension]
    if tuple(rows) == _CODES[dimension]:
        return found
    of = {code: i for i, code in enumerate(rows)}
    remap = np.array([of.get(code, -1) for code in _CODES[dimension]], dtype=np.int64)
    return np.where(found >= 0, remap[found], -1)


def _sum(
    cells: Cells, unit: Dimension, axes: Sequence[tuple[str, Sequence[Key]]], columns: Sequence[str]
) -> npt.NDArray[np.float64]:
    """The cells' ``columns`` summed by ``axes`` (dimension, rows), of the scans counted once (``unit`` not the
    year: the latest scans) or once per year: an array of shape (len(rows) per axis..., len(columns))."""
    mask = cells.year != 0 if unit == "year" else cells.year == 0
    summed_by = cells.by_year if unit == "year" else cells.latest
    indexes = []
    for dimension, rows in axes:
        if dimension not in ("year", "position") and dimension not in summed_by:
            raise ValueError(f"the cells were not summed by {dimension} for this table")
        i = _index(cells, dimension, rows)
        mask = mask & (i >= 0)
        indexes.append(i)
    out = np.zeros((*(len(rows) for _d, rows in axes), len(columns)), dtype=np.float64)
    values = cells.values[:, [_COLUMN[c] for c in columns]]
    np.add.at(out, tuple(i[mask] for i in indexes), values[mask])
    return out


def _counts(total: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    return np.rint(total).astype(np.int64)


def _ordered(
    dimension: Dimension, rows: tuple[Key, ...], other: Dimension, other_rows: tuple[Key, ...]
) -> tuple[tuple[Dimension, tuple[Key, ...]], tuple[Dimension, tuple[Key, ...]]]:
    """The two dimensions of a cube, always in the order of MONITOR_DIMENSIONS, so that "by province, only sector
    C" and "by sector, only province UT" are slices of one and the same protection."""
    first, second = sorted(((dimension, rows), (other, other_rows)), key=lambda d: MONITOR_DIMENSIONS.index(d[0]))
    return first, second


def _column_counts(
    cells: Cells, unit: Dimension, axes: Sequence[tuple[str, Sequence[Key]]], column: str, n_columns: int
) -> npt.NDArray[np.int64]:
    """Firms per ``column`` value ("position": per ladder position; "movement": up, same, down) by ``axes``."""
    if column == "position":
        return _counts(_sum(cells, unit, [*axes, ("position", range(n_columns))], ["firms"])[..., 0])  # type: ignore[list-item]
    return _counts(_sum(cells, unit, axes, list(MOVEMENTS)))


def _cube(
    cells: Cells,
    unit: Dimension,
    column: str,
    columns: tuple[Key, ...],
    dimension: Dimension,
    rows: tuple[Key, ...],
    other: Dimension,
    other_rows: tuple[Key, ...],
    k: int,
) -> CountCube:
    (first, first_rows), (second, second_rows) = _ordered(dimension, rows, other, other_rows)
    counts = _column_counts(cells, unit, [(first, first_rows), (second, second_rows)], column, len(columns))
    return protect_cube(first, first_rows, second, second_rows, columns, counts, k)


def _count_table(
    cells: Cells,
    unit: Dimension,
    column: str,
    columns: tuple[Key, ...],
    dimension: Dimension,
    rows: tuple[Key, ...],
    where: Filter | None,
    x_rows: tuple[Key, ...],
    k: int,
) -> CountTable:
    """Firms per ``column`` value by ``dimension``; with a filter, the slice of a protected cube."""
    if where is None:
        counts = _column_counts(cells, unit, [(dimension, rows)], column, len(columns))
        return protect_counts(dimension, rows, columns, counts, k)
    cube = _cube(cells, unit, column, columns, dimension, rows, where.dimension, x_rows, k)
    return cube.by(dimension, where=where.value)


def position_table(cells: Cells, dimension: Dimension, k: int, where: Filter | None = None) -> CountTable:
    """Firms per ladder position by ``dimension``, of the firms ``where`` selects."""
    years = cells.years
    rows = _rows(dimension, years)
    x_rows = () if where is None else _rows(where.dimension, years)
    positions = tuple(range(cells.n_levels + 1))
    return _count_table(cells, _unit(dimension, where), "position", positions, dimension, rows, where, x_rows, k)


def mean_table(cells: Cells, dimension: Dimension, k: int, where: Filter | None = None) -> MeanTable:
    """Mean level scores by ``dimension``, of the firms ``where`` selects, hiding the groups whose number of
    firms the count table (or cube) hides."""
    n_levels = cells.n_levels
    years = cells.years
    unit = _unit(dimension, where)
    rows = _rows(dimension, years)
    levels = tuple(measure_key((lv, "")) for lv in range(1, n_levels + 1))
    firms_of = [f"level_{lv}_n" for lv in range(1, n_levels + 1)]
    sums_of = [f"level_{lv}_sum" for lv in range(1, n_levels + 1)]
    positions = tuple(range(n_levels + 1))
    if where is None:
        firms = _counts(_sum(cells, unit, [(dimension, rows)], firms_of))
        sums = _sum(cells, unit, [(dimension, rows)], sums_of)
        counts = _count_table(cells, unit, "position", positions, dimension, rows, None, (), k)
        return protect_means(
            dimension, rows, levels, firms, sums, hidden_groups=[t is None for t in counts.row_totals], k=k
        )
    x_rows = _rows(where.dimension, years)
    cube = _cube(cells, unit, "position", positions, dimension, rows, where.dimension, x_rows, k)
    axes = [(cube.x_dimension, cube.x_rows), (cube.y_dimension, cube.y_rows)]
    firms3 = _counts(_sum(cells, unit, axes, firms_of))
    sums3 = _sum(cells, unit, axes, sums_of)
    return protect_mean_cube(cube, firms3, sums3, columns=levels, k=k).by(dimension, where=where.value)


def movement_table(cells: Cells, dimension: Dimension, k: int, where: Filter | None = None) -> CountTable:
    """Firms that moved up, stayed or moved down on the ladder from their scan before to their latest scan (by
    year: their latest scan of that year), by ``dimension``, of the firms ``where`` selects."""
    years = cells.years
    rows = _rows(dimension, years)
    x_rows = () if where is None else _rows(where.dimension, years)
    unit = _unit(dimension, where)
    return _count_table(cells, unit, "movement", tuple(MOVEMENTS), dimension, rows, where, x_rows, k)


def growth_table(cells: Cells, k: int) -> MeanTable:
    """Per ladder position of the latest scan: the mean change of the growth figures from the wave before
    (employees in FTE, revenue in per cent, export share in percentage points), over all the companies in reach.

    A position whose number of firms the tables by dimension hide (their shared column totals) is hidden too."""
    rows: tuple[Key, ...] = tuple(range(cells.n_levels + 1))
    axes = [("position", rows)]
    per_position = _counts(_sum(cells, "sbi_section", axes, ["firms"])[:, 0])
    firms = _counts(_sum(cells, "sbi_section", axes, [f"{g}_n" for g in GROWTH_INDICATORS]))
    sums = _sum(cells, "sbi_section", axes, [f"{g}_sum" for g in GROWTH_INDICATORS])
    hidden = hidden_in_line([*per_position, int(per_position.sum())], k)[:-1]
    return protect_means("position", rows, GROWTH_INDICATORS, firms, sums, hidden_groups=[bool(h) for h in hidden], k=k)


def monitor_tables(
    organisations: QuerySet[Organisation], model_id: str, dimension: Dimension, k: int, where: Filter | None = None
) -> MonitorTables:
    """The distribution over ladder positions and the mean level scores by ``dimension``."""
    cells = load_cells(organisations, model_id, *page_dimensions(dimension, None if where is None else where.dimension))
    return MonitorTables(
        model_id,
        cells.n_levels,
        dimension,
        position_table(cells, dimension, k, where),
        mean_table(cells, dimension, k, where),
    )
