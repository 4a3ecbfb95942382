"""The benchmark (no database): peer groups with fallback, percentiles with ties, a firm never its own peer."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groeimodel.benchmark import PeerIndex, Population, choose_group, compare_scores

LEVEL1 = (1, "")
BLOCK = (1, "l1.processen")


def population(firms: list[tuple[str, str, float | None]]) -> Population:
    """Firms 0, 1, 2, ... with (sbi_section, size_class, level-1 score)."""
    return Population(
        companies=np.arange(len(firms), dtype=np.int64),
        sbi_sections=[f[0] for f in firms],
        size_classes=[f[1] for f in firms],
        measures=(LEVEL1,),
        scores=np.array([[np.nan if f[2] is None else f[2] for f in firms]], dtype=np.float64),
    )


def test_a_firm_with_enough_peers_in_its_sector_and_size_is_compared_with_them():
    firms = [("C", "small", 50.0)] * 6 + [("C", "micro", 10.0)] * 20 + [("F", "small", 90.0)] * 20
    result = PeerIndex(population(firms)).compare(sbi_section="C", size_class="small", company=0)
    assert (result.group.kind, result.group.sbi_section, result.group.size_class) == ("sector_size", "C", "small")
    assert result.group.size == 5  # six firms, the firm itself not counted
    assert result.measures[LEVEL1].distribution is not None
    assert result.measures[LEVEL1].distribution.maximum == 50.0  # no firm of another sector or size


def test_too_small_a_sector_group_falls_back_to_the_size_class_then_to_all_firms():
    firms = [("C", "small", 50.0)] * 5 + [("F", "small", 90.0)] * 3 + [("F", "micro", 10.0)] * 20
    index = PeerIndex(population(firms))
    by_size = index.compare(sbi_section="C", size_class="small", company=0)
    assert (by_size.group.kind, by_size.group.size_class, by_size.group.size) == ("size", "small", 7)
    assert by_size.group.label("nl") == "zelfde grootteklasse: klein (10 tot 50)"
    everyone = index.compare(sbi_section="F", size_class="medium", scores={LEVEL1: 40.0})
    assert (everyone.group.kind, everyone.group.size) == ("all", 28)
    assert everyone.group.label("en") == "all firms"
    # k is a parameter: with k = 4 the four peers in C/small are enough
    narrow = index.compare(sbi_section="C", size_class="small", company=0, k=4)
    assert (narrow.group.kind, narrow.group.size) == ("sector_size", 4)


def test_the_fallback_order_is_sector_and_size_then_size_then_all():
    assert choose_group(sbi_section="C", size_class="small", sector_size_peers=5, size_peers=9, all_peers=99).kind == (
        "sector_size"
    )
    assert choose_group(sbi_section="C", size_class="small", sector_size_peers=4, size_peers=5, all_peers=99).kind == (
        "size"
    )
    group = choose_group(sbi_section="C", size_class="small", sector_size_peers=4, size_peers=4, all_peers=4)
    assert (group.kind, group.size) == ("all", 4)


def test_the_percentile_counts_lower_peers_and_half_the_ties():
    firms = [("C", "small", s) for s in (10.0, 20.0, 20.0, 30.0, 40.0)]
    result = PeerIndex(population(firms)).compare(sbi_section="C", size_class="small", scores={LEVEL1: 20.0}, k=5)
    m = result.measures[LEVEL1]
    assert m.percentile == pytest.approx(100 * (1 + 2 / 2) / 5)  # one lower, two the same
    assert m.distribution is not None
    d = m.distribution
    assert (d.minimum, d.q1, d.median, d.q3, d.maximum) == (10.0, 20.0, 20.0, 30.0, 40.0)


def test_lowest_and_highest_and_all_equal_give_0_100_and_50():
    firms = [("C", "small", s) for s in (10.0, 20.0, 30.0, 40.0, 50.0)]
    index = PeerIndex(population(firms))
    assert index.compare(sbi_section="C", size_class="small", scores={LEVEL1: 0.0}).measures[LEVEL1].percentile == 0
    assert index.compare(sbi_section="C", size_class="small", scores={LEVEL1: 99.0}).measures[LEVEL1].percentile == 100
    same = PeerIndex(population([("C", "small", 60.0)] * 5))
    assert same.compare(sbi_section="C", size_class="small", scores={LEVEL1: 60.0}).measures[LEVEL1].percentile == 50


def test_a_firm_is_not_its_own_peer():
    # firm 0 has the top score; among its five peers (all 10 .. 50) it is above everyone
    firms = [("C", "small", 100.0)] + [("C", "small", s) for s in (10.0, 20.0, 30.0, 40.0, 50.0)]
    result = PeerIndex(population(firms)).compare(sbi_section="C", size_class="small", company=0)
    m = result.measures[LEVEL1]
    assert result.group.size == 5 and m.peers == 5
    assert m.percentile == 100
    assert m.distribution is not None and m.distribution.maximum == 50.0


def test_a_firm_tied_with_its_peers_does_not_count_its_own_tie():
    firms = [("C", "small", 30.0)] * 3 + [("C", "small", s) for s in (10.0, 50.0, 60.0)]
    m = PeerIndex(population(firms)).compare(sbi_section="C", size_class="small", company=0).measures[LEVEL1]
    assert m.peers == 5
    assert m.percentile == pytest.approx(100 * (1 + 2 / 2) / 5)  # 10 lower; two other 30s the same


def test_an_earlier_wave_is_compared_with_the_peers_without_the_firms_latest_wave():
    firms = [("C", "small", 100.0)] + [("C", "small", s) for s in (10.0, 20.0, 30.0, 40.0, 50.0)]
    m = (
        PeerIndex(population(firms))
        .compare(sbi_section="C", size_class="small", company=0, scores={LEVEL1: 25.0})
        .measures[LEVEL1]
    )
    assert m.score == 25.0 and m.percentile == 40  # 10 and 20 lower; its own 100 is not a peer


def test_a_measure_with_fewer_than_k_scored_peers_shows_no_percentile_and_no_distribution():
    firms = [("C", "small", None)] * 3 + [("C", "small", s) for s in (10.0, 20.0, 30.0, 40.0)]
    m = PeerIndex(population(firms)).compare(sbi_section="C", size_class="small", scores={LEVEL1: 25.0}).measures
    assert m[LEVEL1].peers == 4
    assert m[LEVEL1].percentile is None and m[LEVEL1].distribution is None


def test_a_firm_without_a_score_still_sees_the_distribution():
    firms = [("C", "small", None)] + [("C", "small", s) for s in (10.0, 20.0, 30.0, 40.0, 50.0)]
    m = PeerIndex(population(firms)).compare(sbi_section="C", size_class="small", company=0).measures[LEVEL1]
    assert m.score is None and m.percentile is None
    assert m.distribution is not None and m.distribution.median == 30.0


def test_an_unknown_sector_or_a_firm_of_another_group_is_refused():
    index = PeerIndex(population([("C", "small", 50.0)] * 6))
    with pytest.raises(ValueError, match="unknown SBI section"):
        index.compare(sbi_section="Z", size_class="small")
    with pytest.raises(ValueError, match="is not of SBI section"):
        index.compare(sbi_section="F", size_class="small", company=0)


def test_score_rows_become_a_population():
    rows = [(7, "C", "small", 1, "", 40.0), (7, "C", "small", 1, "l1.processen", 50.0), (9, "F", "micro", 1, "", None)]
    pop = Population.from_rows(rows)
    assert list(pop.companies) == [7, 9] and pop.measures == (LEVEL1, BLOCK)
    assert pop.scores[0, 0] == 40.0 and np.isnan(pop.scores[0, 1]) and np.isnan(pop.scores[1, 1])
    with pytest.raises(ValueError, match="more than one SBI section"):
        Population.from_rows([(7, "C", "small", 1, "", 40.0), (7, "F", "small", 1, "l1.x", 50.0)])


@st.composite
def populations(draw: st.DrawFn) -> tuple[Population, int]:
    n = draw(st.integers(1, 40))
    sections = draw(st.lists(st.sampled_from("CFG"), min_size=n, max_size=n))
    sizes = draw(st.lists(st.sampled_from(["micro", "small"]), min_size=n, max_size=n))
    grid = st.one_of(st.none(), st.sampled_from([0.0, 12.5, 25.0, 50.0, 75.0, 100.0]), st.floats(0, 100))
    scores = [draw(st.lists(grid, min_size=n, max_size=n)) for _ in range(2)]
    pop = Population(
        companies=np.arange(100, 100 + n, dtype=np.int64),
        sbi_sections=sections,
        size_classes=sizes,
        measures=(LEVEL1, BLOCK),
        scores=np.array([[np.nan if v is None else v for v in row] for row in scores], dtype=np.float64),
    )
    return pop, draw(st.integers(0, n - 1))


@settings(max_examples=200, deadline=None)
@given(populations(), st.integers(1, 6))
def test_the_index_agrees_with_a_plain_count_over_the_other_firms(drawn: tuple[Population, int], k: int):
    pop, i = drawn
    sbi, size = pop.sbi_sections[i], pop.size_classes[i]
    result = PeerIndex(pop).compare(sbi_section=sbi, size_class=size, company=int(pop.companies[i]), k=k)
    others = np.arange(len(pop.companies)) != i
    same_size = others & (np.asarray(pop.size_classes) == size)
    same_both = same_size & (np.asarray(pop.sbi_sections) == sbi)
    expected_kind, members = (
        ("sector_size", same_both)
        if same_both.sum() >= k
        else ("size", same_size)
        if same_size.sum() >= k
        else ("all", others)
    )
    assert (result.group.kind, result.group.size) == (expected_kind, int(members.sum()))
    peer_scores = {m: pop.scores[j][members] for j, m in enumerate(pop.measures)}
    plain = compare_scores({m: pop.scores[j, i] for j, m in enumerate(pop.measures)}, peer_scores, result.group, k=k)
    for j, measure in enumerate(pop.measures):
        got, want = result.measures[measure], plain.measures[measure]
        assert got == want
        peers = pop.scores[j][members]
        peers = peers[~np.isnan(peers)]
        own = pop.scores[j, i]
        if len(peers) < k:
            assert got.percentile is None and got.distribution is None
            continue
        assert got.distribution is not None
        assert [got.distribution.minimum, got.distribution.q1, got.distribution.median] == pytest.approx(
            list(np.quantile(peers, [0, 0.25, 0.5]))
        )
        assert [got.distribution.q3, got.distribution.maximum] == pytest.approx(list(np.quantile(peers, [0.75, 1])))
        if np.isnan(own):
            assert got.percentile is None
        else:
            lower = np.sum(peers < own - 1e-9)
            ties = np.sum(np.abs(peers - own) <= 1e-9)
            assert got.percentile == pytest.approx(100 * (lower + ties / 2) / len(peers))
            assert 0 <= got.percentile <= 100
