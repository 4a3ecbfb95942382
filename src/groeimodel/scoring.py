"""Answers to scores, bands, ladder position and advice (DESIGN §5 is the contract).

Two paths compute the same numbers: :func:`score` for one scan, written as plainly as the contract reads, and
:func:`score_batch` for many scans at once with numpy and no Python loop per scan. They perform the same
floating-point operations in the same order, so their results are identical, not merely close; the property
tests hold them to that.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from groeimodel.errors import InputError
from groeimodel.model import Lang, Model
from groeimodel.model.schema import Text

Answer = int | None
Role = Literal["management", "employee"]

# A block needs at least this share of its items answered to get a score: answered * 3 >= items * 2.
# A level needs the same share of its blocks scored to get a score: scored * 3 >= blocks * 2.
MIN_ANSWERED_NUM, MIN_ANSWERED_DEN = 2, 3


def enough(have: int, of: int) -> bool:
    """Whether ``have`` out of ``of`` is at least two thirds (the contract's rule for items and for blocks)."""
    return have * MIN_ANSWERED_DEN >= of * MIN_ANSWERED_NUM


# Scores are means of fractions such as 250/3 that floats cannot hold exactly, so a mean that is exactly 60 may
# come out as 59.999999999999986. Comparisons with a threshold or a band's cut point allow this much slack, in
# both paths alike; real scores differ from a cut point by far more (at least 100/(4*12*n) for n blocks).
CUT_TOLERANCE = 1e-9


class AnswerError(InputError):
    """An answer that the model cannot take; ``item`` names the item id."""

    def __init__(self, item: str, message: str):
        self.item = item
        super().__init__(f"{item}: {message}")


@dataclass(frozen=True)
class BlockScore:
    id: str
    level: int
    score: float | None
    band: str | None
    answered: int
    items: int


@dataclass(frozen=True)
class LevelScore:
    level: int
    score: float | None
    band: str | None
    achieved: bool
    blocks: tuple[BlockScore, ...]


@dataclass(frozen=True)
class Advice:
    level: int
    block: str
    score: float | None
    band: str | None
    text: Text


@dataclass(frozen=True)
class ScanResult:
    model_id: str
    model_version: str
    levels: tuple[LevelScore, ...]
    position: int
    next_level: int | None
    advice: tuple[Advice, ...]

    def block(self, block_id: str) -> BlockScore:
        for lv in self.levels:
            for b in lv.blocks:
                if b.id == block_id:
                    return b
        raise KeyError(block_id)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], model: Model) -> ScanResult:
        """A stored result (the shape of :meth:`to_dict`) as a typed result again. ``model`` is the model version
        it was scored with; it gives the advice texts in every language (the stored text is in one)."""
        levels = tuple(
            LevelScore(
                level=int(lv["level"]),
                score=lv["score"],
                band=lv["band"],
                achieved=bool(lv["achieved"]),
                blocks=tuple(
                    BlockScore(
                        id=b["id"],
                        level=int(lv["level"]),
                        score=b["score"],
                        band=b["band"],
                        answered=int(b["answered"]),
                        items=int(b["items"]),
                    )
                    for b in lv["blocks"]
                ),
            )
            for lv in data["levels"]
        )
        advice = []
        for a in data["advice"]:
            text = _advice_text(model, a)
            advice.append(Advice(level=int(a["level"]), block=a["block"], score=a["score"], band=a["band"], text=text))
        return cls(
            model_id=data["model"]["id"],
            model_version=data["model"]["version"],
            levels=levels,
            position=int(data["position"]),
            next_level=data["next_level"],
            advice=tuple(advice),
        )

    def to_dict(self, lang: Lang = "nl") -> dict[str, Any]:
        """The JSON shape of a scored scan (documented in the README)."""
        return {
            "model": {"id": self.model_id, "version": self.model_version},
            "position": self.position,
            "next_level": self.next_level,
            "levels": [
                {
                    "level": lv.level,
                    "score": lv.score,
                    "band": lv.band,
                    "achieved": lv.achieved,
                    "blocks": [
                        {"id": b.id, "score": b.score, "band": b.band, "answered": b.answered, "items": b.items}
                        for b in lv.blocks
                    ],
                }
                for lv in self.levels
            ],
            "advice": [
                {"level": a.level, "block": a.block, "score": a.score, "band": a.band, "text": a.text.get(lang)}
                for a in self.advice
            ],
        }


def _advice_text(model: Model, advice: Mapping[str, Any]) -> Text:
    """A stored advice's text in every language from ``model``; when the model no longer has the block or the band
    (its file changed after the scoring), the stored text, which is in one language only."""
    if not advice["band"]:
        return model.data.scoring.insufficient_advice
    index = model.block_index.get(advice["block"])
    texts = model.blocks[index].data.advice if index is not None else {}
    if advice["band"] in texts:
        return texts[advice["band"]]
    stored = str(advice.get("text") or advice["block"])
    return Text(nl=stored, en=stored)


