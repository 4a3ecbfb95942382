"""The monitor's tables (no database): counts and means by dimension, k-anonymous, and no cell recoverable."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from groeimodel.monitor import (
    CountTable,
    FirmWave,
    count_rows,
    growth_by_position,
    mean_rows,
    mean_scores,
    movement,
    position_distribution,
    protect_counts,
    protect_means,
    to_csv,
)
from groeimodel.monitor.suppression import bridges, hidden_cells, hidden_in_line, with_margins


def wave(company: int, *, wave: int = 0, year: int = 2024, sbi: str = "C", size: str = "small", province: str = "UT",
         position: int = 1, model: str = "groeimodel", level1: float | None = 50.0,
         growth: dict[str, float | None] | None = None) -> FirmWave:  # fmt: skip
    return FirmWave(
        company=company,
        wave=wave,
        year=year,
        model_id=model,
        sbi_section=sbi,
        size_class=size,
        province=province,
        position=position,
        scores={(1, ""): level1, (1, "l1.processen"): level1},
        growth=growth or {},
    )


def firms(start: int, n: int, **kwargs: object) -> list[FirmWave]:
    return [wave(start + i, **kwargs) for i in range(n)]  # type: ignore[arg-type]


def published(table: CountTable) -> np.ndarray:
    """The table with margins as a reader sees it: NaN where nothing is shown."""
    rows = [[*r, t] for r, t in zip(table.cells, table.row_totals, strict=True)]
    rows.append([*table.column_totals, table.total])
    return np.array([[np.nan if v is None else v for v in r] for r in rows], dtype=float)


def attack(full: np.ndarray, shown: np.ndarray) -> dict[tuple[int, int], tuple[float, float]]:
    """What a reader can learn of each unpublished non-empty cell: its lowest and highest possible value.

    The attacker solves the table's additivity (every row and column of the full table adds up to its margin)
    with every published cell fixed, and is even told which unpublished cells are empty (they are fixed at 0);
    the unknowns are only non-negative. Linear programming gives the exact bounds of every unknown.
    """
    rows, cols = full.shape
    unknown = [(i, j) for i in range(rows) for j in range(cols) if np.isnan(shown[i, j]) and full[i, j] > 0]
    if not unknown:
        return {}
    index = {c: n for n, c in enumerate(unknown)}
    equations, rhs = [], []
    lines = [[(i, j) for j in range(cols)] for i in range(rows)] + [[(i, j) for i in range(rows)] for j in range(cols)]
    for line in lines:
        *inner, margin = line
        coefficients = np.zeros(len(unknown))
        constant = 0.0
        for cell, sign in [*((c, 1.0) for c in inner), (margin, -1.0)]:
            if cell in index:
                coefficients[index[cell]] += sign
            elif not np.isnan(shown[cell]):
                constant += sign * shown[cell]
        equations.append(coefficients)
        rhs.append(-constant)
    a_eq, b_eq = np.array(equations), np.array(rhs)
    bounds = {}
    for cell, n in index.items():
        objective = np.zeros(len(unknown))
        objective[n] = 1.0
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert low.status == 0
        bounds[cell] = (low.fun, np.inf if high.status == 3 else -high.fun)
    return bounds


def assert_nothing_pinned(full: np.ndarray, shown: np.ndarray) -> None:
    for cell, (low, high) in attack(full, shown).items():
        assert high - low > 0.5, f"cell {cell} (true value {full[cell]}) is pinned to {low}..{high}"


# --- suppression ---------------------------------------------------------------------------------------------


def test_a_cell_of_fewer_than_k_firms_is_not_shown_and_looks_like_an_empty_one():
    waves = firms(0, 3, sbi="C", position=1) + firms(10, 20, sbi="C", position=2)
    for start, sbi in ((100, "F"), (200, "G")):
        waves += firms(start, 20, sbi=sbi, position=1) + firms(start + 50, 20, sbi=sbi, position=3)
    table = position_distribution(waves, by="sbi_section", n_levels=4)
    c, g = table.rows.index("C"), table.rows.index("G")
    assert table.cells[c][1] is None  # 3 firms
    assert table.cells[c][0] is None  # empty: the same None
    assert table.cells[g][3] == 20 and table.total == 103
    text = count_rows(table, "nl")
    assert text[c + 1][2] == "" and text[c + 1][1] == ""  # hidden and empty render alike
    assert "3" not in text[c + 1]
    a = table.rows.index("A")  # no firms at all
    parsed = list(csv.reader(io.StringIO(to_csv(text))))
    assert parsed[c + 1][2] == parsed[c + 1][1] == parsed[a + 1][2] == ""  # 3 firms, none, none: alike
    assert_nothing_pinned(with_margins(_counts(table, waves)), published(table))


def test_every_sbi_section_is_a_row_even_without_firms_so_a_hidden_row_looks_like_an_empty_one():
    table = position_distribution(firms(0, 3, sbi="C"), by="sbi_section", n_levels=4)
    assert len(table.rows) == 21
    c, a = table.rows.index("C"), table.rows.index("A")
    assert table.cells[c] == table.cells[a] and table.row_totals[c] == table.row_totals[a] is None
    assert table.total is None  # three firms in all


def test_a_row_with_one_hidden_cell_hides_a_second_so_the_row_total_does_not_give_it_away():
    waves = firms(0, 3, sbi="C", position=1) + firms(10, 8, sbi="C", position=2) + firms(20, 30, sbi="C", position=3)
    waves += (
        firms(100, 9, sbi="F", position=1) + firms(120, 12, sbi="F", position=2) + firms(140, 30, sbi="F", position=3)
    )
    table = position_distribution(waves, by="sbi_section", n_levels=4)
    c = table.rows.index("C")
    assert table.cells[c][1] is None and table.cells[c][2] is None  # 3 primary, 8 (the next smallest) with it
    assert table.row_totals[c] == 41 and table.cells[c][3] == 30
    assert_nothing_pinned(with_margins(_counts(table, waves)), published(table))


def _counts(table: CountTable, waves: Sequence[FirmWave]) -> np.ndarray:
    counts = np.zeros((len(table.rows), len(table.columns)), dtype=np.int64)
    for w in waves:
        counts[table.rows.index(w.sbi_section), w.position] += 1
    return counts


def test_a_hidden_cell_that_only_several_lines_together_would_give_away_is_protected_too():
    counts = np.array([[0, 1, 6, 6], [1, 20, 20, 1], [8, 3, 6, 8], [6, 8, 2, 3]])
    full = with_margins(counts)
    # Two hidden cells in every line (the line rule alone) still leave the 2 at (3, 2) pinned down:
    lines_only = np.array(
        [[0, 1, 1, 0, 0], [1, 0, 0, 1, 0], [0, 1, 1, 0, 0], [1, 0, 1, 1, 0], [0, 0, 0, 0, 0]], dtype=bool
    )
    assert bridges(lines_only) == [(3, 2)]
    assert attack(full, np.where(lines_only | (full == 0), np.nan, full.astype(float)))[(3, 2)] == (
        pytest.approx(2),
        pytest.approx(2),
    )
    hidden = hidden_cells(full, 5)
    assert (hidden >= lines_only).all() and bridges(hidden) == []
    assert_nothing_pinned(full, np.where(hidden | (full == 0), np.nan, full.astype(float)))


def test_a_table_of_firms_all_below_k_shows_nothing():
    full = with_margins([[1, 2], [0, 1]])
    assert hidden_cells(full, 5)[full > 0].all()


@st.composite
def count_tables(draw: st.DrawFn) -> np.ndarray:
    rows, cols = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    small = st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 40))
    return np.array(draw(st.lists(st.lists(small, min_size=cols, max_size=cols), min_size=rows, max_size=rows)))


@settings(max_examples=200, deadline=None)
@given(count_tables(), st.integers(2, 6))
def test_no_hidden_cell_follows_from_one_rows_or_one_columns_published_cells_and_its_margin(counts, k):
    full = with_margins(counts)
    hidden = hidden_cells(full, k)
    assert not (hidden & (full == 0)).any()
    assert ((full > 0) & (full < k) <= hidden).all()  # every small cell hidden, margins included
    for axis in (0, 1):
        for index in range(full.shape[axis]):
            line_hidden = hidden[index] if axis == 0 else hidden[:, index]
            assert line_hidden.sum() != 1, f"line {axis}:{index} has exactly one hidden cell"


@settings(max_examples=40, deadline=None)
@given(count_tables(), st.integers(2, 6))
def test_no_hidden_cell_can_be_pinned_down_from_the_whole_published_table(counts, k):
    full = with_margins(counts)
    hidden = hidden_cells(full, k)
    shown = np.where(hidden | (full == 0), np.nan, full.astype(float))
    assert_nothing_pinned(full, shown)


@given(st.lists(st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 40)), min_size=1, max_size=12))
def test_in_a_table_of_means_no_group_follows_from_the_total_and_the_other_groups(groups):
    # count and sum of a group = total's minus the published groups', unless a second group is hidden too
    line = [*groups, sum(groups)]
    hidden = hidden_in_line(line, 5)
    assert all(hidden[i] for i, v in enumerate(line) if 0 < v < 5)
    assert sum(bool(h) for h, v in zip(hidden, line, strict=True) if v > 0) != 1


# --- the tables ----------------------------------------------------------------------------------------------


def test_a_firm_counts_once_with_its_latest_wave_and_by_year_once_per_year():
    waves = [wave(i, wave=0, year=2023, position=1) for i in range(6)]
    waves += [wave(i, wave=1, year=2024, position=2) for i in range(6)]
    by_size = position_distribution(waves, by="size_class", n_levels=4)
    small = by_size.rows.index("small")
    assert by_size.cells[small][2] == 6 and by_size.cells[small][1] is None and by_size.total == 6
    by_year = position_distribution(waves, by="year", n_levels=4)
    assert by_year.rows == (2023, 2024)
    assert by_year.cells[0][1] == 6 and by_year.cells[1][2] == 6 and by_year.total == 12


def test_movement_counts_firms_up_same_and_down_between_their_last_two_waves():
    waves = []
    for i in range(6):  # up
        waves += [wave(i, wave=0, position=0), wave(i, wave=1, position=2)]
    for i in range(10, 17):  # same
        waves += [wave(i, wave=0, position=1), wave(i, wave=1, position=1)]
    for i in range(20, 25):  # down
        waves += [wave(i, wave=0, position=2), wave(i, wave=1, position=1)]
    waves += [wave(99, wave=0, position=3)]  # one wave: no movement
    table = movement(waves, by="sbi_section", n_levels=4)
    c = table.rows.index("C")
    assert table.columns == ("up", "same", "down")
    assert table.cells[c] == (6, 7, 5) and table.total == 18
    by_origin = movement(waves, by="position", n_levels=4)
    assert by_origin.row_totals[0] == 6 and by_origin.row_totals[1] == 7 and by_origin.row_totals[2] == 5
    assert count_rows(table, "nl")[0][1:4] == ["omhoog", "gelijk", "omlaag"]


def test_mean_scores_by_dimension_hide_a_small_group_and_a_second_one_beside_it():
    waves = firms(0, 3, province="UT", level1=90.0) + firms(10, 6, province="GE", level1=40.0)
    waves += firms(20, 20, province="NH", level1=60.0)
    table = mean_scores(waves, by="province", n_levels=4, blocks=[(1, "l1.processen")])
    ut, ge, nh = (table.rows.index(p) for p in ("UT", "GE", "NH"))
    assert table.columns == ("level_1", "level_2", "level_3", "level_4", "l1.processen")
    assert table.cells[ut][0] is None and table.cells[ge][0] is None  # 3 firms; 6 hidden with them
    assert table.cells[nh][0] is not None and table.cells[nh][0].mean == 60.0
    total = table.totals[0]
    assert total is not None and total.firms == 29
    assert total.mean == pytest.approx((3 * 90 + 6 * 40 + 20 * 60) / 29)
    assert table.cells[nh][1] is None and table.totals[1] is None  # no level-2 scores at all
    text = mean_rows(table, "en")
    assert text[0][1:3] == ["level_1_n", "level_1"]
    assert text[ut + 1][1:3] == ["", ""] and text[nh + 1][1:3] == ["20", "60.0"]


def test_growth_indicators_by_ladder_position():
    waves = firms(0, 5, position=0, growth={"fte": 2.0}) + firms(10, 5, position=2, growth={"fte": 6.0})
    waves += firms(20, 5, position=3, growth={"fte": None})
    table = growth_by_position(waves, n_levels=4, indicators=["fte"])
    assert table.rows == (0, 1, 2, 3, 4)
    assert [c[0].mean if c[0] else None for c in table.cells] == [2.0, None, 6.0, None, None]


def test_a_three_level_model_has_no_level_4_row_or_column():
    waves = firms(0, 10, model="mkb-2011", position=3)
    assert position_distribution(waves, by="province", n_levels=3).columns == (0, 1, 2, 3)
    assert growth_by_position(waves, n_levels=3, indicators=["fte"]).rows == (0, 1, 2, 3)
    assert mean_scores(waves, by="size_class", n_levels=3).columns == ("level_1", "level_2", "level_3")
    assert 4 not in movement(waves, by="position", n_levels=3).rows
    with pytest.raises(ValueError, match=r"outside 0\.\.3"):
        position_distribution([*waves, wave(99, model="mkb-2011", position=4)], by="province", n_levels=3)
    with pytest.raises(ValueError, match=r"outside 0\.\.3"):
        mean_scores([*waves, wave(99, model="mkb-2011", position=4)], by="position", n_levels=3)


def test_a_value_outside_the_codebook_is_refused_not_dropped():
    with pytest.raises(ValueError, match="unknown value 'XX'"):
        position_distribution(firms(0, 5, province="XX"), by="province", n_levels=4)


def test_a_table_covers_one_model_at_a_time():
    with pytest.raises(ValueError, match="one model at a time"):
        position_distribution(firms(0, 5) + firms(10, 5, model="mkb-2011"), by="province", n_levels=4)


def test_the_csv_neutralises_cells_a_spreadsheet_would_run_as_formulas():
    assert to_csv([["=1+1", "-2", "ok"]]) == "'=1+1,'-2,ok\n"


@st.composite
def populations(draw: st.DrawFn) -> list[FirmWave]:
    n = draw(st.integers(0, 45))
    return [
        wave(
            i,
            sbi=draw(st.sampled_from("CFGM")),
            province=draw(st.sampled_from(["UT", "GE", "NH"])),
            position=draw(st.integers(0, 3)),
            level1=draw(st.sampled_from([None, 25.0, 50.0, 75.0])),
        )
        for i in range(n)
    ]


@settings(max_examples=25, deadline=None)
@given(populations())
def test_no_published_count_table_lets_a_hidden_cell_be_pinned_down(waves):
    table = position_distribution(waves, by="sbi_section", n_levels=3)
    assert_nothing_pinned(with_margins(_counts(table, waves)), published(table))


@settings(max_examples=40, deadline=None)
@given(populations())
def test_tables_of_the_same_firms_by_other_dimensions_show_and_hide_the_same_totals(waves):
    by_sector = position_distribution(waves, by="sbi_section", n_levels=3)
    by_province = position_distribution(waves, by="province", n_levels=3)
    assert by_sector.column_totals == by_province.column_totals and by_sector.total == by_province.total
    means = mean_scores(waves, by="province", n_levels=3)
    for total, cell in zip(by_province.row_totals, means.cells, strict=True):
        if total is None:  # a group whose number of firms one table hides shows no number in another
            assert cell[0] is None


def test_the_benchmark_and_the_monitor_import_no_django():
    code = (
        "import sys, groeimodel.benchmark, groeimodel.monitor; print(sorted(m for m in sys.modules if 'django' in m))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@settings(max_examples=30, deadline=None)
@given(populations())
def test_tables_from_sql_style_counts_and_sums_equal_the_tables_from_records(waves):
    by_province = position_distribution(waves, by="province", n_levels=3)
    counts = np.zeros((len(by_province.rows), 4), dtype=np.int64)
    firms_n = np.zeros((len(by_province.rows), 1), dtype=np.int64)
    sums = np.zeros((len(by_province.rows), 1))
    for w in waves:
        r = by_province.rows.index(w.province)
        counts[r, w.position] += 1
        if w.scores[(1, "")] is not None:
            firms_n[r, 0] += 1
            sums[r, 0] += w.scores[(1, "")]
    assert protect_counts("province", by_province.rows, by_province.columns, counts) == by_province
    hidden_groups = [t is None for t in by_province.row_totals]
    means = protect_means("province", by_province.rows, ("level_1",), firms_n, sums, hidden_groups=hidden_groups)
    from_records = mean_scores(waves, by="province", n_levels=3)
    assert means.cells == tuple((row[0],) for row in from_records.cells)
    assert means.totals == from_records.totals[:1]
