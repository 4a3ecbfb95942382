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
   per connected group of hidden cells). A determined cell gets a complement that frees it: the smallest free
   cell (published, non-empty, not fixed; an inner cell before a margin) of its lines, else of the cube, whose
   hiding leaves a move of the hidden cells that changes it and no published figure; when no one cell does, the
   cheapest few that together do (:func:`_freeing_set`). One round gives every determined cell of the round's
   system its complement (a cell that the move of an earlier complement of the round changes needs none), and
   the rules run again, each round from scratch: a pure function of the counts, never of an earlier state. It
   ends when a round finds no determined cell. Then every hidden cell lies on a null vector of the system:
   moving the hidden cells along it (by a little, both ways; every hidden non-empty cell holds at least 1)
   changes no published figure, so no hidden value can be worked out, only bounded.

When no complement is left (or hiding every free cell would not free a determined one), every non-fixed cell of
the cube is hidden (the faces stay as the unfiltered tables show them).
"""

from __future__ import annotations

import functools
import itertools
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


# Numbers below these are taken for zero: the matrices hold -1, 0 and 1, so the figures that are not zero are far
# larger (the same thresholds as the eigenvalues' and projections' of :func:`determined`).
_EIGEN_TOLERANCE = 1e-8
_PROJECTION_TOLERANCE = 1e-7


def _one_thread() -> threadpool_limits:
    """The matrices are small (hundreds of cells); BLAS threads only contend with each other and with the other
    requests of the server (measured: 20 times slower with them on a busy two-core machine)."""
    return threadpool_limits(limits=1, user_api="blas")


def _line_ids(cells: IntArray, shape: tuple[int, ...]) -> tuple[IntArray, IntArray]:
    """Per cell (rows of ``cells``, one index per axis) and axis: the number of the line along that axis through
    it (numbered axis by axis) and its sign in that line's equation (-1 for the line's margin, else 1)."""
    ids = np.empty(cells.shape, dtype=np.int64)
    offset = 0
    for axis in range(len(shape)):
        rest = tuple(n for a, n in enumerate(shape) if a != axis)
        rest_index = tuple(cells[:, a] for a in range(len(shape)) if a != axis)
        ids[:, axis] = offset + (np.ravel_multi_index(rest_index, rest) if rest else 0)
        offset += int(np.prod(rest, dtype=np.int64))
    signs = np.where(cells == np.array(shape) - 1, -1, 1).astype(np.int64)
    return ids, signs


@dataclass
class _Group:
    """One connected group of hidden cells (cells that share lines, directly or through others) and its system:
    a row per line through one of its cells, a column per cell."""

    members: IntArray  # indices into the analysed cells, ascending
    lines: IntArray  # the line numbers of the rows, ascending
    matrix: npt.NDArray[np.float64]
    vectors: npt.NDArray[np.float64]  # an orthonormal basis of the row space (eigenvectors of the Gram matrix)
    values: npt.NDArray[np.float64]  # their eigenvalues (not zero)
    projection: npt.NDArray[np.float64]  # per member: the squared length of its unit vector's projection on it
    _range: npt.NDArray[np.float64] | None = None

    @property
    def range_basis(self) -> npt.NDArray[np.float64]:
        """An orthonormal basis of the column space: ``matrix @ vectors / sqrt(values)``."""
        if self._range is None:
            self._range = (self.matrix @ self.vectors) / np.sqrt(self.values)
        return self._range


@dataclass
class _Analysis:
    """The hidden cells of a table with margins, their connected groups and each group's system."""

    shape: tuple[int, ...]
    cells: IntArray  # the hidden cells, in the order of ``np.argwhere``
    line_ids: IntArray
    signs: IntArray
    groups: list[_Group]
    group_of_line: IntArray  # per line number: the group whose cells it holds, -1 for a line without hidden cell

    def determined(self) -> IntArray:
        """The indices (into ``cells``) of the determined cells, ascending."""
        found = [g.members[g.projection > 1 - _PROJECTION_TOLERANCE] for g in self.groups]
        return np.sort(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)


