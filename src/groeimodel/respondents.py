"""The employees' view of a firm, under the anonymity rule, and the blocks where it differs from the owner's.

DESIGN §5: employees' scores are shown only as aggregates of at least ``k`` employees (default 5), as mean,
spread and count; a block where the owner's and the employees' scores differ by more than ``gap`` points
(default 20) is marked. Individual employee answers never leave this module's callers as anything but these
aggregates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from groeimodel.scoring import ScanResult

MIN_EMPLOYEES = 5
GAP_POINTS = 20.0


@dataclass(frozen=True)
class BlockAggregate:
    mean: float | None
    sd: float | None
    n: int  # employees with a score for this block


@dataclass(frozen=True)
class EmployeeView:
    """What may be shown of the employees' answers: nothing below ``k`` respondents."""

    respondents: int
    k: int
    blocks: dict[str, BlockAggregate]  # empty unless shown
    levels: dict[int, BlockAggregate]  # empty unless shown

    @property
    def shown(self) -> bool:
        return self.respondents >= self.k

    @property
    def needed(self) -> int:
        """How many more employees must answer before anything is shown."""
        return max(self.k - self.respondents, 0)


def _aggregate(values: Sequence[float | None], k: int) -> BlockAggregate:
    scored = [v for v in values if v is not None]
    if len(scored) < k:  # a block scored by fewer than k employees is not shown either
        return BlockAggregate(mean=None, sd=None, n=len(scored))
    mean = sum(scored) / len(scored)
    sd = math.sqrt(sum((v - mean) ** 2 for v in scored) / len(scored))
    return BlockAggregate(mean=mean, sd=sd, n=len(scored))


def employee_view(results: Sequence[ScanResult], *, k: int = MIN_EMPLOYEES) -> EmployeeView:
    """Aggregate the employees' results; below ``k`` respondents only their number is known."""
    if len(results) < k:
        return EmployeeView(respondents=len(results), k=k, blocks={}, levels={})
    block_ids = [b.id for lv in results[0].levels for b in lv.blocks]
    blocks = {bid: _aggregate([r.block(bid).score for r in results], k) for bid in block_ids}
    level_numbers = [lv.level for lv in results[0].levels]
    levels = {
        n: _aggregate([next(lv.score for lv in r.levels if lv.level == n) for r in results], k) for n in level_numbers
    }
    return EmployeeView(respondents=len(results), k=k, blocks=blocks, levels=levels)


def gap_blocks(owner: ScanResult, employees: EmployeeView, *, points: float = GAP_POINTS) -> dict[str, float]:
    """Blocks where the owner's score and the employees' mean differ by more than ``points``: block -> owner
    minus employees. Empty while the employees' view is not shown."""
    if not employees.shown:
        return {}
    out: dict[str, float] = {}
    for lv in owner.levels:
        for b in lv.blocks:
            agg = employees.blocks.get(b.id)
            if b.score is None or agg is None or agg.mean is None:
                continue
            if abs(b.score - agg.mean) > points:
                out[b.id] = b.score - agg.mean
    return out
