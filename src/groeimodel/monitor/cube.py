"""Filtered monitor tables, protected together with the unfiltered ones (issue 9; docs/monitor.md, "Filters").

A filter picks one value of one dimension (sector C, say) and the page shows the table by another dimension
(province) of the firms with that value. Every such table is a *slice* of one three-way table, a **cube**:
filter dimension x table dimension x column (ladder position, or up/same/down), with all its margins:

* ``full[x, y, c]``: the firms with value ``x`` and ``y`` in column ``c``, the cells of the filtered tables;
* ``full[x, -1, c]``: the face over all ``y``, which is the unfiltered table by the filter's dimension;
* ``full[-1, y, c]``: the face over all ``x``, which is the unfiltered table by the table's dimension;
* ``full[x, y, -1]``: the row totals of the filtered tables (firms with ``x`` and ``y``).

The slice ``full[x, :, :]`` is the table "by y, filtered on x", and ``full[:, y, :]`` is "by x, filtered on y":
both directions of one pair of dimensions are the same cube, protected once. Whatever a reader requests for that
pair, and whatever he adds or subtracts, he works inside the relations of this cube: every line of it (along any
of its three axes) adds up to its margin.

Protection (:func:`hidden_in_cube`), for a cube whose two faces are the unfiltered tables, already protected
(``protect_counts``) and **fixed** here (never a complement, so every page shows and hides them alike):

1. **Primary**: a cell of 1 to ``k - 1`` firms is hidden. Also hidden from the start: every cell below a hidden
   cell of a face (when the unfiltered table hides "sector C, position 4", no filtered table shows any part of
   it), so that the filtered tables tell nothing new about what the unfiltered ones hide, and two cubes that share
   a face (sector x province and sector x size class share the table by sector) cannot be combined against it.
2. **Lines**: a line with exactly one hidden cell hides the smallest other published non-empty cell that is not
   fixed (an inner cell before a row total).
3. **Determined cells**: a hidden cell can follow from several lines together. Write every line with a hidden
   cell as an equation in the hidden cells (published cells are constants); a hidden cell is determined exactly
   when its unit vector lies in the row space of that system (:func:`determined`, by an eigendecomposition,
   per connected group of hidden cells). For a determined cell the smallest free cell of one of its lines is hidden
   too, and the rules run again. At the end every hidden cell lies on a null vector of the system: moving the
   hidden cells along it (by a little, both ways; every hidden non-empty cell holds at least 1) changes no
   published figure, so no hidden value can be worked out, only bounded.

When no complement is left, every non-fixed cell of the cube is hidden (the faces stay as the unfiltered tables
show them).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from groeimodel.monitor.suppression import BoolArray, IntArray, hidden_cells
from groeimodel.monitor.tables import (
    DEFAULT_K,
    CountTable,
    Dimension,
    Key,
    Mean,
    MeanTable,
    protect_counts,
    protect_means,
)

Cell = tuple[int, ...]


def cube_with_margins(counts: npt.ArrayLike) -> IntArray:
    """The ``(X+1) x (Y+1) x (C+1)`` cube of an ``X x Y x C`` array: the last index of each axis is the margin."""
    inner = np.asarray(counts, dtype=np.int64)
    if inner.ndim != 3:
        raise ValueError("a cube has three dimensions")
    if (inner < 0).any():
        raise ValueError("counts are never negative")
    full = np.zeros(tuple(n + 1 for n in inner.shape), dtype=np.int64)
    full[:-1, :-1, :-1] = inner
    full[-1, :-1, :-1] = inner.sum(axis=0)
    full[:-1, -1, :-1] = inner.sum(axis=1)
    full[:-1, :-1, -1] = inner.sum(axis=2)
    full[-1, -1, :-1] = inner.sum(axis=(0, 1))
    full[-1, :-1, -1] = inner.sum(axis=(0, 2))
    full[:-1, -1, -1] = inner.sum(axis=(1, 2))
    full[-1, -1, -1] = inner.sum()
    return full


def _lines_of(cell: Cell, shape: tuple[int, ...]) -> list[tuple[int, Cell]]:
    """The lines through ``cell``: (axis, the cell's index with that axis left out)."""
    return [(axis, cell[:axis] + cell[axis + 1 :]) for axis in range(len(shape))]


def _line_cells(shape: tuple[int, ...], axis: int, rest: Cell) -> list[Cell]:
    return [(*rest[:axis], i, *rest[axis:]) for i in range(shape[axis])]


def determined(hidden: BoolArray) -> list[Cell]:
    """The hidden cells that the published cells determine, through the additivity of every line.

    Each line (along each axis) that holds a hidden cell is one equation: its inner cells minus its margin (the
    last cell) add up to zero. Published cells are constants, so the equation's hidden part is known. A hidden
    cell is determined exactly when its unit vector lies in the row space of those equations: when the
    projection of that unit vector onto the row space has length 1. Computed per connected group of hidden
    cells (cells sharing a line), each by one eigendecomposition of the system's Gram matrix.
    """
    shape = tuple(int(n) for n in hidden.shape)
    cells: list[Cell] = [tuple(int(i) for i in c) for c in np.argwhere(hidden)]
    if not cells:
        return []
    index = {c: n for n, c in enumerate(cells)}
    parent = list(range(len(cells)))

    def root(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    line_members: dict[tuple[int, Cell], list[int]] = {}
    for c in cells:
        for line in _lines_of(c, shape):
            line_members.setdefault(line, []).append(index[c])
    for members in line_members.values():
        for other in members[1:]:
            parent[root(other)] = root(members[0])
    groups: dict[int, list[int]] = {}
    for n in range(len(cells)):
        groups.setdefault(root(n), []).append(n)
    found: list[Cell] = []
    # The matrices are small (hundreds to a few thousand cells); BLAS threads only contend with each other and with
    # the other requests of the server (measured: 20 times slower with them on a busy two-core machine).
    with threadpool_limits(limits=1, user_api="blas"):
        for members in groups.values():
            found += _determined_in(members, cells, line_members, shape)
    return sorted(found)


def _determined_in(
    members: list[int], cells: list[Cell], line_members: dict[tuple[int, Cell], list[int]], shape: tuple[int, ...]
) -> list[Cell]:
    """:func:`determined` for one connected group of hidden cells (indices into ``cells``)."""
    local = {m: i for i, m in enumerate(members)}
    lines = {line for m in members for line in _lines_of(cells[m], shape)}
    matrix = np.zeros((len(lines), len(members)))
    for row, (axis, _rest) in enumerate(sorted(lines)):
        for m in line_members[(axis, _rest)]:
            matrix[row, local[m]] = -1.0 if cells[m][axis] == shape[axis] - 1 else 1.0
    # The row space of the matrix is the range of its Gram matrix: the eigenvectors of the non-zero
    # eigenvalues (a symmetric eigendecomposition of cells x cells, much faster than an SVD of lines x cells).
    values, vectors = np.linalg.eigh(matrix.T @ matrix)
    keep = values > 1e-8 * max(1.0, float(values[-1]))
    projection = (vectors[:, keep] ** 2).sum(axis=1)
    return [cells[m] for m in members if projection[local[m]] > 1 - 1e-7]


def _complement(full: IntArray, hidden: BoolArray, fixed: BoolArray, cells: Sequence[Cell]) -> Cell | None:
    """The cell to hide among ``cells``: the smallest published non-empty one that is not fixed, an inner cell
    before a margin, then the first."""
    shape = full.shape
    candidates = [
        (int(full[c]), any(c[a] == shape[a] - 1 for a in range(len(shape))), c)
        for c in cells
        if full[c] > 0 and not hidden[c] and not fixed[c]
    ]
    return min(candidates)[2] if candidates else None


def hidden_in_cube(full: IntArray, k: int, *, preset: BoolArray, fixed: BoolArray) -> BoolArray:
    """Which cells of a table with margins in any number of dimensions (the last index of each axis is the
    margin) are not published; see the module text. ``preset``: hidden from the start; ``fixed``: decided
    elsewhere, never a complement."""
    if k < 1:
        raise ValueError("k must be at least 1")
    shape = tuple(int(n) for n in full.shape)
    nonempty = full > 0
    hidden = (nonempty & (full < k) & ~fixed) | (preset & nonempty)

    def give_up() -> BoolArray:
        return np.asarray((nonempty & ~fixed) | (hidden & fixed), dtype=bool)

    while True:
        changed = False
        for axis in range(len(shape)):
            per_line = hidden.sum(axis=axis)
            for rest in np.argwhere(per_line == 1):
                rest_cell = tuple(int(i) for i in rest)
                line = _line_cells(shape, axis, rest_cell)
                if sum(bool(hidden[c]) for c in line) != 1:
                    continue  # changed earlier in this round
                cell = _complement(full, hidden, fixed, line)
                if cell is None:
                    return give_up()
                hidden[cell] = True
                changed = True
        if changed:
            continue
        found = determined(hidden)
        if not found:
            return hidden
        # One complement for each determined cell whose lines no earlier one of this round touched (cells apart
        # from each other are protected independently; the others are looked at again in the next round).
        touched: set[tuple[int, Cell]] = set()
        for target in found:
            lines = set(_lines_of(target, shape))
            if lines & touched:
                continue
            near = [c for axis, rest in lines for c in _line_cells(shape, axis, rest)]
            cell = _complement(full, hidden, fixed, near)
            if cell is None:
                every = [tuple(int(i) for i in c) for c in np.argwhere(nonempty & ~hidden & ~fixed)]
                cell = _complement(full, hidden, fixed, every)
            if cell is None:
                return give_up()
            hidden[cell] = True
            touched |= lines | set(_lines_of(cell, shape))


def _face_mask(table: CountTable) -> BoolArray:
    """Which cells of a protected count table (margins included) are hidden or empty (not shown)."""
    rows = [[v is None for v in (*cells, total)] for cells, total in zip(table.cells, table.row_totals, strict=True)]
    rows.append([v is None for v in (*table.column_totals, table.total)])
    return np.array(rows, dtype=bool)


@dataclass(frozen=True)
class CountCube:
    """A protected cube of counts (see the module text) and the tables that are its slices and faces."""

    x_dimension: Dimension
    x_rows: tuple[Key, ...]
    y_dimension: Dimension
    y_rows: tuple[Key, ...]
    columns: tuple[Key, ...]
    full: IntArray
    hidden: BoolArray

    def _table(self, dimension: Dimension, rows: tuple[Key, ...], plane: IntArray, mask: BoolArray) -> CountTable:
        shown = [
            [int(plane[i, j]) if plane[i, j] > 0 and not mask[i, j] else None for j in range(plane.shape[1])]
            for i in range(plane.shape[0])
        ]
        return CountTable(
            dimension=dimension,
            rows=rows,
            columns=self.columns,
            cells=tuple(tuple(r[:-1]) for r in shown[:-1]),
            row_totals=tuple(r[-1] for r in shown[:-1]),
            column_totals=tuple(shown[-1][:-1]),
            total=shown[-1][-1],
        )

    def by(self, dimension: Dimension, *, where: Key | None = None) -> CountTable:
        """The table by ``dimension`` (one of the cube's two), of the firms with value ``where`` of the other
        dimension, or of all firms when ``where`` is None."""
        if dimension == self.y_dimension:
            i = len(self.x_rows) if where is None else self.x_rows.index(where)
            return self._table(dimension, self.y_rows, self.full[i, :, :], self.hidden[i, :, :])
        if dimension == self.x_dimension:
            j = len(self.y_rows) if where is None else self.y_rows.index(where)
            return self._table(dimension, self.x_rows, self.full[:, j, :], self.hidden[:, j, :])
        raise ValueError(f"the cube is by {self.x_dimension} and {self.y_dimension}, not {dimension}")


def protect_cube(
    x_dimension: Dimension,
    x_rows: tuple[Key, ...],
    y_dimension: Dimension,
    y_rows: tuple[Key, ...],
    columns: tuple[Key, ...],
    counts: npt.ArrayLike,
    k: int = DEFAULT_K,
) -> CountCube:
    """Protect the cube of ``X x Y x C`` counts (from SQL: GROUP BY both dimensions and the column).

    Its faces are protected first exactly as the unfiltered tables are (``protect_counts`` of the same sums), so
    the unfiltered page and every filtered page show the same figures where they overlap.
    """
    if x_dimension == y_dimension:
        raise ValueError("a cube needs two different dimensions")
    inner = np.ascontiguousarray(counts, dtype=np.int64)
    return _protect_cube(x_dimension, x_rows, y_dimension, y_rows, columns, inner.tobytes(), inner.shape, k)


@functools.lru_cache(maxsize=64)
def _protect_cube(
    x_dimension: Dimension,
    x_rows: tuple[Key, ...],
    y_dimension: Dimension,
    y_rows: tuple[Key, ...],
    columns: tuple[Key, ...],
    data: bytes,
    shape: tuple[int, ...],
    k: int,
) -> CountCube:
    """:func:`protect_cube`, remembered for the same counts: every filter value of one pair of dimensions, and the
    tables of counts and of means of one page, are slices of the same cube."""
    full = cube_with_margins(np.frombuffer(data, dtype=np.int64).reshape(shape))
    if full.shape != (len(x_rows) + 1, len(y_rows) + 1, len(columns) + 1):
        raise ValueError(f"counts must have shape {(len(x_rows), len(y_rows), len(columns))}")
    by_x = protect_counts(x_dimension, x_rows, columns, full[:-1, -1, :-1], k)
    by_y = protect_counts(y_dimension, y_rows, columns, full[-1, :-1, :-1], k)
    x_face, y_face = _face_mask(by_x), _face_mask(by_y)
    fixed = np.zeros(full.shape, dtype=bool)
    fixed[:, -1, :] = True
    fixed[-1, :, :] = True
    preset = np.zeros(full.shape, dtype=bool)
    preset[:, -1, :] = x_face
    preset[-1, :, :] = y_face
    # Nothing below a hidden face cell is shown.
    preset[:-1, :-1, :] |= x_face[:-1, None, :] | y_face[None, :-1, :]
    hidden = hidden_in_cube(full, k, preset=preset, fixed=fixed)
    full.setflags(write=False)  # shared by every caller of the cache
    hidden.setflags(write=False)
    return CountCube(x_dimension, x_rows, y_dimension, y_rows, columns, full, hidden)


@dataclass(frozen=True)
class MeanCube:
    """Means of ``X x Y`` groups per column, protected with the unfiltered tables of means by either dimension."""

    x_dimension: Dimension
    x_rows: tuple[Key, ...]
    y_dimension: Dimension
    y_rows: tuple[Key, ...]
    columns: tuple[Key, ...]
    cells: tuple[tuple[tuple[Mean | None, ...], ...], ...]  # [x + margin][y + margin][column]

    def by(self, dimension: Dimension, *, where: Key | None = None) -> MeanTable:
        """The table of means by ``dimension`` of the firms with value ``where`` of the other dimension."""
        if dimension == self.y_dimension:
            i = len(self.x_rows) if where is None else self.x_rows.index(where)
            plane = list(self.cells[i])
            rows = self.y_rows
        elif dimension == self.x_dimension:
            j = len(self.y_rows) if where is None else self.y_rows.index(where)
            plane = [self.cells[i][j] for i in range(len(self.x_rows) + 1)]
            rows = self.x_rows
        else:
            raise ValueError(f"the cube is by {self.x_dimension} and {self.y_dimension}, not {dimension}")
        return MeanTable(
            dimension=dimension, rows=rows, columns=self.columns, cells=tuple(plane[:-1]), totals=plane[-1]
        )


def _mean_mask(table: MeanTable, column: int) -> BoolArray:
    return np.array([m[column] is None for m in (*table.cells, table.totals)], dtype=bool)


def protect_mean_cube(
    counts: CountCube, firms: npt.ArrayLike, sums: npt.ArrayLike, *, columns: tuple[Key, ...], k: int = DEFAULT_K
) -> MeanCube:
    """Means per ``X x Y`` group and column (``firms`` and ``sums``: ``X x Y x M``, from SQL), protected per column
    as a two-way table whose margins are the unfiltered tables of means by either dimension (fixed).

    A group whose number of firms the count cube hides (``counts.full[x, y, -1]``) is hidden from the start, and
    so is every group of a hidden margin (as for the count cube). Within a column, the groups' counts and sums add
    up along both dimensions, so the same two-way rule (lines and bridges) that protects a count table protects
    the sums.
    """
    n = np.asarray(firms, dtype=np.int64)
    total = np.asarray(sums, dtype=np.float64)
    nx, ny = len(counts.x_rows), len(counts.y_rows)
    if n.shape != (nx, ny, len(columns)) or total.shape != n.shape:
        raise ValueError(f"firms and sums must have shape {(nx, ny, len(columns))}")
    hidden_x_groups = [bool(counts.hidden[i, -1, -1]) or counts.full[i, -1, -1] == 0 for i in range(nx)]
    hidden_y_groups = [bool(counts.hidden[-1, j, -1]) or counts.full[-1, j, -1] == 0 for j in range(ny)]
    by_x = protect_means(
        counts.x_dimension, counts.x_rows, columns, n.sum(axis=1), total.sum(axis=1), hidden_groups=hidden_x_groups, k=k
    )
    by_y = protect_means(
        counts.y_dimension, counts.y_rows, columns, n.sum(axis=0), total.sum(axis=0), hidden_groups=hidden_y_groups, k=k
    )
    out: list[list[list[Mean | None]]] = [[[None] * len(columns) for _ in range(ny + 1)] for _ in range(nx + 1)]
    group_hidden = counts.hidden[:, :, -1]
    for c in range(len(columns)):
        full_n = np.zeros((nx + 1, ny + 1), dtype=np.int64)
        full_n[:-1, :-1] = n[:, :, c]
        full_n[:-1, -1] = n[:, :, c].sum(axis=1)
        full_n[-1, :-1] = n[:, :, c].sum(axis=0)
        full_n[-1, -1] = n[:, :, c].sum()
        full_sum = np.zeros((nx + 1, ny + 1), dtype=np.float64)
        full_sum[:-1, :-1] = total[:, :, c]
        full_sum[:-1, -1] = total[:, :, c].sum(axis=1)
        full_sum[-1, :-1] = total[:, :, c].sum(axis=0)
        full_sum[-1, -1] = total[:, :, c].sum()
        x_mask, y_mask = _mean_mask(by_x, c), _mean_mask(by_y, c)
        fixed = np.zeros(full_n.shape, dtype=bool)
        fixed[:, -1] = True
        fixed[-1, :] = True
        preset = np.zeros(full_n.shape, dtype=bool)
        preset[:, -1] = x_mask
        preset[-1, :] = y_mask
        preset[:-1, :-1] = group_hidden[:-1, :-1] | x_mask[:-1, None] | y_mask[None, :-1]
        hidden = hidden_cells(full_n, k, preset=preset, fixed=fixed)
        hidden[:, -1] |= x_mask
        hidden[-1, :] |= y_mask
        for i, j in itertools.product(range(nx + 1), range(ny + 1)):
            if full_n[i, j] > 0 and not hidden[i, j]:
                out[i][j][c] = Mean(int(full_n[i, j]), float(full_sum[i, j]) / int(full_n[i, j]))
    cells = tuple(tuple(tuple(col) for col in row) for row in out)
    return MeanCube(counts.x_dimension, counts.x_rows, counts.y_dimension, counts.y_rows, columns, cells)
