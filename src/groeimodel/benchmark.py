"""A firm's block and level scores as percentiles among its peers (DESIGN §3.5, issue 9).

The peers are the latest waves of the other firms scanned with the same model. The peer group is the narrowest of

1. the same SBI section and EU size class,
2. the same size class,
3. all firms,

that holds at least ``k`` firms besides the firm itself (default 5). A firm is never its own peer.

Per block and level (a *measure*, keyed ``(level, block)`` as the score rows are stored, block ``""`` for the
level's own score) the firm gets

* its **percentile**: ``100 * (L + T / 2) / N``, where ``N`` is the number of peers with a score on that measure,
  ``L`` the number of them with a lower score and ``T`` the number with the same score (within 1e-9). So 0 means
  every peer scored higher, 100 every peer lower, 50 the middle (or everyone the same);
* the peers' **distribution** for a strip or box plot: minimum, first quartile, median, third quartile and
  maximum (numpy's default "linear" quantiles). Never the peers' individual values.

A measure on which fewer than ``k`` peers have a score gets neither (``None``): the figures of a handful of firms
would tell too much about each of them.

How it is fast: :class:`PeerIndex` sorts every measure's scores once, then orders them by group code for each
grouping (section and size, size, all); a lookup is then a few binary searches per measure, and the firm itself
is taken out by index arithmetic, not by copying. Bench note, measured with ``python -m groeimodel.benchmark`` on
this project's 2-core machine while other jobs ran: 200,000 firms, 19 measures (the ``groeimodel`` model's 4
levels and 15 blocks), 5% of the scores missing: building the :class:`Population` about 1.4 s and the index about
3 s, once; one :meth:`PeerIndex.compare` 1.3 to 1.9 ms. (A one-shot sort of all 200,000 firms per lookup took 450
to 750 ms on the same machine, hence the index.) The web layer keeps an index per model and population, or loads
only the chosen group's scores and calls :func:`compare_scores`, which sorts only that group.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from groeimodel.monitor.codebook import PEER_GROUP_KINDS, SBI_SECTIONS, SIZE_CLASSES, Lang, label

Measure = tuple[int, str]  # (level, block); block "" is the level's own score
GroupKind = Literal["sector_size", "size", "all"]
FloatArray = npt.NDArray[np.float64]

DEFAULT_K = 5
TIE_TOLERANCE = 1e-9
QUANTILES = (0.25, 0.5, 0.75)


@dataclass(frozen=True)
class PeerGroup:
    """The group a firm was compared with."""

    kind: GroupKind
    sbi_section: str | None  # set for "sector_size"
    size_class: str | None  # set for "sector_size" and "size"
    size: int  # number of peers (the firm itself not counted)

    def label(self, lang: Lang) -> str:
        """E.g. "zelfde sector en grootteklasse: C, klein (10 tot 50)"; "alle bedrijven"."""
        kind = label(PEER_GROUP_KINDS, self.kind, lang)
        parts = []
        if self.sbi_section is not None:
            parts.append(self.sbi_section)
        if self.size_class is not None:
            parts.append(label(SIZE_CLASSES, self.size_class, lang))
        return f"{kind}: {', '.join(parts)}" if parts else kind


@dataclass(frozen=True)
class Distribution:
    """The peers' scores on one measure, as a box plot needs them."""

    minimum: float
    q1: float
    median: float
    q3: float
    maximum: float


@dataclass(frozen=True)
class MeasureComparison:
    score: float | None  # the firm's own score
    peers: int  # peers with a score on this measure
    percentile: float | None  # None: the firm has no score, or fewer than k peers have one
    distribution: Distribution | None  # None: fewer than k peers have a score


@dataclass(frozen=True)
class Benchmark:
    group: PeerGroup
    measures: dict[Measure, MeasureComparison]


