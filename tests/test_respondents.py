"""The employees' view under the anonymity rule, and the marked gaps (no database)."""

from __future__ import annotations

from groeimodel.reports.view import build_view
from groeimodel.respondents import employee_view, gap_blocks
from groeimodel.scoring import score

from .conftest import all_answers


def test_four_employees_show_nothing_but_how_many_more_are_needed(model):
    four = [score(model, all_answers(model, v)) for v in (2, 3, 4, 5)]
    view = employee_view(four, k=5)
    assert not view.shown and view.needed == 1
    assert view.blocks == {} and view.levels == {}
    assert gap_blocks(score(model, all_answers(model, 5)), view) == {}


def test_five_employees_show_mean_spread_and_count(model):
    five = [score(model, all_answers(model, v)) for v in (1, 2, 3, 4, 5)]
    view = employee_view(five, k=5)
    assert view.shown and view.needed == 0
    block = view.blocks["l1.processen"]
    assert (block.mean, block.n) == (50.0, 5)
    assert block.sd is not None and round(block.sd, 3) == 35.355
    assert view.levels[1].mean == 50.0


def test_the_threshold_is_a_setting(model):
    three = [score(model, all_answers(model, v)) for v in (2, 3, 4)]
    assert employee_view(three, k=3).shown and not employee_view(three, k=4).shown


def test_blocks_where_owner_and_employees_differ_by_more_than_twenty_points_are_marked(model):
    owner = score(model, {**all_answers(model, 4), **{i.id: (2 if i.reverse else 4) for i in model.items}})
    employees = [score(model, all_answers(model, 3)) for _ in range(5)]  # 50 against the owner's 75
    view = employee_view(employees)
    gaps = gap_blocks(owner, view)
    assert gaps["l1.processen"] == 25.0
    assert gap_blocks(owner, view, points=30) == {}
    close = [score(model, all_answers(model, 4)) for _ in range(5)]  # 75 against 75: no gap
    assert gap_blocks(owner, employee_view(close)) == {}


def test_the_result_view_puts_the_employees_beside_the_owner_only_when_shown(model):
    owner = score(model, all_answers(model, 4))
    shown = build_view(model, owner, "nl", employees=employee_view([score(model, all_answers(model, 2))] * 5))
    block = shown.blocks[0]
    assert block.employees is not None and block.employees.mean == 25.0 and block.gap == 50.0
    assert block.id in shown.gaps
    hidden = build_view(model, owner, "nl", employees=employee_view([score(model, all_answers(model, 2))] * 4))
    assert all(b.employees is None and b.gap is None for b in hidden.blocks)
    assert hidden.employees is not None and hidden.employees.needed == 1
