from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groeimodel.model import Model, load_model, parse_model
from groeimodel.scoring import AnswerError, answers_matrix, band_of, combine, score, score_batch

from .conftest import all_answers

TINY = str(Path(__file__).parent / "data" / "tiny.yaml")


@pytest.fixture(scope="module")
def tiny() -> Model:
    return load_model(TINY)


def worked_example() -> dict[str, int | None]:
    return {
        # level 1: a = 5, 4, and a reverse-keyed 2 that counts as 4; b = 4, 4 and one missing (2 of 3 is enough)
        "l1.a.1": 5, "l1.a.2": 4, "l1.a.3": 2,
        "l1.b.1": 4, "l1.b.2": 4, "l1.b.3": None,
        # level 2: c has one answer of three (too few), d = 3s, e = 2s
        "l2.c.1": 1,
        "l2.d.1": 3, "l2.d.2": 3, "l2.d.3": 3,
        "l2.e.1": 2, "l2.e.2": 2, "l2.e.3": 2,
        # level 3: all top answers, the reverse-keyed one as 1
        "l3.f.1": 5, "l3.f.2": 5, "l3.f.3": 5, "l3.f.4": 1,
    }  # fmt: skip


def test_block_scores_follow_the_contract(tiny):
    result = score(tiny, worked_example())
    a, b = result.block("l1.a"), result.block("l1.b")
    assert a.score == pytest.approx((13 / 3 - 1) / 4 * 100)
    assert (a.band, a.answered, a.items) == ("koploper", 3, 3)
    assert b.score == 75.0 and b.band == "gevorderd"
    assert b.answered == 2
    assert result.block("l2.c").score is None and result.block("l2.c").band is None
    assert result.block("l2.d").score == 50.0 and result.block("l2.d").band == "ontwikkelend"
    assert result.block("l2.e").score == 25.0 and result.block("l2.e").band == "beginnend"
    assert result.block("l3.f").score == 100.0


def test_level_scores_average_the_scored_blocks_and_the_ladder_needs_every_lower_level(tiny):
    result = score(tiny, worked_example())
    l1, l2, l3 = result.levels
    assert l1.score == pytest.approx(((13 / 3 - 1) / 4 * 100 + 75) / 2)
    assert l1.achieved
    assert l2.score == 37.5  # c has no score and is left out
    assert not l2.achieved
    assert l3.score == 100.0
    assert not l3.achieved  # a perfect level 3 does not count while level 2 is not achieved
    assert result.position == 1
    assert result.next_level == 2


def test_a_level_with_fewer_than_two_thirds_of_its_blocks_scored_has_no_score_and_stops_the_ladder(tiny):
    # level 1 has two blocks: with only one scored (a perfect one) the level is "onvoldoende gegevens"
    answers = {**worked_example(), "l1.b.1": None, "l1.b.2": None}
    for result in (score(tiny, answers), score_batch(tiny, answers_matrix(tiny, [answers])).scan(0)):
        l1, l2, _ = result.levels
        assert result.block("l1.a").score is not None and result.block("l1.b").score is None
        assert l1.score is None and l1.band is None and not l1.achieved
        assert result.position == 0 and result.next_level == 1
        assert l2.score == 37.5  # two of its three blocks scored is enough


def test_advice_names_the_next_levels_weakest_blocks_first_then_those_without_data(tiny):
    result = score(tiny, worked_example())
    assert [(a.block, a.band) for a in result.advice] == [
        ("l2.e", "beginnend"),
        ("l2.d", "ontwikkelend"),
        ("l2.c", None),
    ]
    assert result.advice[0].text.nl == "Advies e beginnend."
    assert result.advice[2].text.en == "Answer more statements."


def test_no_answers_means_no_scores_position_zero_and_level_one_next(tiny):
    result = score(tiny, {})
    assert result.position == 0 and result.next_level == 1
    assert all(lv.score is None and not lv.achieved for lv in result.levels)


def test_the_top_of_the_ladder_has_no_next_step_and_no_advice(tiny):
    result = score(tiny, all_answers(tiny, 5))
    assert result.position == 3
    assert result.next_level is None
    assert result.advice == ()


def test_a_level_score_exactly_at_the_threshold_achieves_the_level():
    text = Path(TINY).read_text().replace("threshold: 60", "threshold: 50")
    tiny50 = parse_model(text, source="tiny50.yaml")
    result = score(tiny50, all_answers(tiny50, 3))  # every block exactly 50
    assert [lv.score for lv in result.levels] == [50.0, 50.0, 50.0]
    assert result.position == 3
    just_below = score(tiny50, {**all_answers(tiny50, 3), "l1.b.1": 2})
    assert just_below.levels[0].score < 50 and just_below.position == 0


@pytest.mark.parametrize(
    ("score_value", "band"),
    [(0, "beginnend"), (25, "beginnend"), (25.01, "ontwikkelend"), (50, "ontwikkelend"), (75, "gevorderd"),
     (75.5, "koploper"), (100, "koploper"), (None, None)],
)  # fmt: skip
def test_bands_include_their_upper_cut_point(tiny, score_value, band):
    assert band_of(tiny, score_value) == band


