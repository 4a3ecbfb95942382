"""A synthetic population of Dutch SMEs scanned over the years: firms, their waves and their answers.

Pure sampling with a numpy ``Generator`` (the same seed gives the same population); no Django. The web layer
(:mod:`groeimodel.web.population`) scores the answers with :func:`groeimodel.scoring.score_batch` and writes the
rows. Every figure here is made up; only the proportions follow the Dutch business population.

Proportions (rounded shares; the generator needs shape, not precision):

* SBI sections: CBS StatLine table 81588NED "Bedrijven; bedrijfsgrootte en rechtsvorm", 2024 2nd quarter
  (provisional figures, consulted 2026-12-01): number of firms per section, e.g. F 268,475, G 291,300,
  M 470,465, C 85,950. The table gives O-Q together (373,480) with O 905; the split of P and Q and the figure for
  R are our estimates from the same table's other quarters. T and U (households, extraterritorial bodies) are
  left out: an SME scan does not meet them.
* Size: CBS StatLine table 81589NED "Bedrijven; bedrijfstak", 2025 1st quarter (provisional, consulted
  2026-12-01), firms by number of working persons: 2: 196,235; 3-5: 93,130; 5-10: 66,240; 10-20: 34,740;
  20-50: 21,250; 50-100: 7,210; 100-250 about 4,850 (81588NED: 0-250 minus 0-50 minus 50-100). One-person firms
  (1,957,735, mostly self-employed without staff) and large firms (250 or more) are left out: the scan is about
  the social innovation of a firm with people working in it. So about 84% micro, 13% small, 3% medium.
* Provinces: CBS StatLine table 81644NED "Vestigingen van bedrijven; grootte, rechtsvorm, bedrijfstak, regio",
  2022 (consulted 2026-12-01), establishments per province, rounded to half a percent.

Sector and size are drawn independently; a firm's province, too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from groeimodel.model import Model

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
StrArray = npt.NDArray[np.str_]

# Firms per SBI section (CBS 81588NED, 2024 Q2; P, Q and R estimated, see above).
SBI_FIRMS: dict[str, int] = {
    "A": 79_510, "B": 655, "C": 85_950, "D": 2_955, "E": 2_150, "F": 268_475, "G": 291_300, "H": 67_135,
    "I": 79_560, "J": 125_865, "K": 39_815, "L": 37_735, "M": 470_465, "N": 127_440, "O": 905, "P": 95_000,
    "Q": 277_500, "R": 95_000, "S": 129_295,
}  # fmt: skip

# Firms by working persons (CBS 81589NED 2025 Q1; 100-250 from 81588NED): (lowest, highest, firms).
SIZE_BANDS: tuple[tuple[int, int, int], ...] = (
    (2, 2, 196_235),
    (3, 4, 93_130),
    (5, 9, 66_240),
    (10, 19, 34_740),
    (20, 49, 21_250),
    (50, 99, 7_210),
    (100, 249, 4_850),
)

# Share of establishments per province in percent (CBS 81644NED, 2022, rounded).
PROVINCE_SHARES: dict[str, float] = {
    "ZH": 20.5, "NH": 20.0, "NB": 14.5, "GE": 12.0, "UT": 8.0, "OV": 6.0, "LI": 5.5, "FR": 3.5, "GR": 3.0,
    "DR": 2.5, "FL": 2.5, "ZE": 2.0,
}  # fmt: skip

# How sectors and sizes differ in social innovation (in standard deviations of the firms' strength); made up, but
# in the direction the literature reports: knowledge-intensive services and larger firms a little ahead.
SECTOR_EFFECT: dict[str, float] = {
    "A": -0.25, "B": -0.1, "C": 0.05, "D": 0.15, "E": 0.0, "F": -0.2, "G": -0.1, "H": -0.15, "I": -0.2,
    "J": 0.3, "K": 0.15, "L": -0.05, "M": 0.25, "N": -0.05, "O": 0.1, "P": 0.2, "Q": 0.15, "R": 0.0, "S": -0.1,
}  # fmt: skip
SIZE_EFFECT: dict[str, float] = {"micro": -0.1, "small": 0.15, "medium": 0.3}

FIRST_DAY = dt.date(2012, 1, 1)  # no wave before this day
LAST_DAY = dt.date(2026, 11, 30)  # nor after this one (fixed, so a seed gives the same population on any day)
DONT_KNOW_SHARE = 0.04
MAX_WAVES = 14


def size_class_of(employees: IntArray) -> StrArray:
    """The EU size class per head count (the same cut points as the web app's ``size_class``)."""
    return np.where(
        employees < 10, "micro", np.where(employees < 50, "small", np.where(employees < 250, "medium", "large"))
    )


@dataclass(frozen=True)
class Firms:
    """``n`` firms as arrays; ``strength`` and ``learning`` are the latent traits their answers are drawn from."""

    sbi_section: StrArray
    employees: IntArray
    size_class: StrArray
    province: StrArray
    founding_year: IntArray
    strength: FloatArray  # overall social innovation, about N(0, 1) plus sector and size effects
    learning: FloatArray  # how much the firm improves from wave to wave (about 1)
    growth: FloatArray  # the firm's own yearly growth tendency (revenue), before the effect of its position
    n_waves: IntArray
    first_day: npt.NDArray[np.datetime64]  # the date of T0
    interval_days: IntArray  # days between waves

    def __len__(self) -> int:
        return len(self.employees)


def _choice(rng: np.random.Generator, weights: dict[str, float] | dict[str, int], n: int) -> StrArray:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=np.float64)
    return np.asarray(keys)[rng.choice(len(keys), size=n, p=p / p.sum())]