def _analyse(hidden: BoolArray) -> _Analysis:
    """The connected groups of the ``hidden`` cells and each group's system, eigendecomposed (see
    :func:`determined`); a pure function of ``hidden``."""
    shape = tuple(int(n) for n in hidden.shape)
    cells = np.argwhere(hidden).astype(np.int64)
    n = len(cells)
    n_lines = sum(int(np.prod(np.delete(shape, axis), dtype=np.int64)) for axis in range(len(shape)))
    ids, signs = _line_ids(cells, shape)
    # Connected groups: every cell takes the smallest label among the cells of its lines, until nothing changes.
    label = np.arange(n, dtype=np.int64)
    flat_ids = ids.ravel()
    while n:
        smallest = np.full(n_lines, n, dtype=np.int64)
        np.minimum.at(smallest, flat_ids, np.repeat(label, len(shape)))
        new = smallest[ids].min(axis=1)
        new = new[new]  # pointer jumping: a label's own label is at most it
        if (new == label).all():
            break
        label = new
    groups: list[_Group] = []
    group_of_line = np.full(n_lines, -1, dtype=np.int64)
    for root in np.unique(label):
        members = np.flatnonzero(label == root)
        lines, rows = np.unique(ids[members], return_inverse=True)
        rows = rows.reshape(len(members), len(shape))
        matrix = np.zeros((len(lines), len(members)))
        matrix[rows, np.arange(len(members))[:, None]] = signs[members]
        # The row space of the matrix is the range of its Gram matrix: the eigenvectors of the non-zero
        # eigenvalues (a symmetric eigendecomposition of cells x cells, much faster than an SVD of lines x cells).
        values, vectors = np.linalg.eigh(matrix.T @ matrix)
        keep = values > _EIGEN_TOLERANCE * max(1.0, float(values[-1]))
        projection = (vectors[:, keep] ** 2).sum(axis=1)
        group_of_line[lines] = len(groups)
        groups.append(_Group(members, lines, matrix, vectors[:, keep], values[keep], projection))
    return _Analysis(shape, cells, ids, signs, groups, group_of_line)


def determined(hidden: BoolArray) -> list[Cell]:
    """The hidden cells that the published cells determine, through the additivity of every line.

    Each line (along each axis) that holds a hidden cell is one equation: its inner cells minus its margin (the
    last cell) add up to zero. Published cells are constants, so the equation's hidden part is known. A hidden
    cell is determined exactly when its unit vector lies in the row space of those equations: when the
    projection of that unit vector onto the row space has length 1. Computed per connected group of hidden
    cells (cells sharing a line), each by one eigendecomposition of the system's Gram matrix.
    """
    with _one_thread():
        analysis = _analyse(hidden)
    return [tuple(int(i) for i in analysis.cells[m]) for m in analysis.determined()]


def _null_move(analysis: _Analysis, cells: IntArray, weights: npt.NDArray[np.float64]) -> dict[int, float] | None:
    """What hiding ``cells`` (rows) as well frees: a move of the hidden cells that, with the new cells changed by
    ``weights``, changes no published figure (the hidden cells' changes, by index into ``analysis.cells``, those
    not zero), or None when there is none (the new cells' combined column is not in the range of the system).

    The move is the least-squares solution of ``matrix @ move = -column``, per group the new cells' lines reach.
    """
    ids, signs = _line_ids(cells, analysis.shape)
    column = np.zeros(len(analysis.group_of_line))
    np.add.at(column, ids.ravel(), (signs * weights[:, None]).ravel())
    lines = np.flatnonzero(np.abs(column) > _PROJECTION_TOLERANCE)
    move: dict[int, float] = {}
    for group_index in np.unique(analysis.group_of_line[lines]):
        if group_index < 0:
            return None  # a line with no hidden cell: that line alone gives the new cells away
        group = analysis.groups[int(group_index)]
        part = column[group.lines]
        coefficients = part @ group.range_basis  # range_basis.T @ column
        if float(part @ part) - float(coefficients @ coefficients) > _PROJECTION_TOLERANCE:
            return None
        change = -(group.vectors @ (coefficients / np.sqrt(group.values)))
        for m, value in zip(group.members, change, strict=True):
            if abs(value) > _PROJECTION_TOLERANCE:
                move[int(m)] = float(value)
    return move