def choose_group(
    *, sbi_section: str, size_class: str, sector_size_peers: int, size_peers: int, all_peers: int, k: int = DEFAULT_K
) -> PeerGroup:
    """The narrowest group with at least ``k`` peers; the counts exclude the firm itself.

    When even all firms together are fewer than ``k``, the group is "all" (and every measure has too few peers).
    """
    if sector_size_peers >= k:
        return PeerGroup("sector_size", sbi_section, size_class, sector_size_peers)
    if size_peers >= k:
        return PeerGroup("size", None, size_class, size_peers)
    return PeerGroup("all", None, None, all_peers)


def _quantile(a: FloatArray, skip: int, n: int, q: float) -> float:
    """numpy's linear quantile ``q`` of the sorted array ``a`` without its element ``skip`` (-1: none); n values."""
    h = (n - 1) * q
    lo = math.floor(h)
    hi = min(lo + 1, n - 1)

    def at(i: int) -> float:
        return float(a[i + 1] if 0 <= skip <= i else a[i])

    low = at(lo)
    return low + (h - lo) * (at(hi) - low)


def _compare_sorted(a: FloatArray, own_in_a: float | None, score: float | None, k: int) -> MeasureComparison:
    """Compare ``score`` with the sorted valid scores ``a``, of which one copy of ``own_in_a`` is the firm's own."""
    skip = -1
    if own_in_a is not None:
        skip = int(np.searchsorted(a, own_in_a, side="left"))
    n = len(a) - (1 if skip >= 0 else 0)
    if n < k:
        return MeasureComparison(score, n, None, None)
    distribution = Distribution(
        minimum=_quantile(a, skip, n, 0.0),
        q1=_quantile(a, skip, n, QUANTILES[0]),
        median=_quantile(a, skip, n, QUANTILES[1]),
        q3=_quantile(a, skip, n, QUANTILES[2]),
        maximum=_quantile(a, skip, n, 1.0),
    )
    percentile = None
    if score is not None:
        lower = int(np.searchsorted(a, score - TIE_TOLERANCE, side="left"))
        upper = int(np.searchsorted(a, score + TIE_TOLERANCE, side="right"))
        ties = upper - lower
        if own_in_a is not None:
            if own_in_a < score - TIE_TOLERANCE:
                lower -= 1
            elif own_in_a <= score + TIE_TOLERANCE:
                ties -= 1
        percentile = 100.0 * (lower + ties / 2) / n
    return MeasureComparison(score, n, percentile, distribution)


def _clean(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def compare_scores(
    scores: Mapping[Measure, float | None],
    peer_scores: Mapping[Measure, npt.ArrayLike],
    group: PeerGroup,
    *,
    k: int = DEFAULT_K,
) -> Benchmark:
    """Compare a firm's ``scores`` with the scores of one group's peers (the firm itself already left out).

    ``peer_scores`` maps each measure to the peers' scores (NaN or None: no score). For the web layer that loads
    only the chosen group's rows; it sorts each measure of that group once.
    """
    measures: dict[Measure, MeasureComparison] = {}
    for measure, values in peer_scores.items():
        arr = np.asarray(values, dtype=np.float64)
        arr = np.sort(arr[~np.isnan(arr)])
        measures[measure] = _compare_sorted(arr, None, _clean(scores.get(measure)), k)
    return Benchmark(group, measures)


@dataclass(frozen=True)
class Population:
    """The latest wave of every firm scanned with one model, as arrays.

    ``scores[j, i]`` is firm ``i``'s score on ``measures[j]``, NaN when it has none.
    """

    companies: npt.NDArray[np.int64]
    sbi_sections: Sequence[str]
    size_classes: Sequence[str]
    measures: tuple[Measure, ...]
    scores: FloatArray

    def __post_init__(self) -> None:
        n = len(self.companies)
        if len(self.sbi_sections) != n or len(self.size_classes) != n:
            raise ValueError("companies, sbi_sections and size_classes must have the same length")
        if self.scores.shape != (len(self.measures), n):
            raise ValueError(f"scores must have shape {(len(self.measures), n)}, not {self.scores.shape}")
        if len(np.unique(self.companies)) != n:
            raise ValueError("a company may appear only once (its latest wave)")
        for s in set(self.sbi_sections) - set(SBI_SECTIONS):
            raise ValueError(f"unknown SBI section {s!r}")
        for c in set(self.size_classes) - set(SIZE_CLASSES):
            raise ValueError(f"unknown size class {c!r}")

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, str, str, int, str, float | None]]) -> Population:
        """From score rows ``(company, sbi_section, size_class, level, block, score)``, block "" for a level."""
        firms: dict[int, tuple[str, str]] = {}
        cells: dict[tuple[int, Measure], float] = {}
        for company, sbi, size, level, block, score in rows:
            if firms.setdefault(company, (sbi, size)) != (sbi, size):
                raise ValueError(f"company {company} has more than one SBI section or size class")
            if score is not None:
                cells[(company, (level, block))] = score
            else:
                cells.setdefault((company, (level, block)), math.nan)
        measures = tuple(sorted({m for _, m in cells}))
        companies = sorted(firms)
        col = {c: i for i, c in enumerate(companies)}
        row = {m: j for j, m in enumerate(measures)}
        scores = np.full((len(measures), len(companies)), np.nan)
        for (company, measure), score in cells.items():
            scores[row[measure], col[company]] = score
        return cls(
            companies=np.asarray(companies, dtype=np.int64),
            sbi_sections=[firms[c][0] for c in companies],
            size_classes=[firms[c][1] for c in companies],
            measures=measures,
            scores=scores,
        )


