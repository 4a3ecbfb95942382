"""Change per block and level between two waves of one firm (DESIGN §3.4).

Two waves may have been scored with different versions of a model. Only what both versions have is compared:
blocks by id, levels by number; the comparison says which blocks it left out, so a page can say so.
"""

from __future__ import annotations

from dataclasses import dataclass

from groeimodel.scoring import ScanResult


@dataclass(frozen=True)
class Change:
    now: float | None
    before: float | None

    @property
    def delta(self) -> float | None:
        """Points up (positive) or down; None when either wave has no score."""
        if self.now is None or self.before is None:
            return None
        return self.now - self.before


@dataclass(frozen=True)
class Comparison:
    """The current wave against an earlier one."""

    blocks: dict[str, Change]  # only blocks present in both
    levels: dict[int, Change]  # only levels present in both
    position_now: int
    position_before: int
    same_version: bool
    left_out: tuple[str, ...]  # block ids of either wave that the other does not have

    @property
    def position_delta(self) -> int:
        return self.position_now - self.position_before


def compare(current: ScanResult, earlier: ScanResult) -> Comparison:
    """How ``current`` changed since ``earlier``: per common block and level, and the ladder position."""
    now_blocks = {b.id: b.score for lv in current.levels for b in lv.blocks}
    before_blocks = {b.id: b.score for lv in earlier.levels for b in lv.blocks}
    common = [block for block in now_blocks if block in before_blocks]
    left_out = tuple(
        [b for b in now_blocks if b not in before_blocks] + [b for b in before_blocks if b not in now_blocks]
    )
    now_levels = {lv.level: lv.score for lv in current.levels}
    before_levels = {lv.level: lv.score for lv in earlier.levels}
    return Comparison(
        blocks={b: Change(now_blocks[b], before_blocks[b]) for b in common},
        levels={n: Change(now_levels[n], before_levels[n]) for n in now_levels if n in before_levels},
        position_now=current.position,
        position_before=earlier.position,
        same_version=(current.model_id, current.model_version) == (earlier.model_id, earlier.model_version),
        left_out=left_out,
    )