# ---------------------------------------------------------------------------------------------------------------
# Rules shared by both paths: they act on a handful of per-scan numbers, never on items.


def band_of(model: Model, score: float | None) -> str | None:
    """The band whose range holds ``score``: the first band with ``score <= upper``."""
    if score is None:
        return None
    for band in model.bands:
        if score <= band.upper + CUT_TOLERANCE:
            return band.id
    return model.bands[-1].id


def advise(model: Model, next_level: int | None, block_scores: Mapping[str, float | None]) -> tuple[Advice, ...]:
    """Advice for the next step: the next level's blocks below the threshold, weakest first.

    Blocks without a score come last, with the model's advice to gather more answers.
    """
    if next_level is None:
        return ()
    blocks = model.level_blocks(next_level)
    scored = [(block_scores[b.id], b.index, b) for b in blocks if block_scores[b.id] is not None]
    weak = sorted((s, i, b) for s, i, b in scored if s is not None and s < model.threshold - CUT_TOLERANCE)
    out: list[Advice] = []
    for s, _, b in weak[: model.data.scoring.max_advice_blocks]:
        band = band_of(model, s)
        assert band is not None
        out.append(Advice(level=next_level, block=b.id, score=s, band=band, text=b.data.advice[band]))
    for b in blocks:
        if block_scores[b.id] is None:
            out.append(
                Advice(
                    level=next_level,
                    block=b.id,
                    score=None,
                    band=None,
                    text=model.data.scoring.insufficient_advice,
                )
            )
    return tuple(out)


def _finish(model: Model, block_scores: Sequence[float | None], answered: Sequence[int]) -> ScanResult:
    """Levels, ladder position and advice from the block scores (in the model's block order)."""
    levels: list[LevelScore] = []
    below_achieved = True
    position = 0
    by_id: dict[str, float | None] = {}
    for lv in model.levels:
        blocks = []
        total = 0.0
        count = 0
        for b in model.level_blocks(lv.level):
            s = block_scores[b.index]
            by_id[b.id] = s
            blocks.append(
                BlockScore(
                    id=b.id,
                    level=lv.level,
                    score=s,
                    band=band_of(model, s),
                    answered=answered[b.index],
                    items=len(b.item_indices),
                )
            )
            if s is not None:
                total += s
                count += 1
        level_score = total / count if count and enough(count, len(blocks)) else None
        achieved = below_achieved and level_score is not None and level_score >= model.threshold - CUT_TOLERANCE
        below_achieved = achieved
        if achieved:
            position = lv.level
        levels.append(
            LevelScore(
                level=lv.level,
                score=level_score,
                band=band_of(model, level_score),
                achieved=achieved,
                blocks=tuple(blocks),
            )
        )
    next_level = position + 1 if position < len(model.levels) else None
    return ScanResult(
        model_id=model.id,
        model_version=model.version,
        levels=tuple(levels),
        position=position,
        next_level=next_level,
        advice=advise(model, next_level, by_id),
    )


# ---------------------------------------------------------------------------------------------------------------
# The single-scan path.