@dataclass(frozen=True)
class _Grouping:
    """One way of grouping the firms: every measure's valid scores sorted by (group code, score)."""

    counts: npt.NDArray[np.int64]  # firms per group code
    sorted_scores: list[FloatArray]  # per measure
    starts: list[npt.NDArray[np.int64]]  # per measure: offset of each group code in sorted_scores (len groups+1)


class PeerIndex:
    """A population prepared for fast lookups; build once, compare many times."""

    def __init__(self, population: Population) -> None:
        self.population = population
        sbi_index = {s: i for i, s in enumerate(SBI_SECTIONS)}
        size_index = {s: i for i, s in enumerate(SIZE_CLASSES)}
        self._sbi_index, self._size_index = sbi_index, size_index
        sbi = np.fromiter((sbi_index[s] for s in population.sbi_sections), dtype=np.int64)
        size = np.fromiter((size_index[s] for s in population.size_classes), dtype=np.int64)
        n_sizes = len(SIZE_CLASSES)
        self._row = {int(c): i for i, c in enumerate(population.companies)}
        # Every measure's valid scores sorted once; each grouping then only reorders by group code, with a stable
        # sort that numpy does as a radix sort on 16-bit integers.
        by_score: list[tuple[FloatArray, npt.NDArray[np.intp]]] = []
        for values in population.scores:
            valid = np.flatnonzero(~np.isnan(values))
            order = valid[np.argsort(values[valid], kind="stable")]
            by_score.append((values[order], order))
        self._groupings = {
            "sector_size": self._grouping(by_score, sbi * n_sizes + size, len(SBI_SECTIONS) * n_sizes),
            "size": self._grouping(by_score, size, n_sizes),
            "all": self._grouping(by_score, np.zeros_like(size), 1),
        }

    @staticmethod
    def _grouping(
        by_score: list[tuple[FloatArray, npt.NDArray[np.intp]]], codes: npt.NDArray[np.int64], n_groups: int
    ) -> _Grouping:
        small_codes = codes.astype(np.int16)
        sorted_scores: list[FloatArray] = []
        starts: list[npt.NDArray[np.int64]] = []
        for values, order in by_score:
            c = small_codes[order]
            regroup = np.argsort(c, kind="stable")
            sorted_scores.append(values[regroup])
            starts.append(np.searchsorted(c[regroup], np.arange(n_groups + 1)).astype(np.int64))
        return _Grouping(np.bincount(codes, minlength=n_groups).astype(np.int64), sorted_scores, starts)

    def firm(self, company: int) -> tuple[str, str] | None:
        """The SBI section and size class the firm ``company`` has in the population; None when it is not in it."""
        row = self._row.get(company)
        if row is None:
            return None
        return self.population.sbi_sections[row], self.population.size_classes[row]

    def compare(
        self,
        *,
        sbi_section: str,
        size_class: str,
        scores: Mapping[Measure, float | None] | None = None,
        company: int | None = None,
        k: int = DEFAULT_K,
    ) -> Benchmark:
        """Benchmark a firm of ``sbi_section`` and ``size_class``.

        ``company``: the firm's id when it is in the population; it is then left out of its own peers, and its
        population scores are compared unless ``scores`` are given (say, for an earlier wave's result page).
        """
        row = self._row.get(company) if company is not None else None
        if row is not None and (
            self.population.sbi_sections[row] != sbi_section or self.population.size_classes[row] != size_class
        ):
            raise ValueError(f"company {company} is not of SBI section {sbi_section!r} and size {size_class!r}")
        if sbi_section not in self._sbi_index or size_class not in self._size_index:
            raise ValueError(f"unknown SBI section {sbi_section!r} or size class {size_class!r}")
        n_sizes = len(SIZE_CLASSES)
        sbi, size = self._sbi_index[sbi_section], self._size_index[size_class]
        codes: dict[str, int] = {"sector_size": sbi * n_sizes + size, "size": size, "all": 0}
        inside = 1 if row is not None else 0
        peers = {kind: int(self._groupings[kind].counts[code]) - inside for kind, code in codes.items()}
        group = choose_group(
            sbi_section=sbi_section,
            size_class=size_class,
            sector_size_peers=peers["sector_size"],
            size_peers=peers["size"],
            all_peers=peers["all"],
            k=k,
        )
        grouping, code = self._groupings[group.kind], codes[group.kind]
        result: dict[Measure, MeasureComparison] = {}
        for j, measure in enumerate(self.population.measures):
            a = grouping.sorted_scores[j][grouping.starts[j][code] : grouping.starts[j][code + 1]]
            own = _clean(float(self.population.scores[j, row])) if row is not None else None
            score = own if scores is None else _clean(scores.get(measure))
            result[measure] = _compare_sorted(a, own, score, k)
        return Benchmark(group, result)


