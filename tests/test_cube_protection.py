"""The cube's protection (groeimodel.monitor.cube.hidden_in_cube) checked against its guarantees by a method of
its own: the system of every line of the cube, written out cell by cell here, and the rank of that system with
and without each hidden cell's unit vector (numpy.linalg.matrix_rank, a singular value decomposition): a hidden
cell the published cells determine adds nothing to the rank."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groeimodel.monitor import cube
from groeimodel.monitor.cube import _face_mask, _protect_cube, cube_with_margins, hidden_in_cube, protect_cube
from groeimodel.monitor.tables import protect_counts

K = 5


def line_system(hidden: np.ndarray) -> tuple[list[tuple[int, ...]], np.ndarray]:
    """The hidden cells and one row per line of the cube (along each axis): its inner cells minus its margin, in
    the hidden cells (the published ones are known numbers)."""
    cells = [tuple(int(i) for i in c) for c in np.argwhere(hidden)]
    column = {c: n for n, c in enumerate(cells)}
    rows = []
    for axis, n in enumerate(hidden.shape):
        others = [range(m) for a, m in enumerate(hidden.shape) if a != axis]
        for rest in itertools.product(*others):
            row = np.zeros(len(cells))
            for i in range(n):
                cell = (*rest[:axis], i, *rest[axis:])
                if cell in column:
                    row[column[cell]] = -1.0 if i == n - 1 else 1.0
            rows.append(row)
    return cells, np.array(rows).reshape(len(rows), len(cells))


def pinned_by_rank(hidden: np.ndarray) -> list[tuple[int, ...]]:
    """The hidden cells whose unit vector lies in the row space of the line system."""
    cells, system = line_system(hidden)
    if not cells:
        return []
    rank = np.linalg.matrix_rank(system)
    pinned = []
    for n, cell in enumerate(cells):
        unit = np.zeros((1, len(cells)))
        unit[0, n] = 1.0
        if np.linalg.matrix_rank(np.vstack([system, unit])) == rank:
            pinned.append(cell)
    return pinned


def fixed_faces(shape: tuple[int, ...]) -> np.ndarray:
    fixed = np.zeros(shape, dtype=bool)
    fixed[:, -1, :] = True
    fixed[-1, :, :] = True
    return fixed


def names(n: int, prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}{i}" for i in range(n))


def protected(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y, c = counts.shape
    cube = protect_cube("sbi_section", names(x, "s"), "province", names(y, "p"), tuple(range(c)), counts, K)
    return cube.full, np.array(cube.hidden)


def gave_up(full: np.ndarray, hidden: np.ndarray) -> bool:
    """Whether every non-empty cell that is not fixed is hidden (the cube could not be protected)."""
    return bool(hidden[(full > 0) & ~fixed_faces(full.shape)].all())


def assert_protected(counts: np.ndarray) -> None:
    full, hidden = protected(counts)
    x, y, c = counts.shape
    inner = np.zeros(full.shape, dtype=bool)
    inner[:-1, :-1, :] = True
    assert hidden[inner & (full > 0) & (full < K)].all(), "a cell of 1 to k - 1 firms is shown"
    assert not hidden[full == 0].any()
    by_x = protect_counts("sbi_section", names(x, "s"), tuple(range(c)), full[:-1, -1, :-1], K)
    by_y = protect_counts("province", names(y, "p"), tuple(range(c)), full[-1, :-1, :-1], K)
    x_face, y_face = _face_mask(by_x), _face_mask(by_y)
    # The faces are fixed: as the tables by either dimension hide them (their shared line, the totals per
    # column, as the table by y does: the same unless one of the two tables could not be protected at all).
    faces = np.zeros(full.shape, dtype=bool)
    faces[:, -1, :] = x_face
    faces[-1, :, :] = y_face
    fixed = fixed_faces(full.shape)
    np.testing.assert_array_equal(hidden[fixed], (faces & (full > 0))[fixed])
    below = (x_face[:-1, None, :] | y_face[None, :-1, :]) & (full[:-1, :-1, :] > 0)
    assert hidden[:-1, :-1, :][below].all(), "a part of a hidden face cell is shown"
    if gave_up(full, hidden):
        return
    for axis in range(3):
        assert not (hidden.sum(axis=axis) == 1).any(), "a line with one hidden cell gives it away"
    assert pinned_by_rank(hidden) == [], "a hidden cell follows from the published ones"


@st.composite
def cubes(draw: st.DrawFn) -> np.ndarray:
    shape = (draw(st.integers(1, 5)), draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    value = st.one_of(st.just(0), st.integers(1, 4), st.integers(1, 4), st.integers(5, 40))
    flat = draw(st.lists(value, min_size=int(np.prod(shape)), max_size=int(np.prod(shape))))
    return np.array(flat, dtype=np.int64).reshape(shape)


@settings(max_examples=80, deadline=None)
@given(cubes())
def test_no_hidden_cell_of_a_protected_cube_follows_from_its_published_cells(counts):
    assert_protected(counts)


def sparse_cube(seed: int, shape: tuple[int, int, int], firms: int) -> np.ndarray:
    """Firms over sectors x provinces x positions with very unequal sectors: many small cells, like the
    monitor's cubes."""
    rng = np.random.default_rng(seed)
    weights = [rng.dirichlet(np.full(n, 0.6)) for n in shape]
    p = weights[0][:, None, None] * weights[1][None, :, None] * weights[2][None, None, :]
    return rng.multinomial(firms, p.ravel()).reshape(shape)