def test_unknown_items_and_out_of_range_answers_are_refused_with_the_item_id(tiny):
    with pytest.raises(AnswerError, match=r"l9.x.1: unknown item id"):
        score(tiny, {"l9.x.1": 3})
    with pytest.raises(AnswerError, match=r"l1.a.1: answer must be 1-5.*got 7"):
        score(tiny, {"l1.a.1": 7})
    with pytest.raises(AnswerError, match=r"l1.a.2: answer must be a whole number"):
        score(tiny, {"l1.a.2": 2.5})
    with pytest.raises(AnswerError, match=r"l1\.a\.3: answer must be a whole number 1-5 or empty"):
        score(tiny, {"l1.a.3": "vier"})


def test_batch_refuses_an_out_of_range_answer_and_names_scan_and_item(tiny):
    matrix = answers_matrix(tiny, [{}, {}])
    matrix[1, 4] = 6
    with pytest.raises(AnswerError, match=r"l1.b.2: scan 1: answer must be 1-5"):
        score_batch(tiny, matrix)


answer = st.one_of(st.none(), st.integers(min_value=1, max_value=5))


@pytest.mark.parametrize("ref", ["groeimodel", "mkb-2011", TINY])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_batch_scoring_gives_exactly_the_single_scan_results(ref, data):
    model = load_model(ref)
    n_items = len(model.items)
    # Mix sparse and dense scans so that blocks without enough answers, reverse items and full levels all occur.
    density = st.floats(min_value=0.0, max_value=1.0)
    scans = []
    for _ in range(data.draw(st.integers(min_value=1, max_value=12))):
        p = data.draw(density)
        values = data.draw(st.lists(st.integers(min_value=1, max_value=5), min_size=n_items, max_size=n_items))
        keep = data.draw(st.lists(st.floats(0, 1), min_size=n_items, max_size=n_items))
        scans.append({item.id: (v if k <= p else None) for item, v, k in zip(model.items, values, keep, strict=False)})
    batch = score_batch(model, answers_matrix(model, scans))
    for i, answers in enumerate(scans):
        assert batch.scan(i) == score(model, answers)


def test_an_integer_matrix_with_zero_for_missing_scores_like_nan(model):
    rng = np.random.default_rng(7)
    ints = rng.integers(0, 6, size=(200, len(model.items)))
    floats = np.where(ints == 0, np.nan, ints.astype(float))
    a, b = score_batch(model, ints), score_batch(model, floats)
    assert np.array_equal(a.block_scores, b.block_scores, equal_nan=True)
    assert np.array_equal(a.position, b.position)


def test_combining_respondents_averages_block_scores_and_shows_spread_and_gap(tiny):
    boss = score(tiny, all_answers(tiny, 5))  # every block 100
    staff1 = score(tiny, all_answers(tiny, 3))  # every block 50
    staff2 = score(tiny, {**all_answers(tiny, 3), "l1.a.1": None, "l1.a.2": None})  # a: too few answers
    firm = combine(tiny, [("management", boss), ("employee", staff1), ("employee", staff2)])
    assert firm.respondents == 3
    assert firm.result.block("l1.a").score == 75.0  # mean of 100 and 50; staff2 has no score for a
    assert firm.result.block("l1.b").score == pytest.approx(200 / 3)
    spread = firm.spread["l1.b"]
    assert spread is not None and (spread.n, spread.min, spread.max) == (3, 50.0, 100.0)
    assert spread.sd == pytest.approx(math.sqrt(((100 - 200 / 3) ** 2 + 2 * (50 - 200 / 3) ** 2) / 3))
    assert firm.gap["l1.b"] == 50.0  # management sees the firm 50 points more positively
    assert firm.result.position == 3  # every level averages above the threshold of 60


def test_a_level_mean_of_exactly_sixty_is_achieved_although_floats_make_it_59_99(model):
    # Level 2 blocks score 25, 25 and three times 250/3: the exact mean is 60, the float mean 59.999999999999986.
    answers: dict[str, int | None] = {}

    def put(block, effective):
        for i, value in zip(block.item_indices, effective, strict=True):
            item = model.items[i]
            answers[item.id] = None if value is None else (6 - value if item.reverse else value)

    for block in model.level_blocks(1):
        put(block, [5, 5, 5, 5])
    targets = [[2, 2, 2, 2], [2, 2, 2, 2], [4, 4, 5, None], [4, 4, 5, None], [4, 4, 5, None]]
    for block, target in zip(model.level_blocks(2), targets, strict=True):
        put(block, target)
    result = score(model, answers)
    assert result.levels[1].score == pytest.approx(60)
    assert result.levels[1].achieved and result.position >= 2
    assert result.levels[1].band == "gevorderd"
    batch = score_batch(model, answers_matrix(model, [answers]))
    assert batch.scan(0) == result


def test_a_score_exactly_on_a_cut_point_belongs_to_the_lower_band(tiny):
    assert band_of(tiny, 50.00000000000001) == "ontwikkelend"
    assert band_of(tiny, 25 + 1e-7) == "ontwikkelend"