def check_answer(item: str, value: object) -> Answer:
    """An answer as the model takes it: an int 1..5 or None for "weet niet / n.v.t."."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AnswerError(item, f"answer must be a whole number 1-5 or empty (weet niet / n.v.t.), got {value!r}")
    if isinstance(value, float) and (math.isnan(value) or not value.is_integer()):
        raise AnswerError(item, f"answer must be a whole number 1-5, got {value!r}")
    number = int(value)
    if not 1 <= number <= 5:
        raise AnswerError(item, f"answer must be 1-5 or empty (weet niet / n.v.t.), got {number}")
    return number


def check_answers(model: Model, answers: Mapping[str, object]) -> dict[str, Answer]:
    """Validate a mapping of item id to answer; raises :class:`AnswerError` on the first bad one."""
    out: dict[str, Answer] = {}
    for item, value in answers.items():
        if item not in model.item_index:
            raise AnswerError(item, f"unknown item id for model {model.id} {model.version}")
        out[item] = check_answer(item, value)
    return out


def score(model: Model, answers: Mapping[str, object]) -> ScanResult:
    """Score one scan. ``answers`` maps item ids to 1..5 or None; absent items count as missing."""
    checked = check_answers(model, answers)
    block_scores: list[float | None] = []
    answered: list[int] = []
    for b in model.blocks:
        values = []
        for i in b.item_indices:
            item = model.items[i]
            a = checked.get(item.id)
            if a is not None:
                values.append(6 - a if item.reverse else a)
        n = len(b.item_indices)
        answered.append(len(values))
        if enough(len(values), n):
            mean = sum(values) / len(values)
            block_scores.append((mean - 1) / 4 * 100)
        else:
            block_scores.append(None)
    return _finish(model, block_scores, answered)


# ---------------------------------------------------------------------------------------------------------------
# The batch path.


@dataclass(frozen=True)
class BatchResult:
    """Scores of many scans as arrays; row i is scan i. Missing scores are NaN, missing bands -1."""

    model: Model
    block_scores: npt.NDArray[np.float64]  # (n, blocks)
    block_answered: npt.NDArray[np.int16]  # (n, blocks)
    block_bands: npt.NDArray[np.int8]  # (n, blocks), index into model.bands or -1
    level_scores: npt.NDArray[np.float64]  # (n, levels)
    level_bands: npt.NDArray[np.int8]  # (n, levels)
    achieved: npt.NDArray[np.bool_]  # (n, levels)
    position: npt.NDArray[np.int8]  # (n,)

    def __len__(self) -> int:
        return int(self.position.shape[0])

    def scan(self, i: int) -> ScanResult:
        """Scan ``i`` as the same :class:`ScanResult` the single-scan path gives."""
        model = self.model
        band_ids = [b.id for b in model.bands]

        def opt(x: float) -> float | None:
            return None if math.isnan(x) else float(x)

        def band(j: int) -> str | None:
            return None if j < 0 else band_ids[j]

        levels = []
        by_id: dict[str, float | None] = {}
        for li, lv in enumerate(model.levels):
            blocks = []
            for b in model.level_blocks(lv.level):
                s = opt(self.block_scores[i, b.index])
                by_id[b.id] = s
                blocks.append(
                    BlockScore(
                        id=b.id,
                        level=lv.level,
                        score=s,
                        band=band(int(self.block_bands[i, b.index])),
                        answered=int(self.block_answered[i, b.index]),
                        items=len(b.item_indices),
                    )
                )
            levels.append(
                LevelScore(
                    level=lv.level,
                    score=opt(self.level_scores[i, li]),
                    band=band(int(self.level_bands[i, li])),
                    achieved=bool(self.achieved[i, li]),
                    blocks=tuple(blocks),
                )
            )
        position = int(self.position[i])
        next_level = position + 1 if position < len(model.levels) else None
        return ScanResult(
            model_id=model.id,
            model_version=model.version,
            levels=tuple(levels),
            position=position,
            next_level=next_level,
            advice=advise(model, next_level, by_id),
        )


def answers_matrix(model: Model, scans: Sequence[Mapping[str, object]]) -> npt.NDArray[np.float64]:
    """Validated answers of many scans as an (n, items) matrix in the model's item order, NaN for missing."""
    matrix = np.full((len(scans), len(model.items)), np.nan)
    for row, answers in enumerate(scans):
        for item, value in check_answers(model, answers).items():
            if value is not None:
                matrix[row, model.item_index[item]] = value
    return matrix


def _bands(model: Model, scores: npt.NDArray[np.float64]) -> npt.NDArray[np.int8]:
    """Band index per score (-1 for none): the number of upper cut points the score lies above."""
    idx = np.zeros(scores.shape, dtype=np.int8)
    for band in model.bands[:-1]:
        idx += scores > band.upper + CUT_TOLERANCE  # NaN compares False and is set to -1 below
    idx[np.isnan(scores)] = -1
    return idx


_CHUNK = 8192