def _frees(analysis: _Analysis, candidates: IntArray, target: int) -> BoolArray:
    """Per candidate cell (rows of ``candidates``): whether hiding it as well frees the determined cell ``target``
    (an index into ``analysis.cells``): whether :func:`_null_move` finds a move for it that changes ``target``."""
    shape = analysis.shape
    ids, signs = _line_ids(candidates, shape)
    groups = analysis.group_of_line[ids]
    ok: BoolArray = np.asarray((groups >= 0).all(axis=1), dtype=bool)
    target_group = int(analysis.group_of_line[analysis.line_ids[target, 0]])
    change = np.zeros(len(candidates))
    for group_index in np.unique(groups[ok]):
        group = analysis.groups[int(group_index)]
        on = (groups == group_index) & ok[:, None]
        rows = np.searchsorted(group.lines, np.where(on, ids, group.lines[0]))
        weights = np.where(on, signs, 0).astype(np.float64)
        coefficients = np.einsum("cl,clr->cr", weights, group.range_basis[rows])
        ok &= on.sum(axis=1) - (coefficients**2).sum(axis=1) <= _PROJECTION_TOLERANCE
        if group_index == target_group:
            at = int(np.searchsorted(group.members, target))
            change = -(coefficients / np.sqrt(group.values)) @ group.vectors[at]
    return np.asarray(ok & (np.abs(change) > _PROJECTION_TOLERANCE), dtype=bool)


def _columns(analysis: _Analysis, candidates: IntArray, target: int) -> npt.NDArray[np.float64]:
    """Per candidate cell (rows of ``candidates``) a column ``(r, w)`` (see :func:`_freeing_set`): its column in
    the system of every line of the cube, less its projection on the range of the round's system, and the change
    of ``target`` in the least-squares move for it."""
    n_lines = len(analysis.group_of_line)
    ids, signs = _line_ids(candidates, analysis.shape)
    columns = np.zeros((n_lines + 1, len(candidates)))
    columns[ids, np.arange(len(candidates))[:, None]] = signs
    groups = analysis.group_of_line[ids]
    target_group = int(analysis.group_of_line[analysis.line_ids[target, 0]])
    for group_index in np.unique(groups[groups >= 0]):
        group = analysis.groups[int(group_index)]
        on = groups == group_index
        rows = np.searchsorted(group.lines, np.where(on, ids, group.lines[0]))
        weights = np.where(on, signs, 0).astype(np.float64)
        coefficients = np.einsum("cl,clr->cr", weights, group.range_basis[rows])
        columns[group.lines] -= group.range_basis @ coefficients.T
        if group_index == target_group:
            at = int(np.searchsorted(group.members, target))
            columns[-1] = (coefficients / np.sqrt(group.values)) @ group.vectors[at]
    return columns


