"""Which cells of a count table with margins may not be published (k-anonymity, primary and complementary).

The table is an ``R x C`` array of counts of firms; with its margins it is ``(R+1) x (C+1)``: the last column
holds the row totals, the last row the column totals, the corner the grand total. Every row of the full table
(the margin row included) is one additive relation ("the cells add up to the margin"), and so is every column.

1. **Primary suppression.** A cell describing at least one and fewer than ``k`` firms is hidden; margins too.
2. **Complementary suppression**, repeated until nothing changes:

   a. *Lines.* A row or column (margin included) with exactly one hidden non-empty cell would give that cell away
      by subtraction; hide the smallest published non-empty cell of that line as well. A cell that its other
      line can protect in turn (one with another hidden cell, or another cell that may still be hidden) comes
      first; then the smallest; an inner cell before the margin; then the first.
   b. *Bridges.* Hiding two cells per line is not always enough: a hidden cell can still follow from several
      lines together. Read the hidden cells as the edges of a bipartite graph between the table's rows and
      columns (margins included). A hidden cell is determined by the published cells exactly when it is a
      *bridge* of that graph (sum the relations on one side of it: every other hidden cell cancels). A hidden
      cell on a cycle is not: adding +1, -1, +1, ... around the cycle changes no published figure, and every
      hidden non-empty cell holds at least 1. So for a bridge, hide the smallest published non-empty cell of its
      row or column, and go back to (a).

   It ends: every round hides one more cell, and when every non-empty cell is hidden no bridge can remain (a
   bridge would have to equal a sum of published cells, all of them zero).

A margin that several tables share (the firms per ladder position over all groups, the same in the table by
sector and in the table by province) is decided once, on its own line (:func:`hidden_in_line`), and then passed
as ``fixed``: never a complement, so every table shows or hides it alike. When a table cannot then be protected,
none of it is published.

Empty cells (0 firms) are never chosen as complements and do not count as protection: an attacker may know a
cell is empty (no large firms in agriculture in one province, say). They are shown exactly like hidden cells
(no value), so a reader cannot tell empty from hidden.

What remains possible is learning bounds (a hidden cell lies between 1 and 7, say); no hidden value is ever
pinned down from one table. Different tables of the same firms (other filters, other dimensions) are a
separate question; see docs/monitor.md.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


def with_margins(counts: npt.ArrayLike) -> IntArray:
    """The ``(R+1) x (C+1)`` table: row totals in the last column, column totals in the last row."""
    inner = np.asarray(counts, dtype=np.int64)
    if inner.ndim != 2:
        raise ValueError("a count table has two dimensions")
    if (inner < 0).any():
        raise ValueError("counts are never negative")
    full = np.zeros((inner.shape[0] + 1, inner.shape[1] + 1), dtype=np.int64)
    full[:-1, :-1] = inner
    full[:-1, -1] = inner.sum(axis=1)
    full[-1, :-1] = inner.sum(axis=0)
    full[-1, -1] = inner.sum()
    return full


def _smallest_published(
    full: IntArray, hidden: BoolArray, fixed: BoolArray, cells: list[tuple[int, int]]
) -> tuple[int, int] | None:
    """The complement to hide among ``cells``: the smallest published non-empty cell that is not fixed.

    A cell that its own other line (its column when chosen in a row, and the other way round) can protect comes
    first: one with another hidden cell there, or another cell that may still be hidden. A margin comes after an
    inner cell of the same size; then the first.
    """
    rows, cols = full.shape

    def free(i: int, j: int) -> bool:
        return bool(full[i, j] > 0 and not hidden[i, j] and not fixed[i, j])

    def protectable(i: int, j: int) -> bool:
        row_line = all(c[0] == i for c in cells)
        others = [(a, j) for a in range(rows) if a != i] if row_line else [(i, b) for b in range(cols) if b != j]
        return any(hidden[c] or free(*c) for c in others)

    candidates = [
        (not protectable(i, j), int(full[i, j]), (i == rows - 1) or (j == cols - 1), i, j)
        for i, j in cells
        if free(i, j)
    ]
    if not candidates:
        return None
    *_, i, j = min(candidates)
    return i, j


def _line_cells(shape: tuple[int, int], axis: int, index: int) -> list[tuple[int, int]]:
    rows, cols = shape
    return [(index, j) for j in range(cols)] if axis == 0 else [(i, index) for i in range(rows)]


def bridges(hidden: BoolArray) -> list[tuple[int, int]]:
    """The hidden cells that are bridges of the row-column graph, that is, that published cells determine."""
    rows = int(hidden.shape[0])
    edges = [(int(i), int(j)) for i, j in zip(*np.nonzero(hidden), strict=True)]
    adjacency: dict[int, list[tuple[int, int]]] = {}  # node -> (neighbour, edge id); rows 0..R, columns R+1..
    for e, (i, j) in enumerate(edges):
        adjacency.setdefault(i, []).append((rows + j, e))
        adjacency.setdefault(rows + j, []).append((i, e))
    # Tarjan's bridge finding, iteratively.
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    found: list[tuple[int, int]] = []
    for root in adjacency:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack: list[tuple[int, int, int]] = [(root, -1, 0)]  # node, edge it was reached by, next neighbour
        while stack:
            node, via, nxt = stack[-1]
            if nxt < len(adjacency[node]):
                stack[-1] = (node, via, nxt + 1)
                neighbour, e = adjacency[node][nxt]
                if e == via:
                    continue
                if neighbour in order:
                    low[node] = min(low[node], order[neighbour])
                else:
                    order[neighbour] = low[neighbour] = len(order)
                    stack.append((neighbour, e, 0))
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        found.append(edges[via])
    return sorted(found)


def hidden_cells(
    full: IntArray, k: int, *, preset: BoolArray | None = None, fixed: BoolArray | None = None
) -> BoolArray:
    """Which cells of the table with margins (see :func:`with_margins`) are not published.

    ``preset``: cells hidden from the start besides the small ones (say, because another table of the same firms
    hides them). ``fixed``: cells whose state is decided elsewhere and that are never chosen as complements (a
    margin that other tables share, so that every table shows or hides it alike). When a complement is needed
    and none can be chosen, nothing of the table is published. Empty cells are left out of the mask (they are
    shown like hidden ones anyway); see the module text.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    nonempty = full > 0
    hidden = nonempty & (full < k)
    if preset is not None:
        hidden |= preset & nonempty
    keep = np.zeros_like(hidden) if fixed is None else fixed.copy()
    shape = (int(full.shape[0]), int(full.shape[1]))
    while True:
        changed = False
        for axis, n in ((0, shape[0]), (1, shape[1])):
            for index in range(n):
                cells = _line_cells(shape, axis, index)
                if sum(bool(hidden[c]) for c in cells) == 1:
                    cell = _smallest_published(full, hidden, keep, cells)
                    if cell is None:
                        return nonempty
                    hidden[cell] = True
                    changed = True
        if changed:
            continue
        found = bridges(hidden)
        if not found:
            return hidden
        i, j = found[0]
        cell = _smallest_published(full, hidden, keep, _line_cells(shape, 0, i) + _line_cells(shape, 1, j))
        if cell is None:
            every = [(a, b) for a in range(shape[0]) for b in range(shape[1])]
            cell = _smallest_published(full, hidden, keep, every)
        if cell is None:
            return nonempty
        hidden[cell] = True


def hidden_in_line(
    counts: npt.ArrayLike, k: int, *, preset: BoolArray | None = None, total_fixed: bool = False
) -> BoolArray:
    """For one additive line of groups and its total (the last element): which are not published.

    Used for the margin that all tables of the same firms share (firms per ladder position), and for each column
    of a table of means, where the groups' counts and sums add up to the total's. ``preset``: groups hidden from
    the start; ``total_fixed``: the total is shown or hidden by the primary rule only, never as a complement
    (when a complement is then needed and none is left, the whole line is hidden).
    """
    line = np.asarray(counts, dtype=np.int64)
    nonempty = line > 0
    hidden = nonempty & (line < k)
    if preset is not None:
        hidden |= preset & nonempty
    if int(hidden.sum()) == 1:
        last = len(line) - 1
        candidates = [
            (int(line[i]), i == last, i)
            for i in range(len(line))
            if nonempty[i] and not hidden[i] and not (total_fixed and i == last)
        ]
        if not candidates:
            return nonempty
        hidden[min(candidates)[2]] = True
    return hidden