@pytest.mark.parametrize(
    ("seed", "shape", "firms"), [(6, (8, 6, 3), 800), (9, (10, 6, 4), 5_000), (3, (10, 7, 3), 2_000)]
)
def test_a_cube_of_realistic_size_with_many_small_cells_is_protected(seed, shape, firms):
    counts = sparse_cube(seed, shape, firms)
    assert ((counts > 0) & (counts < K)).sum() > 15
    assert_protected(counts)


def test_a_cell_no_one_complement_frees_gets_several_that_together_do(monkeypatch):
    sets = []
    original = cube._freeing_set

    def recorded(*args: object) -> object:
        found = original(*args)  # type: ignore[arg-type]
        sets.append(found)
        return found

    monkeypatch.setattr(cube, "_freeing_set", recorded)
    _protect_cube.cache_clear()
    full, hidden = protected(sparse_cube(6, (8, 6, 3), 800))
    assert any(found is not None and len(found) > 1 for found in sets)
    assert not gave_up(full, hidden)
    assert pinned_by_rank(hidden) == []


def test_the_same_counts_hide_the_same_cells_every_time():
    counts = sparse_cube(4, (12, 8, 4), 5_000)
    first = protected(counts)[1]
    for _ in range(3):
        _protect_cube.cache_clear()
        np.testing.assert_array_equal(protected(counts)[1], first)
    full = cube_with_margins(counts)
    preset = np.zeros(full.shape, dtype=bool)
    preset[0, 0, 0] = full[0, 0, 0] > 0
    again = [hidden_in_cube(full, K, preset=preset, fixed=fixed_faces(full.shape)) for _ in range(2)]
    np.testing.assert_array_equal(again[0], again[1])


def test_another_process_hides_the_same_cells():
    """Several server processes protect the same counts on their own: they must agree to the cell."""
    script = (
        "import sys, numpy as np; sys.path.insert(0, sys.argv[1]);"
        "from test_cube_protection import protected, sparse_cube;"
        "print(np.packbits(protected(sparse_cube(6, (8, 6, 3), 800))[1]).tobytes().hex())"
    )
    here = str(Path(__file__).parent)
    other = subprocess.run([sys.executable, "-c", script, here], capture_output=True, text=True, check=True)
    _protect_cube.cache_clear()
    assert other.stdout.strip() == np.packbits(protected(sparse_cube(6, (8, 6, 3), 800))[1]).tobytes().hex()
