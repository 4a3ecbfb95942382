"""The monitor's tables, computed from plain records and published only k-anonymously (DESIGN §3.6, issue 9).

Every function takes the waves of one model (:class:`FirmWave`, one per company and wave) and returns a table in
which a cell describing fewer than ``k`` firms, and every cell that would let one be worked out by subtraction,
is ``None``, exactly like an empty cell (see :mod:`groeimodel.monitor.suppression`). The rows always list every
category of the dimension (all 21 SBI sections, all 12 provinces, ...), so a hidden row looks like an empty one.

Two ways in: from records (:class:`FirmWave`; fine for thousands of firms, seconds for 200,000) or from counts
and sums per group (:func:`protect_counts`, :func:`protect_means`; what SQL's GROUP BY gives, about 1 ms).

Which waves count: a firm counts once per cell. By year, each firm's latest wave in that year; otherwise each
firm's latest wave. Movement compares a firm's latest wave with the wave before it.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from groeimodel.monitor.codebook import MOVEMENTS, PROVINCES, SBI_SECTIONS, SIZE_CLASSES, Lang, label, position_label
from groeimodel.monitor.suppression import hidden_cells, hidden_in_line, with_margins

DEFAULT_K = 5
Dimension = Literal["sbi_section", "size_class", "province", "year", "position"]
DIMENSIONS: tuple[Dimension, ...] = ("sbi_section", "size_class", "province", "year", "position")
Measure = tuple[int, str]  # (level, block); block "" is the level's own score
Key = str | int


@dataclass(frozen=True)
class FirmWave:
    """One wave of one firm, as the monitor needs it (the web layer loads these from the score rows)."""

    company: int
    wave: int  # 0 for T0, 1 for T1, ...
    year: int
    model_id: str
    sbi_section: str
    size_class: str
    province: str
    position: int  # ladder position, 0 when level 1 is not achieved
    scores: Mapping[Measure, float | None] = field(default_factory=dict)
    growth: Mapping[str, float | None] = field(default_factory=dict)  # growth indicator id -> value


@dataclass(frozen=True)
class CountTable:
    """Counts of firms: ``cells[r][c]`` for row ``rows[r]`` and column ``columns[c]``; None: not published."""

    dimension: Dimension
    rows: tuple[Key, ...]
    columns: tuple[Key, ...]
    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    column_totals: tuple[int | None, ...]
    total: int | None


@dataclass(frozen=True)
class Mean:
    firms: int
    mean: float


@dataclass(frozen=True)
class MeanTable:
    """Means per group: ``cells[r][c]`` for group ``rows[r]`` and measure ``columns[c]``; None: not published."""

    dimension: Dimension
    rows: tuple[Key, ...]
    columns: tuple[Key, ...]  # measures (level, block) or growth indicator ids, as keys
    cells: tuple[tuple[Mean | None, ...], ...]
    totals: tuple[Mean | None, ...]  # over all groups


def categories(dimension: Dimension, waves: Sequence[FirmWave], n_levels: int) -> tuple[Key, ...]:
    """Every value a dimension can take; years from the first to the last year in the data."""
    if dimension == "sbi_section":
        return tuple(SBI_SECTIONS)
    if dimension == "size_class":
        return tuple(SIZE_CLASSES)
    if dimension == "province":
        return tuple(PROVINCES)
    if dimension == "position":
        return tuple(range(n_levels + 1))
    years = [w.year for w in waves]
    return tuple(range(min(years), max(years) + 1)) if years else ()


def _key(wave: FirmWave, dimension: Dimension) -> Key:
    value: Key = getattr(wave, dimension)
    return value


def _row(row_of: Mapping[Key, int], key: Key, wave: FirmWave) -> int:
    if key not in row_of:
        raise ValueError(f"company {wave.company}: unknown value {key!r}")
    return row_of[key]


def _one_model(waves: Iterable[FirmWave]) -> list[FirmWave]:
    waves = list(waves)
    models = {w.model_id for w in waves}
    if len(models) > 1:
        raise ValueError(f"a monitor table covers one model at a time, not {sorted(models)}")
    return waves


def _counted(waves: Sequence[FirmWave], dimension: Dimension, n_levels: int) -> list[FirmWave]:
    """Each firm once: its latest wave, or by year its latest wave in each year."""
    latest: dict[tuple[int, int], FirmWave] = {}
    for w in waves:
        if not 0 <= w.position <= n_levels:
            raise ValueError(f"company {w.company}: position {w.position} outside 0..{n_levels}")
        key = (w.company, w.year if dimension == "year" else 0)
        if key not in latest or w.wave > latest[key].wave:
            latest[key] = w
    return list(latest.values())


def protect_counts(
    dimension: Dimension, rows: tuple[Key, ...], columns: tuple[Key, ...], counts: npt.ArrayLike, k: int = DEFAULT_K
) -> CountTable:
    """A count table (``R x C`` counts of firms, say from SQL) with its margins, as it may be published."""
    full = with_margins(counts)
    if full.shape != (len(rows) + 1, len(columns) + 1):
        raise ValueError(f"counts must have shape {(len(rows), len(columns))}")
    # The margin row (firms per column over all groups) is the same in every table of these firms by another
    # dimension: decide it once, by itself, so that no table shows what another hides.
    preset = np.zeros(full.shape, dtype=bool)
    fixed = np.zeros(full.shape, dtype=bool)
    preset[-1, :] = hidden_in_line(full[-1, :], k)
    fixed[-1, :] = True
    hidden = hidden_cells(full, k, preset=preset, fixed=fixed)
    shown: list[list[int | None]] = [
        [int(full[i, j]) if full[i, j] > 0 and not hidden[i, j] else None for j in range(full.shape[1])]
        for i in range(full.shape[0])
    ]
    return CountTable(
        dimension=dimension,
        rows=rows,
        columns=columns,
        cells=tuple(tuple(r[:-1]) for r in shown[:-1]),
        row_totals=tuple(r[-1] for r in shown[:-1]),
        column_totals=tuple(shown[-1][:-1]),
        total=shown[-1][-1],
    )


def position_distribution(waves: Iterable[FirmWave], *, by: Dimension, n_levels: int, k: int = DEFAULT_K) -> CountTable:
    """Firms per ladder position (0 .. ``n_levels``) by ``by``: the columns are the positions."""
    if by == "position":
        raise ValueError("the positions are already the columns")
    all_waves = _one_model(waves)
    counted = _counted(all_waves, by, n_levels)
    rows = categories(by, all_waves, n_levels)
    columns = tuple(range(n_levels + 1))
    counts = np.zeros((len(rows), len(columns)), dtype=np.int64)
    row_of = {r: i for i, r in enumerate(rows)}
    for w in counted:
        counts[_row(row_of, _key(w, by), w), w.position] += 1
    return protect_counts(by, rows, columns, counts, k)


def movement(waves: Iterable[FirmWave], *, by: Dimension, n_levels: int, k: int = DEFAULT_K) -> CountTable:
    """How firms moved on the ladder between their last two waves (columns up, same, down) by ``by``.

    The firm's group is that of its latest wave, except by position: the position it came from. By year: the
    year of the later wave, each firm once per year (its latest wave of that year against the wave before it).
    """
    all_waves = _one_model(waves)
    _counted(all_waves, by, n_levels)  # checks the positions
    by_company: dict[int, list[FirmWave]] = {}
    for w in all_waves:
        by_company.setdefault(w.company, []).append(w)
    rows = categories(by, all_waves, n_levels)
    columns: tuple[Key, ...] = tuple(MOVEMENTS)
    counts = np.zeros((len(rows), len(columns)), dtype=np.int64)
    row_of = {r: i for i, r in enumerate(rows)}
    for firm_waves in by_company.values():
        firm_waves.sort(key=lambda w: w.wave)
        pairs = list(itertools.pairwise(firm_waves))
        if by == "year":
            last_in_year = {later.year: (earlier, later) for earlier, later in pairs}
            chosen = list(last_in_year.values())
        else:
            chosen = pairs[-1:]
        for earlier, later in chosen:
            step = later.position - earlier.position
            column = 0 if step > 0 else 1 if step == 0 else 2
            key = earlier.position if by == "position" else _key(later, by)
            counts[_row(row_of, key, later), column] += 1
    return protect_counts(by, rows, columns, counts, k)


def protect_means(
    dimension: Dimension,
    rows: tuple[Key, ...],
    columns: tuple[Key, ...],
    firms: npt.ArrayLike,
    sums: npt.ArrayLike,
    *,
    hidden_groups: Sequence[bool],
    k: int = DEFAULT_K,
) -> MeanTable:
    """A table of means from counts and sums per group and column (``R x C`` each), as SQL can give them.

    ``hidden_groups``: the groups whose number of firms the count table of the same firms and dimension hides
    (``[t is None for t in protect_counts(...).row_totals]``); they are hidden here too. In each column, the
    groups' counts and sums add up to the total's: a column with exactly one hidden group hides a second one.
    """
    n = np.asarray(firms, dtype=np.int64)
    total = np.asarray(sums, dtype=np.float64)
    if n.shape != (len(rows), len(columns)) or total.shape != n.shape:
        raise ValueError(f"firms and sums must have shape {(len(rows), len(columns))}")
    if len(hidden_groups) != len(rows):
        raise ValueError("hidden_groups needs one flag per row")
    shown: list[list[Mean | None]] = [[None] * len(columns) for _ in range(len(rows) + 1)]
    preset = np.array([*hidden_groups, False], dtype=bool)
    for c in range(len(columns)):
        line_n = [*n[:, c], int(n[:, c].sum())]
        line_sum = [*total[:, c], math.fsum(total[:, c])]
        hidden = hidden_in_line(line_n, k, preset=preset, total_fixed=True)
        for r, (count, value) in enumerate(zip(line_n, line_sum, strict=True)):
            if count > 0 and not hidden[r]:
                shown[r][c] = Mean(int(count), float(value) / int(count))
    return MeanTable(
        dimension=dimension,
        rows=rows,
        columns=columns,
        cells=tuple(tuple(r) for r in shown[:-1]),
        totals=tuple(shown[-1]),
    )


def _means_of(
    dimension: Dimension,
    rows: tuple[Key, ...],
    columns: tuple[Key, ...],
    groups: Sequence[Sequence[Sequence[float]]],  # [row][column] -> values
    k: int,
    hidden_groups: Sequence[bool],
) -> MeanTable:
    firms = [[len(groups[r][c]) for c in range(len(columns))] for r in range(len(rows))]
    sums = [[math.fsum(groups[r][c]) for c in range(len(columns))] for r in range(len(rows))]
    return protect_means(
        dimension,
        rows,
        columns,
        np.array(firms, dtype=np.int64).reshape(len(rows), len(columns)),
        np.array(sums, dtype=np.float64).reshape(len(rows), len(columns)),
        hidden_groups=hidden_groups,
        k=k,
    )


def mean_scores(
    waves: Iterable[FirmWave],
    *,
    by: Dimension,
    n_levels: int,
    blocks: Sequence[Measure] = (),
    k: int = DEFAULT_K,
) -> MeanTable:
    """Mean level scores (levels 1 .. ``n_levels``) and the given block scores by ``by``.

    The columns are the measures as ``(level, block)`` keys: the levels first, then ``blocks`` in their order.
    """
    all_waves = _one_model(waves)
    counted = _counted(all_waves, by, n_levels)
    rows = categories(by, all_waves, n_levels)
    measures: tuple[Measure, ...] = tuple((lv, "") for lv in range(1, n_levels + 1)) + tuple(blocks)
    for level, _ in measures:
        if not 1 <= level <= n_levels:
            raise ValueError(f"level {level} outside 1..{n_levels}")
    row_of = {r: i for i, r in enumerate(rows)}
    groups: list[list[list[float]]] = [[[] for _ in measures] for _ in rows]
    for w in counted:
        for c, m in enumerate(measures):
            value = w.scores.get(m)
            if value is not None and not math.isnan(value):
                groups[_row(row_of, _key(w, by), w)][c].append(float(value))
    return _means_of(
        by, rows, tuple(measure_key(m) for m in measures), groups, k, _hidden_groups(counted, by, n_levels, k)
    )


def measure_key(measure: Measure) -> str:
    """The column key of a measure: ``level_1`` for a level's score, the block id for a block."""
    level, block = measure
    return block or f"level_{level}"


