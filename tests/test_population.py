"""The synthetic population's sampling (pure core): proportions like the Dutch business population, seeded."""

from __future__ import annotations

import numpy as np

from groeimodel.model import load_model
from groeimodel.population import (
    PROVINCE_SHARES,
    SBI_FIRMS,
    management_block_means,
    sample_answers,
    sample_firms,
    sample_traits,
)
from groeimodel.scoring import score_batch


def test_the_same_seed_gives_the_same_firms_and_another_seed_other_firms():
    a = sample_firms(np.random.default_rng(7), 2_000)
    b = sample_firms(np.random.default_rng(7), 2_000)
    c = sample_firms(np.random.default_rng(8), 2_000)
    assert (a.employees == b.employees).all() and (a.sbi_section == b.sbi_section).all()
    assert (a.first_day == b.first_day).all()
    assert not (a.employees == c.employees).all()


def test_most_firms_are_micro_few_medium_and_sectors_and_provinces_follow_the_cbs_shares():
    firms = sample_firms(np.random.default_rng(1), 50_000)
    share = {size: float(np.mean(firms.size_class == size)) for size in ("micro", "small", "medium", "large")}
    assert 0.80 < share["micro"] < 0.88
    assert 0.10 < share["small"] < 0.16
    assert 0.015 < share["medium"] < 0.045
    assert share["large"] == 0
    total = sum(SBI_FIRMS.values())
    for section in ("F", "G", "M", "Q"):
        assert abs(np.mean(firms.sbi_section == section) - SBI_FIRMS[section] / total) < 0.01
    for province in ("ZH", "NH", "ZE"):
        assert abs(np.mean(firms.province == province) - PROVINCE_SHARES[province] / 100) < 0.01
    assert (firms.founding_year <= 2026).all()


def test_firms_have_about_the_asked_number_of_waves_which_fit_between_founding_and_today():
    firms = sample_firms(np.random.default_rng(2), 20_000, mean_waves=5)
    assert 4.6 < firms.n_waves.mean() < 5.2
    assert firms.n_waves.min() >= 1
    last = firms.first_day + (firms.interval_days * (firms.n_waves - 1)).astype("timedelta64[D]")
    assert (last <= np.datetime64("2026-11-30")).all()
    assert (firms.first_day.astype("datetime64[Y]").astype(int) + 1970 >= firms.founding_year).all()


def test_block_scores_of_a_level_go_together_and_later_waves_score_higher():
    model = load_model()
    rng = np.random.default_rng(3)
    firms = sample_firms(rng, 4_000)
    traits = sample_traits(rng, model, len(firms))
    firm = np.repeat(np.arange(len(firms)), 3)
    number = np.tile(np.arange(3), len(firms))
    batch = score_batch(
        model, sample_answers(rng, model, management_block_means(rng, model, firms, traits, firm, number))
    )
    level_1 = [b.index for b in model.level_blocks(1)]
    scores = batch.block_scores[:, level_1]
    complete = ~np.isnan(scores).any(axis=1)
    assert np.corrcoef(scores[complete].T)[0, 1] > 0.3
    t0, t2 = np.nanmean(batch.level_scores[number == 0], axis=0), np.nanmean(batch.level_scores[number == 2], axis=0)
    assert (t2 > t0 + 2).all() and (t2 < t0 + 15).all()
    assert np.nanmin(batch.block_scores) >= 0 and np.nanmax(batch.block_scores) <= 100
