"""Filtered monitor tables (no database): every table a reader can request, by any dimension and with any one
filter, is a slice of a protected cube; an attacker who has them all and combines them recovers no hidden cell."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from groeimodel.monitor.cube import (
    cube_with_margins,
    determined,
    hidden_in_cube,
    protect_cube,
    protect_mean_cube,
)
from groeimodel.monitor.tables import Dimension, protect_counts

DIMS: tuple[Dimension, ...] = ("sbi_section", "size_class", "province")
K = 5


def categories(shape: tuple[int, ...]) -> list[tuple[str, ...]]:
    return [tuple(f"{d}{i}" for i in range(n)) for d, n in zip("abc", shape[:3], strict=False)]


def published_aggregates(micro: np.ndarray, k: int = K) -> Iterator[tuple[np.ndarray, float | None, bool]]:
    """Every figure of every table one can request from the firms in ``micro`` (sector x size x province x
    position): as a mask over the micro cells (which firms it counts) and its value, None when not shown.

    The tables: by each dimension without filter, and by each dimension filtered on each value of each other
    dimension; each with its row totals, column totals and grand total."""
    rows = categories(micro.shape)
    columns = tuple(range(micro.shape[3]))
    for a, b in itertools.combinations(range(3), 2):
        other = ({0, 1, 2} - {a, b}).pop()
        counts = micro.sum(axis=other)  # axes a, b, position in that order
        cube = protect_cube(DIMS[a], rows[a], DIMS[b], rows[b], columns, counts, k)
        for where_axis, table_axis in ((a, b), (b, a)):
            for where in (None, *rows[where_axis]):
                table = cube.by(DIMS[table_axis], where=where)
                for r, key in enumerate((*table.rows, None)):
                    cells = (
                        (*table.cells[r], table.row_totals[r])
                        if key is not None
                        else (*table.column_totals, table.total)
                    )
                    for c, value in enumerate(cells):
                        mask = np.ones(micro.shape, dtype=bool)
                        if where is not None:
                            sel = [slice(None)] * 4
                            sel[where_axis] = rows[where_axis].index(where)
                            keep = np.zeros(micro.shape, dtype=bool)
                            keep[tuple(sel)] = True
                            mask &= keep
                        if key is not None:
                            sel = [slice(None)] * 4
                            sel[table_axis] = r
                            keep = np.zeros(micro.shape, dtype=bool)
                            keep[tuple(sel)] = True
                            mask &= keep
                        if c < len(columns):
                            keep = np.zeros(micro.shape, dtype=bool)
                            keep[..., c] = True
                            mask &= keep
                        yield mask, value, where is None


def attack(micro: np.ndarray, k: int = K) -> list[tuple[float, float, float]]:
    """The attacker's bounds on every hidden non-empty figure: (true value, lowest, highest).

    The unknowns are the number of firms in every sector x size x province x position combination; every shown
    figure of every table is an equation; the attacker is even told which hidden figures of the unfiltered tables
    are empty (their firms are all 0; a reader may know that there are no large firms in agriculture), as in
    tests/test_monitor.py. (A reader who also knew which combinations of two dimensions are empty could, in very
    sparse data, pin an unfiltered table's cell with that knowledge alone; the filtered tables add nothing to it,
    since their hidden and empty figures look alike.) Linear programming gives the exact bounds of each one."""
    shown_eq: dict[bytes, tuple[np.ndarray, float]] = {}
    hidden: dict[bytes, np.ndarray] = {}
    zero = np.zeros(micro.shape, dtype=bool)
    for mask, value, unfiltered in published_aggregates(micro, k):
        true = int(micro[mask].sum())
        if value is not None:
            assert value == true
            shown_eq[mask.tobytes()] = (mask, float(value))
        elif true == 0:
            if unfiltered:
                zero |= mask
        else:
            hidden[mask.tobytes()] = mask
    free = ~zero
    n = int(free.sum())
    a_eq = np.array([m[free].astype(float) for m, _ in shown_eq.values()]).reshape(len(shown_eq), n)
    b_eq = np.array([v for _, v in shown_eq.values()])
    if not shown_eq:
        a_eq, b_eq = np.zeros((1, n)), np.zeros(1)
    out = []
    for mask in hidden.values():
        objective = mask[free].astype(float)
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert low.status == 0, low.message
        out.append((float(micro[mask].sum()), low.fun, np.inf if high.status == 3 else -high.fun))
    return out


def assert_nothing_pinned(micro: np.ndarray, k: int = K) -> None:
    """No figure of 1 to k - 1 firms can be worked out. (A hidden figure of k or more firms may follow from the
    published ones, say when all firms of a province are of one size class: that tells no more than a published
    figure would, and the attack works with it.)"""
    for true, low, high in attack(micro, k):
        if true < k:
            assert high - low > 0.5, f"a hidden figure of {true} firms is pinned to {low:.2f}..{high:.2f}"


def test_a_sector_hidden_in_the_unfiltered_table_is_not_given_away_by_the_tables_filtered_on_each_province():
    micro = np.zeros((3, 1, 3, 2), dtype=np.int64)
    micro[0, 0, :, 0] = [6, 6, 6]  # sector a0: 18 firms at position 0, 6 per province
    micro[0, 0, 0, 1] = 2  # and 2 firms at position 1, in province c0
    micro[1, 0, :, :] = [[7, 8], [9, 10], [6, 7]]
    micro[2, 0, :, :] = [[5, 9], [8, 6], [7, 12]]
    rows = categories(micro.shape)
    cube = protect_cube("sbi_section", rows[0], "province", rows[2], (0, 1), micro.sum(axis=1), K)
    assert cube.by("sbi_section").cells[0][1] is None  # the 2 firms
    filtered = [cube.by("sbi_section", where=p) for p in rows[2]]
    # Protected on its own, the table of province c0 would show a0's 6 at position 0 beside its row total 8.
    # Nothing below a hidden cell is shown, and the line of a0 in c0 hides a second cell:
    assert all(t.cells[0][1] is None for t in filtered)
    assert filtered[0].row_totals[0] == 8 and filtered[0].cells[0][0] is None
    assert_nothing_pinned(micro)


def test_without_the_cube_differencing_the_filtered_tables_recovers_a_hidden_cell():
    """The attack is strong enough to matter: the same firms, each table protected on its own, give it away."""
    micro = np.zeros((2, 1, 2, 2), dtype=np.int64)
    micro[0, 0, 0, :] = [9, 2]
    micro[0, 0, 1, :] = [9, 9]
    micro[1, 0, 0, :] = [9, 9]
    micro[1, 0, 1, :] = [9, 9]
    rows = categories(micro.shape)
    per_province = [protect_counts("sbi_section", rows[0], (0, 1), micro[:, 0, p, :], K) for p in range(2)]
    unfiltered = protect_counts("sbi_section", rows[0], (0, 1), micro[:, 0, :, :].sum(axis=1), K)
    # On its own, a0 in c0 hides 2 and its complement; a0 in c1 shows 9 at position 1; the unfiltered table
    # shows a0's 11 at position 1 (>= k); 11 - 9 = 2.
    assert per_province[0].cells[0][1] is None and per_province[1].cells[0][1] == 9
    assert unfiltered.cells[0][1] == 11
    cube = protect_cube("sbi_section", rows[0], "province", rows[2], (0, 1), micro.sum(axis=1), K)
    assert cube.by("sbi_section", where="c1").cells[0][1] is None
    assert_nothing_pinned(micro)


def test_a_filtered_table_of_the_whole_population_is_the_unfiltered_table():
    micro = np.random.default_rng(1).integers(0, 30, size=(3, 2, 3, 3))
    rows = categories(micro.shape)
    cube = protect_cube("sbi_section", rows[0], "province", rows[2], (0, 1, 2), micro.sum(axis=1), K)
    assert cube.by("province") == protect_counts("province", rows[2], (0, 1, 2), micro.sum(axis=(0, 1)), K)
    assert cube.by("sbi_section") == protect_counts("sbi_section", rows[0], (0, 1, 2), micro.sum(axis=(1, 2)), K)


def test_determined_finds_a_cell_that_only_several_lines_together_give_away():
    hidden = np.zeros((3, 3), dtype=bool)
    hidden[0, 0] = hidden[0, 1] = hidden[1, 1] = True  # a path: its ends are bridges, the middle too
    assert determined(hidden) == [(0, 0), (0, 1), (1, 1)]
    hidden[1, 0] = True  # a cycle
    assert determined(hidden) == []


def test_a_cube_that_cannot_be_protected_hides_everything_but_its_fixed_faces():
    full = cube_with_margins(np.array([[[1]]]))
    fixed = np.zeros(full.shape, dtype=bool)
    fixed[:, -1, :] = fixed[-1, :, :] = True
    hidden = hidden_in_cube(full, K, preset=np.zeros(full.shape, dtype=bool), fixed=fixed)
    assert hidden[:-1, :-1, :].all() and not hidden[:, -1, :].any()


@st.composite
def populations(draw: st.DrawFn) -> np.ndarray:
    shape = (draw(st.integers(1, 3)), draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(2, 3)))
    value = st.one_of(st.just(0), st.just(0), st.integers(1, 4), st.integers(5, 12))
    flat = draw(st.lists(value, min_size=int(np.prod(shape)), max_size=int(np.prod(shape))))
    return np.array(flat, dtype=np.int64).reshape(shape)


@settings(max_examples=40, deadline=None)
@given(populations())
def test_no_hidden_figure_can_be_pinned_down_from_every_table_with_every_filter(micro):
    assert_nothing_pinned(micro)


@pytest.mark.parametrize("seed", range(3))
def test_means_of_filtered_groups_hide_what_the_count_cube_hides_and_never_one_group_of_a_line(seed):
    rng = np.random.default_rng(seed)
    n = rng.choice([0, 1, 3, 6, 9], size=(4, 3, 1))
    sums = n * rng.uniform(0, 100, size=n.shape)
    rows = categories((4, 1, 3))
    cube = protect_cube("sbi_section", rows[0], "province", rows[2], (0,), n, K)
    means = protect_mean_cube(cube, n, sums, columns=("level_1",), k=K)
    for i, j in itertools.product(range(5), range(4)):
        if cube.hidden[i, j, -1]:
            assert means.cells[i][j][0] is None
    full_n = np.zeros((5, 4), dtype=np.int64)
    full_n[:-1, :-1] = n[:, :, 0]
    full_n[:-1, -1], full_n[-1, :-1], full_n[-1, -1] = n[:, :, 0].sum(axis=1), n[:, :, 0].sum(axis=0), n.sum()
    hidden = np.array([[means.cells[i][j][0] is None and full_n[i, j] > 0 for j in range(4)] for i in range(5)])
    for line in (*hidden, *hidden.T):
        assert line.sum() != 1  # a line's total would give its one hidden group away
