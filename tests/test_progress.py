"""Waves compared (no database): the change per block and level, across model versions only what both have."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from groeimodel.model import load_model, parse_model
from groeimodel.progress import compare
from groeimodel.scoring import ScanResult, score

from .conftest import all_answers

TINY = Path(__file__).parent / "data" / "tiny.yaml"


def test_a_later_wave_shows_the_change_per_block_and_level_and_the_ladder_move(model):
    t0 = score(model, all_answers(model, 3))  # 50 everywhere: nothing achieved
    t1 = score(model, {**all_answers(model, 3), **{i.id: (2 if i.reverse else 4) for i in model.items[:16]}})
    change = compare(t1, t0)
    assert change.same_version and change.left_out == ()
    assert change.blocks["l1.processen"].delta == pytest.approx(25.0)
    assert change.blocks["l2.strategie"].delta == 0
    assert change.levels[1].delta == pytest.approx(25.0)
    assert (change.position_before, change.position_now, change.position_delta) == (0, 1, 1)


def test_waves_of_different_model_versions_compare_only_the_blocks_both_have():
    text = TINY.read_text()
    old = parse_model(text, source="tiny-1.yaml")
    renamed = text.replace("id: l2.e", "id: l2.x").replace("version: '0.1'", "version: '0.2'")
    new = parse_model(renamed, source="tiny-2.yaml")
    before = score(old, {item.id: 3 for item in old.items})
    after = score(new, {item.id: 4 for item in new.items})
    change = compare(after, before)
    assert not change.same_version
    assert "l2.e" not in change.blocks and "l2.x" not in change.blocks
    assert set(change.left_out) == {"l2.x", "l2.e"}
    assert change.blocks["l1.a"].delta is not None


def test_a_block_without_a_score_in_either_wave_has_no_change(model):
    t0 = score(model, {})
    t1 = score(model, all_answers(model, 4))
    assert compare(t1, t0).blocks["l1.processen"].delta is None


@given(st.lists(st.integers(min_value=1, max_value=5), min_size=60, max_size=60))
def test_a_stored_result_read_back_is_the_same_result(values):
    model = load_model("groeimodel")
    result = score(model, {item.id: v for item, v in zip(model.items, values, strict=True)})
    assert ScanResult.from_dict(result.to_dict("en"), model) == result
