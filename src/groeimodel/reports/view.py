"""The localised view of a result: what the result page, the CLI table and the report all render.

Level and block names, band names, "onvoldoende gegevens", the advice texts, the changes since earlier waves and
the employees' view with the marked gaps are picked here, once, from the model version the result was scored
with. Renderers only lay the view out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from groeimodel.model import Lang, Model
from groeimodel.progress import Comparison, compare
from groeimodel.respondents import GAP_POINTS, BlockAggregate, EmployeeView, gap_blocks
from groeimodel.scoring import ScanResult


@dataclass(frozen=True)
class ChangeView:
    delta: float  # points, positive is up

    @property
    def direction(self) -> str:
        return "up" if self.delta > 0 else ("down" if self.delta < 0 else "same")

    @property
    def arrow(self) -> str:
        return {"up": "↑", "down": "↓", "same": "="}[self.direction]


@dataclass(frozen=True)
class BlockView:
    id: str
    level: int
    number: str  # "2.3": level and place, for chart axes
    name: str
    score: float | None
    band: str | None
    band_name: str
    answered: int
    items: int
    since_previous: ChangeView | None = None
    since_first: ChangeView | None = None
    employees: BlockAggregate | None = None
    gap: float | None = None  # owner minus employees, only when marked

    @property
    def gap_size(self) -> float | None:
        return None if self.gap is None else abs(self.gap)


@dataclass(frozen=True)
class LevelView:
    level: int
    name: str
    subtitle: str
    key_question: str
    reconstruction: bool
    score: float | None
    band: str | None
    band_name: str
    achieved: bool
    is_position: bool
    is_next: bool
    blocks: tuple[BlockView, ...]
    since_previous: ChangeView | None = None
    since_first: ChangeView | None = None
    employees: BlockAggregate | None = None


@dataclass(frozen=True)
class AdviceView:
    block: str
    block_name: str
    level: int
    score: float | None
    band_name: str
    text: str


@dataclass(frozen=True)
class WaveChange:
    """The ladder position against an earlier wave, and what the comparison had to leave out."""

    label: str  # "T0", "T1", ...
    position_before: int
    position_delta: int
    same_version: bool
    left_out: tuple[str, ...]  # block names

    @property
    def direction(self) -> str:
        return "up" if self.position_delta > 0 else ("down" if self.position_delta < 0 else "same")


@dataclass(frozen=True)
class ResultView:
    lang: Lang
    model_id: str
    model_version: str
    model_name: str
    threshold: float
    position: int
    position_name: str | None
    next_level: int | None
    next_level_name: str | None
    levels: tuple[LevelView, ...]  # level 1 first
    advice: tuple[AdviceView, ...]
    insufficient: str
    since_previous: WaveChange | None = None
    since_first: WaveChange | None = None
    employees: EmployeeView | None = None
    gap_points: float = GAP_POINTS
    gaps: tuple[str, ...] = field(default=())  # block ids whose owner/employee gap is marked

    @property
    def blocks(self) -> tuple[BlockView, ...]:
        return tuple(b for lv in self.levels for b in lv.blocks)

    @property
    def levels_top_down(self) -> tuple[LevelView, ...]:
        return tuple(reversed(self.levels))

    @property
    def has_reconstruction(self) -> bool:
        return any(lv.reconstruction for lv in self.levels)

    @property
    def unscored_blocks(self) -> tuple[str, ...]:
        return tuple(b.name for b in self.blocks if b.score is None)


def _block_name(model: Model, block_id: str, lang: Lang) -> str:
    """The block's name in ``model``, or its id when the model no longer has it (its file changed since)."""
    index = model.block_index.get(block_id)
    return block_id if index is None else model.blocks[index].data.name.get(lang)


def _level_name(model: Model, number: int, lang: Lang) -> str:
    return model.level(number).name.get(lang) if 1 <= number <= len(model.levels) else str(number)


def _change(delta: float | None) -> ChangeView | None:
    return None if delta is None else ChangeView(delta)