def _freeing_set(
    analysis: _Analysis, candidates: IntArray, target: int
) -> tuple[IntArray, npt.NDArray[np.float64]] | None:
    """Some cells among ``candidates`` (rows, cheapest first) whose hiding together frees ``target`` (an index into
    ``analysis.cells``), as indices into ``candidates`` with the weights of a move of them that frees it (see
    :func:`_null_move`), or None when all of them together do not.

    Hiding cells with columns ``b`` frees ``target`` when some combination ``B t`` of them lies in the range of the
    system (``r = b - U U^T b``: ``R t = 0``, for the orthonormal basis ``U`` of the range) and its least-squares
    move changes ``target`` (``w = (A^+ b)[target]``: ``w . t = 1``): when ``(0, 1)`` lies in the span of the
    columns ``(r, w)``. Taken in order, the columns that add to the span form a basis (the cheapest, as a spanning
    tree is built edge by edge); the ones with a coefficient in the unique expression of ``(0, 1)`` in that basis
    are a minimal set that frees ``target``. The basis is built by blocks of columns (a QR decomposition each)."""
    size = len(analysis.group_of_line) + 1
    basis = np.zeros((size, size))
    triangle = np.zeros((size, size))  # columns[:, kept] = basis @ triangle
    kept: list[int] = []
    start = 0
    while start < len(candidates) and len(kept) < size:
        k = len(kept)
        block = np.arange(start, min(start + 64, len(candidates)))
        columns = _columns(analysis, candidates[block], target)
        first = basis[:, :k].T @ columns
        rest = columns - basis[:, :k] @ first
        second = basis[:, :k].T @ rest  # twice, for accuracy
        rest -= basis[:, :k] @ second
        scale = _PROJECTION_TOLERANCE * np.maximum(1.0, np.linalg.norm(columns, axis=0))
        adds = np.flatnonzero(np.linalg.norm(rest, axis=0) > scale)[: size - k]  # the others add nothing
        q, r = np.linalg.qr(rest[:, adds])
        # The decomposition holds up to the first column that adds nothing to the span of those before it; the
        # block is done again from the one after it.
        dependent = np.abs(np.diag(r)) <= scale[adds]
        n = int(np.argmax(dependent)) if dependent.any() else len(adds)
        reached = 1 - ((basis[-1, :k] ** 2).sum() + np.cumsum(q[-1, :n] ** 2)) <= _PROJECTION_TOLERANCE
        if reached.any():
            n = int(np.argmax(reached)) + 1
        basis[:, k : k + n] = q[:, :n]
        triangle[:k, k : k + n] = (first + second)[:, adds[:n]]
        triangle[k : k + n, k : k + n] = r[:n, :n]
        kept += [int(i) for i in block[adds[:n]]]
        if reached.any():
            # The expression of (0, 1) in the kept columns: triangle @ coefficients = basis.T @ (0, 1).
            end = k + n
            coefficients = np.linalg.solve(triangle[:end, :end], basis[-1, :end])
            used = np.abs(coefficients) > _PROJECTION_TOLERANCE
            return np.array(kept, dtype=np.int64)[used], coefficients[used]
        start = int(block[adds[n]]) + 1 if n < len(adds) else int(block[-1]) + 1
    return None


def _order(full: IntArray, cells: IntArray) -> IntArray:
    """``cells`` in the order complements are chosen: the smallest, an inner cell before a margin, then the first
    (in index order)."""
    shape = np.array(full.shape)
    value = full[tuple(cells.T)]
    margin = (cells == shape - 1).any(axis=1)
    keys = [cells[:, a] for a in reversed(range(cells.shape[1]))]
    return cells[np.lexsort((*keys, margin, value))]


def _free(full: IntArray, hidden: BoolArray, fixed: BoolArray) -> BoolArray:
    return np.asarray((full > 0) & ~hidden & ~fixed, dtype=bool)


def _line_cells(shape: tuple[int, ...], cell: IntArray) -> IntArray:
    """Every cell of the lines through ``cell`` (the cell itself once per line)."""
    out = []
    for axis in range(len(shape)):
        line = np.repeat(cell[None, :], shape[axis], axis=0)
        line[:, axis] = np.arange(shape[axis])
        out.append(line)
    return np.concatenate(out)