def sample_firms(rng: np.random.Generator, n: int, mean_waves: float = 5.0) -> Firms:
    """``n`` firms with about ``mean_waves`` waves each on average (at least one)."""
    sbi = _choice(rng, SBI_FIRMS, n)
    band_weights = np.array([b[2] for b in SIZE_BANDS], dtype=np.float64)
    band = rng.choice(len(SIZE_BANDS), size=n, p=band_weights / band_weights.sum())
    low = np.array([b[0] for b in SIZE_BANDS])[band]
    high = np.array([b[1] for b in SIZE_BANDS])[band]
    employees = rng.integers(low, high + 1).astype(np.int64)
    size = size_class_of(employees)
    province = _choice(rng, PROVINCE_SHARES, n)
    # Young firms are many: ages roughly exponential (mean 15 years), larger firms a little older.
    age = np.floor(rng.exponential(15.0, n) + np.log(employees) * 2).astype(np.int64)
    founding = np.maximum(LAST_DAY.year - age, 1850)
    effect = np.vectorize(SECTOR_EFFECT.__getitem__, otypes=[float])(sbi) + np.vectorize(
        SIZE_EFFECT.__getitem__, otypes=[float]
    )(size)
    strength = rng.normal(0.0, 1.0, n) + effect
    learning = np.clip(rng.normal(1.0, 0.6, n), -0.5, 3.0)
    growth = rng.normal(0.02, 0.04, n)
    n_waves = np.minimum(1 + rng.poisson(max(mean_waves - 1.0, 0.0), n), MAX_WAVES).astype(np.int64)
    # T0 no earlier than half a year after founding; waves about a year apart, closer when a young firm has many.
    earliest = np.maximum(
        (founding - 1970).astype("datetime64[Y]").astype("datetime64[D]") + 182, np.datetime64(FIRST_DAY)
    )
    span = (np.datetime64(LAST_DAY) - earliest).astype(np.int64)
    wanted = rng.integers(300, 430, n) * (n_waves - 1)
    interval = np.where(
        n_waves > 1,
        np.minimum(wanted, np.maximum(span, 0)) // np.maximum(n_waves - 1, 1),
        0,
    )
    too_close = (n_waves > 1) & (interval < 60)
    n_waves = np.where(too_close, np.maximum(1, span // 60 + 1), n_waves)
    n_waves = np.minimum(n_waves, np.where(span < 60, 1, n_waves))
    interval = np.where(n_waves > 1, np.maximum(interval, 60), 0)
    slack = np.maximum(span - interval * (n_waves - 1), 0)
    first = earliest + np.floor(rng.random(n) * (slack + 1)).astype("timedelta64[D]")
    return Firms(
        sbi_section=sbi,
        employees=employees,
        size_class=size,
        province=province,
        founding_year=founding,
        strength=strength,
        learning=learning,
        growth=growth,
        n_waves=n_waves.astype(np.int64),
        first_day=first,
        interval_days=interval.astype(np.int64),
    )


@dataclass(frozen=True)
class Traits:
    """Per firm the lasting parts of its profile: a deviation per level (blocks of one level move together) and per
    block (its strong and weak blocks)."""

    level: FloatArray  # (firms, levels)
    block: FloatArray  # (firms, blocks)


def sample_traits(rng: np.random.Generator, model: Model, n: int) -> Traits:
    return Traits(
        level=rng.normal(0.0, 0.45, (n, len(model.levels))),
        block=rng.normal(0.0, 0.3, (n, len(model.blocks))),
    )


def _block_means(
    model: Model, strength: FloatArray, traits_level: FloatArray, traits_block: FloatArray, progress: FloatArray
) -> FloatArray:
    """The expected plain answer (1..5 scale, before reverse keying) per response and block."""
    block_level = np.array([b.level - 1 for b in model.blocks])
    return (
        3.2
        + 0.55 * strength[:, None]
        - 0.3 * block_level[None, :]
        + traits_level[:, block_level]
        + traits_block
        + progress[:, None]
    )


def sample_answers(
    rng: np.random.Generator,
    model: Model,
    block_means: FloatArray,
    *,
    noise: float = 0.75,
    dont_know: float = DONT_KNOW_SHARE,
) -> npt.NDArray[np.int8]:
    """Answers (responses, items) in the model's item order: 1..5, 0 for "weet niet" (the batch scorer's
    missing); reverse-keyed items are stored the way a respondent ticks them (6 - plain)."""
    item_block = np.empty(len(model.items), dtype=np.int64)
    for b in model.blocks:
        item_block[list(b.item_indices)] = b.index
    reverse = np.array([item.reverse for item in model.items])
    mean = block_means[:, item_block]
    plain = np.clip(np.rint(mean + rng.normal(0.0, noise, mean.shape)), 1, 5).astype(np.int8)
    ticked = np.where(reverse[None, :], 6 - plain, plain).astype(np.int8)
    ticked[rng.random(ticked.shape) < dont_know] = 0
    return ticked


def wave_progress(rng: np.random.Generator, learning: FloatArray, number: IntArray) -> FloatArray:
    """How much better a firm answers at wave ``number`` than at T0: modest, flattening, with some setbacks."""
    return 0.12 * learning * np.sqrt(number.astype(np.float64)) * 1.6 + rng.normal(0.0, 0.12, len(number))


def management_block_means(
    rng: np.random.Generator, model: Model, firms: Firms, traits: Traits, firm: IntArray, number: IntArray
) -> FloatArray:
    """Expected answers per block of the management response of wave ``number`` of firm ``firm`` (indices into
    ``firms``)."""
    progress = wave_progress(rng, firms.learning[firm], number)
    return _block_means(model, firms.strength[firm], traits.level[firm], traits.block[firm], progress)


def employee_block_means(rng: np.random.Generator, owner_means: FloatArray) -> FloatArray:
    """Employees see their firm a little less rosy than the owner does, each in their own way."""
    n, blocks = owner_means.shape
    return owner_means - 0.3 + rng.normal(0.0, 0.35, (n, 1)) + rng.normal(0.0, 0.25, (n, blocks))