def growth_by_position(
    waves: Iterable[FirmWave], *, n_levels: int, indicators: Sequence[str], k: int = DEFAULT_K
) -> MeanTable:
    """The mean of each growth indicator by ladder position (0 .. ``n_levels``): do higher firms grow more?"""
    all_waves = _one_model(waves)
    counted = _counted(all_waves, "position", n_levels)
    rows = categories("position", all_waves, n_levels)
    groups: list[list[list[float]]] = [[[] for _ in indicators] for _ in rows]
    for w in counted:
        for c, indicator in enumerate(indicators):
            value = w.growth.get(indicator)
            if value is not None and not math.isnan(value):
                groups[w.position][c].append(float(value))
    return _means_of("position", rows, tuple(indicators), groups, k, _hidden_groups(counted, "position", n_levels, k))


def _hidden_groups(counted: Sequence[FirmWave], by: Dimension, n_levels: int, k: int) -> list[bool]:
    """The groups whose number of firms the count tables of the same firms hide: a table of means, which shows
    each group's number of firms, hides them too."""
    if by == "position":
        per_position = np.bincount([w.position for w in counted], minlength=n_levels + 1)
        return [bool(h) for h in hidden_in_line([*per_position, len(counted)], k)[:-1]]
    table = position_distribution(counted, by=by, n_levels=n_levels, k=k)
    return [t is None for t in table.row_totals]


