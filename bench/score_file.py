"""Scoring a wave CSV from the command line: `groeimodel score FILE --format csv -o out.csv` against Python's csv
module just reading the same file.

Generates a CSV of N scans of the `groeimodel` model (60 items, answers 1-5, about 8% empty or "weet niet") in a
temporary folder, times `csv.reader` over it (best of 2), then runs the command as a subprocess and reports its
wall and CPU time, the ratios, and the peak resident memory of the child (resource.getrusage RUSAGE_CHILDREN).
The last line is `rows=<int> csv_read_s=<float> score_s=<float> ratio=<float> cpu_ratio=<float> peak_rss_mb=<float>`.
Usage: python bench/score_file.py [--rows N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from groeimodel.model import load_model

GOAL_RATIO = 4.0
GOAL_RSS_MB = 300.0


def write_wave(path: Path, rows: int) -> None:
    model = load_model("groeimodel")
    ids = [item.id for item in model.items]
    rng = random.Random(2026)
    cells = ["1", "2", "3", "4", "5"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["id", *ids])
        for n in range(rows):
            row = [f"firm-{n:07d}"]
            for _ in ids:
                r = rng.random()
                row.append("" if r < 0.05 else "weet niet" if r < 0.08 else cells[int(r * 997) % 5])
            writer.writerow(row)


def time_csv_read(path: Path) -> tuple[float, float]:
    """Wall and CPU seconds of the csv module reading ``path`` (best of 2 each)."""
    best, best_cpu = float("inf"), float("inf")
    for _ in range(2):
        start, cpu = time.perf_counter(), time.process_time()
        with path.open(newline="", encoding="utf-8") as fh:
            for _row in csv.reader(fh):
                pass
        best, best_cpu = min(best, time.perf_counter() - start), min(best_cpu, time.process_time() - cpu)
    return best, best_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the files here and keep them (an existing wave.csv is reused)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        wave, out = folder / "wave.csv", folder / "out.csv"
        start = time.perf_counter()
        if not (args.keep and wave.exists() and sum(1 for _ in wave.open()) == args.rows + 1):
            write_wave(wave, args.rows)
        print(
            f"generated {args.rows:,} rows ({wave.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - start:.1f} s"
        )
        read_s, read_cpu = time_csv_read(wave)
        print(f"csv module, reading only: {read_s:.2f} s (CPU {read_cpu:.2f} s)")
        command = [
            str(Path(sys.executable).parent / "groeimodel"),
            "score",
            str(wave),
            "--format",
            "csv",
            "-o",
            str(out),
        ]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        score_s = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"groeimodel score failed ({done.returncode}): {done.stderr[:500]}")
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak_mb = usage.ru_maxrss / 1024
        score_cpu = usage.ru_utime + usage.ru_stime
        with out.open(encoding="utf-8") as fh:
            lines = sum(1 for _ in fh)
        assert lines == args.rows + 1, lines
        ratio, cpu_ratio = score_s / read_s, score_cpu / read_cpu
        print(f"groeimodel score --format csv: {score_s:.2f} s (CPU {score_cpu:.2f} s), peak RSS {peak_mb:.0f} MB")
        print(f"ratio: {ratio:.2f} (wall), {cpu_ratio:.2f} (CPU; steadier on a shared machine)")
        print(f"machine: {platform.machine()}, Python {platform.python_version()}")
        verdict = "PASS" if ratio <= GOAL_RATIO and peak_mb < GOAL_RSS_MB else "FAIL"
        print(f"goal: ratio <= {GOAL_RATIO:g} and memory < {GOAL_RSS_MB:g} MB: {verdict}")
        print(
            f"rows={args.rows} csv_read_s={read_s:.3f} score_s={score_s:.3f} "
            f"ratio={ratio:.2f} cpu_ratio={cpu_ratio:.2f} peak_rss_mb={peak_mb:.1f}"
        )


if __name__ == "__main__":
    main()