def _protect_lines(full: IntArray, hidden: BoolArray, fixed: BoolArray) -> bool | None:
    """Rule 2, in place: a line with exactly one hidden cell hides the smallest other published non-empty cell
    that is not fixed (an inner cell before a margin, then the first), until no such line is left. Whether it
    hid anything; None when a line has no cell left to hide."""
    shape = full.shape
    changed = False
    while True:
        before = changed
        for axis in range(len(shape)):
            for rest in np.argwhere(hidden.sum(axis=axis) == 1):
                index: tuple[int | slice, ...] = (
                    *(int(i) for i in rest[:axis]),
                    slice(None),
                    *(int(i) for i in rest[axis:]),
                )
                if hidden[index].sum() != 1:
                    continue  # changed earlier in this pass
                free = np.flatnonzero(_free(full[index], hidden[index], fixed[index]))
                if not len(free):
                    return None
                margin = free == shape[axis] - 1
                chosen = free[np.lexsort((free, margin, full[index][free]))[0]]
                line = list(index)
                line[axis] = int(chosen)
                hidden[tuple(line)] = True
                changed = True
        if changed == before:
            return changed


def hidden_in_cube(full: IntArray, k: int, *, preset: BoolArray, fixed: BoolArray) -> BoolArray:
    """Which cells of a table with margins in any number of dimensions (the last index of each axis is the
    margin) are not published; see the module text. ``preset``: hidden from the start; ``fixed``: decided
    elsewhere, never a complement.

    Each round protects the lines (rule 2), then finds the determined cells from scratch (:func:`determined`)
    and gives every one of them a complement that frees it: the smallest free cell of its lines, else of the
    cube, whose hiding leaves a move of the hidden cells that changes that cell and no published figure (the
    least-squares solution of the round's system, :func:`_frees`), else the cheapest few free cells that
    together do (:func:`_freeing_set`); a cell that the move of an earlier complement of the round changes needs
    none. It ends when a round finds no determined cell.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    nonempty = full > 0
    hidden = np.asarray((nonempty & (full < k) & ~fixed) | (preset & nonempty), dtype=bool)
    with _one_thread():
        return _hide_until_free(full, hidden, fixed)


def _hide_until_free(full: IntArray, hidden: BoolArray, fixed: BoolArray) -> BoolArray:
    """:func:`hidden_in_cube` after primary suppression: hides complements in ``hidden`` and returns it (or, when
    the cube cannot be protected, every cell that is not fixed)."""
    shape = tuple(int(n) for n in full.shape)
    nonempty = full > 0

    def give_up() -> BoolArray:
        return np.asarray((nonempty & ~fixed) | (hidden & fixed), dtype=bool)

    while True:
        if _protect_lines(full, hidden, fixed) is None:
            return give_up()
        analysis = _analyse(hidden)
        found = analysis.determined()
        if not len(found):
            return hidden
        freed: set[int] = set()
        for target in found:
            if int(target) in freed:
                continue
            free = _free(full, hidden, fixed)
            near = _line_cells(shape, analysis.cells[target])
            near = _order(full, np.unique(near[free[tuple(near.T)]], axis=0))
            chosen: Cell | None = None
            for candidates in (near, _order(full, np.argwhere(free))):
                helps = np.flatnonzero(_frees(analysis, candidates, int(target)))
                if len(helps):
                    chosen = tuple(int(i) for i in candidates[helps[0]])
                    move = _null_move(analysis, candidates[helps[:1]], np.ones(1))
                    freed |= move.keys() if move is not None else {int(target)}
                    break
            if chosen is not None:
                hidden[chosen] = True
                continue
            # No one cell frees it: the cheapest few that together do.
            every = _order(full, np.argwhere(free))
            together = _freeing_set(analysis, every, int(target)) if len(every) else None
            if together is not None:
                cells, weights = every[together[0]], together[1]
                hidden[tuple(cells.T)] = True
                move = _null_move(analysis, cells, weights)
                freed |= {int(target), *(move or {})}
            elif not freed:
                return give_up()  # hiding every free cell would not free it either


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