def row_label(dimension: Dimension, key: Key, lang: Lang) -> str:
    """The value label of a row or column key."""
    if dimension == "position" and isinstance(key, int):
        return position_label(key, lang)
    if dimension == "sbi_section":
        return f"{key} {label(SBI_SECTIONS, str(key), lang)}"
    if dimension == "size_class":
        return label(SIZE_CLASSES, str(key), lang)
    if dimension == "province":
        return label(PROVINCES, str(key), lang)
    return str(key)


TOTAL = {"nl": "Totaal", "en": "Total"}


def count_rows(table: CountTable, lang: Lang) -> list[list[str]]:
    """The table as text rows for an export or page, a header first; a hidden or empty cell is ""."""

    def text(v: int | None) -> str:
        return "" if v is None else str(v)

    column_dimension: Dimension = "position"
    header: list[str] = [table.dimension]
    if table.columns and table.columns[0] in MOVEMENTS:
        header += [label(MOVEMENTS, str(c), lang) for c in table.columns]
    else:
        header += [row_label(column_dimension, c, lang) for c in table.columns]
    out = [[*header, TOTAL[lang]]]
    for key, cells, total in zip(table.rows, table.cells, table.row_totals, strict=True):
        out.append([row_label(table.dimension, key, lang), *map(text, cells), text(total)])
    out.append([TOTAL[lang], *map(text, table.column_totals), text(table.total)])
    return out


def mean_rows(table: MeanTable, lang: Lang, *, digits: int = 1) -> list[list[str]]:
    """The table as text rows: per column ``<key>_n`` (firms) and ``<key>`` (mean); hidden or empty is "".

    The header holds the codebook's variable names (docs/monitor.md); the first column the rows' value labels.
    """
    header: list[str] = [table.dimension]
    for c in table.columns:
        header += [f"{c}_n", str(c)]
    out = [header]

    def cells(row: Sequence[Mean | None]) -> list[str]:
        texts: list[str] = []
        for m in row:
            texts += ["", ""] if m is None else [str(m.firms), f"{m.mean:.{digits}f}"]
        return texts

    for key, row in zip(table.rows, table.cells, strict=True):
        out.append([row_label(table.dimension, key, lang), *cells(row)])
    out.append([TOTAL[lang], *cells(table.totals)])
    return out


def to_csv(rows: Iterable[Sequence[str]]) -> str:
    """CSV text of :func:`count_rows` or :func:`mean_rows`; a leading = + - @ is neutralised for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(["'" + v if v[:1] in ("=", "+", "-", "@", "\t", "\r") else v for v in row])
    return buffer.getvalue()