def _bench(n: int = 200_000, seed: int = 1) -> None:  # pragma: no cover - prints figures
    import time

    rng = np.random.default_rng(seed)
    measures = tuple([(lv, "") for lv in range(1, 5)] + [(lv, f"b{lv}{i}") for lv in range(1, 5) for i in range(4)])
    measures = measures[:19]
    scores = np.round(rng.uniform(0, 100, (len(measures), n)) / 6.25) * 6.25
    scores[rng.random(scores.shape) < 0.05] = np.nan
    sections, sizes = list(SBI_SECTIONS), list(SIZE_CLASSES)
    population = Population(
        companies=np.arange(n, dtype=np.int64),
        sbi_sections=[sections[i] for i in rng.integers(0, len(sections), n)],
        size_classes=[sizes[i] for i in rng.choice(4, n, p=[0.9, 0.08, 0.015, 0.005])],
        measures=measures,
        scores=scores,
    )
    t = time.perf_counter()
    index = PeerIndex(population)
    print(f"build, {n} firms x {len(measures)} measures: {time.perf_counter() - t:.2f} s")
    firms = rng.integers(0, n, 200)
    t = time.perf_counter()
    for c in firms:
        i = int(c)
        index.compare(sbi_section=population.sbi_sections[i], size_class=population.size_classes[i], company=i)
    print(f"one compare: {(time.perf_counter() - t) / len(firms) * 1000:.2f} ms")


if __name__ == "__main__":  # pragma: no cover
    _bench()