def score_batch(model: Model, matrix: npt.ArrayLike) -> BatchResult:
    """Score many scans: ``matrix`` is (n, items) in the model's item order, 1..5 or NaN (or 0 in an integer
    matrix) for a missing answer."""
    m = np.asarray(matrix)
    if m.ndim != 2 or m.shape[1] != len(model.items):
        raise InputError(f"expected a matrix of shape (scans, {len(model.items)}) for model {model.id}, got {m.shape}")
    n = m.shape[0]
    n_blocks = len(model.blocks)
    # Block sums as matrix products. An item adds its answer to its block; a reverse-keyed one adds 6 - answer,
    # split as -answer (in `signed`) plus 6 for each present answer (in `per_present`). Answers are whole
    # numbers and sums stay far below 2**24, so float32 products are exact, as the single path's integer sums.
    signed = np.zeros((len(model.items), n_blocks), dtype=np.float32)
    per_present = np.zeros((len(model.items), 2 * n_blocks), dtype=np.float32)
    for b in model.blocks:
        for i in b.item_indices:
            reverse = model.items[i].reverse
            signed[i, b.index] = -1 if reverse else 1
            per_present[i, b.index] = 6 if reverse else 0
            per_present[i, n_blocks + b.index] = 1  # the count of answered items
    block_items = np.array([len(b.item_indices) for b in model.blocks])
    enough_count = (block_items * MIN_ANSWERED_NUM + MIN_ANSWERED_DEN - 1) // MIN_ANSWERED_DEN

    block_scores = np.empty((n, n_blocks))
    block_answered = np.empty((n, n_blocks), dtype=np.int16)
    integer_input = np.issubdtype(m.dtype, np.integer)
    # Chunks keep the temporaries in cache and memory flat for millions of scans.
    for start in range(0, n, _CHUNK):
        chunk = m[start : start + _CHUNK]
        if integer_input:
            bad = (chunk < 0) | (chunk > 5)
            present = chunk != 0
            values = chunk.astype(np.float32)
        else:
            present = ~np.isnan(chunk)
            bad = present & ((chunk < 1) | (chunk > 5) | (chunk != np.floor(chunk)))
            values = np.where(present, chunk, 0).astype(np.float32)
        if bad.any():
            row, col = (int(x) for x in np.argwhere(bad)[0])
            raise AnswerError(
                model.items[col].id, f"scan {start + row}: answer must be 1-5 or missing, got {chunk[row, col]!r}"
            )
        by_present = present.astype(np.float32) @ per_present
        sums = (values @ signed + by_present[:, :n_blocks]).astype(np.float64)
        counts = by_present[:, n_blocks:].astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = sums / counts  # float64 division of exact integers, as Python's int / int
        block_scores[start : start + len(chunk)] = np.where(counts >= enough_count, (mean - 1) / 4 * 100, np.nan)
        block_answered[start : start + len(chunk)] = counts

    n_levels = len(model.levels)
    level_scores = np.empty((n, n_levels))
    for li, lv in enumerate(model.levels):
        total = np.zeros(n)
        count = np.zeros(n)
        level_blocks = model.level_blocks(lv.level)
        for b in level_blocks:
            s = block_scores[:, b.index]
            has = ~np.isnan(s)
            total += np.where(has, s, 0.0)  # block order, as in the single path
            count += has
        enough_blocks = (len(level_blocks) * MIN_ANSWERED_NUM + MIN_ANSWERED_DEN - 1) // MIN_ANSWERED_DEN
        with np.errstate(invalid="ignore", divide="ignore"):
            level_scores[:, li] = np.where((count > 0) & (count >= enough_blocks), total / count, np.nan)

    achieved = np.zeros((n, n_levels), dtype=bool)
    below = np.ones(n, dtype=bool)
    with np.errstate(invalid="ignore"):
        for li in range(n_levels):
            below = below & (level_scores[:, li] >= model.threshold - CUT_TOLERANCE)
            achieved[:, li] = below
    position = achieved.sum(axis=1).astype(np.int8)  # achieved levels are always 1..position

    return BatchResult(
        model=model,
        block_scores=block_scores,
        block_answered=block_answered,
        block_bands=_bands(model, block_scores),
        level_scores=level_scores,
        level_bands=_bands(model, level_scores),
        achieved=achieved,
        position=position,
    )


# ---------------------------------------------------------------------------------------------------------------
# Several respondents of one firm.


@dataclass(frozen=True)
class Spread:
    n: int
    min: float
    max: float
    sd: float  # population standard deviation of the respondents' block scores


@dataclass(frozen=True)
class FirmResult:
    """The firm's combined result, with per block the spread over respondents and the management-employee gap."""

    result: ScanResult
    respondents: int
    spread: dict[str, Spread | None]
    gap: dict[str, float | None]  # mean of management minus mean of employees; None without both


def combine(model: Model, respondents: Sequence[tuple[Role, ScanResult]]) -> FirmResult:
    """Combine respondents: a block's firm score is the mean of the respondents' block scores (DESIGN §5)."""
    if not respondents:
        raise InputError("combining needs at least one respondent")
    block_scores: list[float | None] = []
    answered: list[int] = []
    spread: dict[str, Spread | None] = {}
    gap: dict[str, float | None] = {}
    for b in model.blocks:
        scored = [(role, r.block(b.id).score) for role, r in respondents]
        values = [s for _, s in scored if s is not None]
        answered.append(sum(r.block(b.id).answered for _, r in respondents))
        if values:
            mean = sum(values) / len(values)
            block_scores.append(mean)
            sd = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
            spread[b.id] = Spread(n=len(values), min=min(values), max=max(values), sd=sd)
        else:
            block_scores.append(None)
            spread[b.id] = None
        mgmt = [s for role, s in scored if role == "management" and s is not None]
        empl = [s for role, s in scored if role == "employee" and s is not None]
        gap[b.id] = sum(mgmt) / len(mgmt) - sum(empl) / len(empl) if mgmt and empl else None
    return FirmResult(
        result=_finish(model, block_scores, answered),
        respondents=len(respondents),
        spread=spread,
        gap=gap,
    )
