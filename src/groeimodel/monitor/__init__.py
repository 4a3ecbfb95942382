"""Anonymised aggregates over many firms (DESIGN §3.6): tables with k-anonymous suppression.

Pure core: plain records in, dataclasses out; no Django, no database. See docs/monitor.md.
"""

from groeimodel.monitor.tables import (
    DEFAULT_K,
    DIMENSIONS,
    CountTable,
    Dimension,
    FirmWave,
    Mean,
    MeanTable,
    count_rows,
    growth_by_position,
    mean_rows,
    mean_scores,
    measure_key,
    movement,
    position_distribution,
    protect_counts,
    protect_means,
    to_csv,
)

__all__ = [
    "DEFAULT_K",
    "DIMENSIONS",
    "CountTable",
    "Dimension",
    "FirmWave",
    "Mean",
    "MeanTable",
    "count_rows",
    "growth_by_position",
    "mean_rows",
    "mean_scores",
    "measure_key",
    "movement",
    "position_distribution",
    "protect_counts",
    "protect_means",
    "to_csv",
]
