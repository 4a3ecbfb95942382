"""Batch scoring speed: 1,000,000 synthetic scans of the `groeimodel` model, batch path against scan by scan.

Prints scans per second for both paths; the last line is
`batch_seconds_per_million=<float> speedup=<float>` (batch against scan by scan).
The scan-by-scan path is timed on a sample (default 20,000 scans) because a million would take minutes.
Usage: python bench/score_batch.py [--scans N] [--single N] [--repeat K]
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

from groeimodel.model import load_model
from groeimodel.scoring import score, score_batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=1_000_000)
    parser.add_argument("--single", type=int, default=20_000, help="scans timed on the scan-by-scan path")
    parser.add_argument("--repeat", type=int, default=3, help="batch runs; the best is reported")
    args = parser.parse_args()

    model = load_model("groeimodel")
    rng = np.random.default_rng(2026)
    # Answers 1..5 with about 8% "weet niet" (0 in an integer matrix), as an int8 matrix (60 MB per million).
    matrix = rng.integers(1, 6, size=(args.scans, len(model.items)), dtype=np.int8)
    matrix[rng.random(matrix.shape) < 0.08] = 0

    batch_times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = score_batch(model, matrix)
        batch_times.append(time.perf_counter() - start)
    batch_seconds = min(batch_times)
    batch_rate = args.scans / batch_seconds

    ids = [item.id for item in model.items]
    sample = [{ids[j]: int(v) for j, v in enumerate(row) if v} for row in matrix[: args.single]]
    start = time.perf_counter()
    singles = [score(model, answers) for answers in sample]
    single_seconds = time.perf_counter() - start
    single_rate = len(sample) / single_seconds

    mismatches = sum(result.scan(i) != singles[i] for i in range(0, len(sample), max(1, len(sample) // 500)))
    positions = np.bincount(result.position, minlength=len(model.levels) + 1)

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cpus, python {platform.python_version()}, "
        f"numpy {np.__version__}"
    )
    print(f"model: {model.id} {model.version}, {len(model.items)} items, {len(model.blocks)} blocks")
    print(f"batch: {args.scans:,} scans in {batch_seconds:.3f} s (best of {args.repeat}) = {batch_rate:,.0f} scans/s")
    print(f"single: {len(sample):,} scans in {single_seconds:.3f} s = {single_rate:,.0f} scans/s")
    print(
        f"check: {mismatches} mismatches between paths on a sample; positions 0..{len(model.levels)}: "
        f"{positions.tolist()}"
    )
    seconds_per_million = batch_seconds * 1_000_000 / args.scans
    print(f"batch_seconds_per_million={seconds_per_million:.3f} speedup={batch_rate / single_rate:.1f}")


if __name__ == "__main__":
    main()