def build_view(
    model: Model,
    result: ScanResult,
    lang: Lang,
    *,
    previous: tuple[str, Model, ScanResult] | None = None,
    first: tuple[str, Model, ScanResult] | None = None,
    employees: EmployeeView | None = None,
    gap_points: float = GAP_POINTS,
) -> ResultView:
    """The view of ``result`` (scored with ``model``), with the change since the ``previous`` and the ``first``
    wave (label, model, result) and the employees' view when given."""
    band_names = {b.id: b.name.get(lang) for b in model.bands}
    insufficient = model.data.scoring.insufficient.get(lang)
    prev_cmp: Comparison | None = compare(result, previous[2]) if previous else None
    first_cmp: Comparison | None = compare(result, first[2]) if first else None
    gaps = gap_blocks(result, employees, points=gap_points) if employees is not None else {}

    def block_change(cmp: Comparison | None, block_id: str) -> ChangeView | None:
        change = cmp.blocks.get(block_id) if cmp else None
        return _change(change.delta) if change else None

    def level_change(cmp: Comparison | None, level: int) -> ChangeView | None:
        change = cmp.levels.get(level) if cmp else None
        return _change(change.delta) if change else None

    levels = []
    for lv in result.levels:
        data = model.level(lv.level) if 1 <= lv.level <= len(model.levels) else None
        blocks = []
        for place, b in enumerate(lv.blocks, start=1):
            blocks.append(
                BlockView(
                    id=b.id,
                    level=lv.level,
                    number=f"{lv.level}.{place}",
                    name=_block_name(model, b.id, lang),
                    score=b.score,
                    band=b.band,
                    band_name=band_names.get(b.band, b.band) if b.band else insufficient,
                    answered=b.answered,
                    items=b.items,
                    since_previous=block_change(prev_cmp, b.id),
                    since_first=block_change(first_cmp, b.id),
                    employees=employees.blocks.get(b.id) if employees is not None and employees.shown else None,
                    gap=gaps.get(b.id),
                )
            )
        levels.append(
            LevelView(
                level=lv.level,
                name=data.name.get(lang) if data else str(lv.level),
                subtitle=data.subtitle.get(lang) if data else "",
                key_question=data.key_question.get(lang) if data else "",
                reconstruction=data.reconstruction if data else False,
                score=lv.score,
                band=lv.band,
                band_name=band_names.get(lv.band, lv.band) if lv.band else insufficient,
                achieved=lv.achieved,
                is_position=lv.level == result.position,
                is_next=lv.level == result.next_level,
                blocks=tuple(blocks),
                since_previous=level_change(prev_cmp, lv.level),
                since_first=level_change(first_cmp, lv.level),
                employees=employees.levels.get(lv.level) if employees is not None and employees.shown else None,
            )
        )
    advice = tuple(
        AdviceView(
            block=a.block,
            block_name=_block_name(model, a.block, lang),
            level=a.level,
            score=a.score,
            band_name=band_names.get(a.band, a.band) if a.band else insufficient,
            text=a.text.get(lang),
        )
        for a in result.advice
    )

    def wave_change(wave: tuple[str, Model, ScanResult] | None, cmp: Comparison | None) -> WaveChange | None:
        if wave is None or cmp is None:
            return None
        names = {b.id: b.data.name.get(lang) for m in (model, wave[1]) for b in m.blocks}
        return WaveChange(
            label=wave[0],
            position_before=cmp.position_before,
            position_delta=cmp.position_delta,
            same_version=cmp.same_version,
            left_out=tuple(names.get(b, b) for b in cmp.left_out),
        )

    return ResultView(
        lang=lang,
        model_id=model.id,
        model_version=model.version,
        model_name=model.name(lang),
        threshold=model.threshold,
        position=result.position,
        position_name=_level_name(model, result.position, lang) if result.position else None,
        next_level=result.next_level,
        next_level_name=_level_name(model, result.next_level, lang) if result.next_level else None,
        levels=tuple(levels),
        advice=advice,
        insufficient=insufficient,
        since_previous=wave_change(previous, prev_cmp),
        since_first=wave_change(first, first_cmp),
        employees=employees,
        gap_points=gap_points,
        gaps=tuple(gaps),
    )
