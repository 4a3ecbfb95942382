"""The monitor's cube protection (:func:`groeimodel.monitor.cube.protect_cube`) on cubes of the real shapes.

The filtered monitor pages protect one cube per pair of dimensions and kind of column (docs/monitor.md,
"Filters"); the first request after the figures change computes it. This times ``protect_cube`` (its cache
cleared before each run) on seeded synthetic cubes of the shapes a 200,000-firm population gives (sector 21,
size class 4, province 12, year 16; ladder positions 5 or up/same/down 3), and prints per cube the time (median,
min, max of ``--repeat`` runs), the number of cells of 1 to k - 1 firms and the number of hidden cells. No database.

    .venv/bin/python bench/cube.py
    .venv/bin/python bench/cube.py --counts /tmp/cubes.npz   # arrays saved with numpy.savez (X x Y x C counts)
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np

from groeimodel.monitor import cube

SIZES = {"sbi_section": 21, "size_class": 4, "province": 12, "year": 16}
# Shares of the EU size classes (micro, small, medium, large) as in the 200,000-firm demo population
# (`groeimodel demo`, seed 2026): it has no large firms.
SIZE_SHARES = (0.84, 0.131, 0.029, 0.0)
PAIRS = (
    ("sbi_section", "size_class"),
    ("sbi_section", "province"),
    ("sbi_section", "year"),
    ("size_class", "province"),
    ("size_class", "year"),
    ("province", "year"),
)


def weights(rng: np.random.Generator, dimension: str) -> np.ndarray:
    if dimension == "size_class":
        return np.array(SIZE_SHARES)
    if dimension == "year":  # more scans in later years
        grow = np.linspace(0.2, 1.0, SIZES["year"])
        return np.asarray(grow / grow.sum())
    return np.asarray(rng.dirichlet(np.full(SIZES[dimension], 0.8)))


def synthetic(seed: int, x: str, y: str, columns: int) -> np.ndarray:
    """Firms (firm-years with a year) over ``x`` x ``y`` x ``columns``, with unequal groups and some dependence
    between the two dimensions, as in the monitor's cells."""
    rng = np.random.default_rng(seed)
    firms = 900_000 if "year" in (x, y) else 200_000
    if columns == 3:  # movement: only firms with an earlier scan
        firms = firms * 4 // 5
    joint = np.outer(weights(rng, x), weights(rng, y)) * rng.lognormal(0.0, 0.5, (SIZES[x], SIZES[y]))
    per_column = rng.dirichlet(np.full(columns, 2.0), size=(SIZES[x], SIZES[y]))
    p = joint[:, :, None] * per_column
    return rng.multinomial(firms, (p / p.sum()).ravel()).reshape(SIZES[x], SIZES[y], columns)


def measure(name: str, counts: np.ndarray, k: int, repeat: int) -> tuple[float, int]:
    x, y, columns = counts.shape
    rows = [tuple(f"{axis}{i}" for i in range(n)) for axis, n in zip("xyc", counts.shape, strict=True)]
    ms = []
    for _ in range(repeat):
        cube._protect_cube.cache_clear()
        t = time.perf_counter()
        found = cube.protect_cube("sbi_section", rows[0], "province", rows[1], rows[2], counts, k)
        ms.append((time.perf_counter() - t) * 1000)
    hidden = int(found.hidden.sum())
    primary = int(((counts > 0) & (counts < k)).sum())
    print(f"{name:<36} {x:>3} x {y:>2} x {columns}  median {statistics.median(ms):7.1f} ms  min {min(ms):7.1f}"
          f"  max {max(ms):7.1f}  cells 1..k-1 {primary:4d}  hidden {hidden:4d}", flush=True)  # fmt: skip
    return statistics.median(ms), hidden


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seeds", type=int, default=2, help="synthetic cubes per shape")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--counts", help="an .npz of real X x Y x C count arrays, timed instead of synthetic ones")
    args = ap.parse_args()
    print(f"{time.strftime('%Y-%m-%d %H:%M')} {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, numpy {np.__version__}, load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    results = []
    if args.counts:
        with np.load(args.counts) as stored:
            for name in sorted(stored.files):
                results.append(measure(name, stored[name], args.k, args.repeat))
    else:
        for x, y in PAIRS:
            for columns in (5, 3):
                for seed in range(args.seeds):
                    results.append(
                        measure(f"{x} x {y}, seed {seed}", synthetic(seed, x, y, columns), args.k, args.repeat)
                    )
    total = sum(ms for ms, _ in results)
    slowest = max(ms for ms, _ in results)
    print(f"{len(results)} cubes: {total:.0f} ms in all, slowest {slowest:.0f} ms, "
          f"{sum(h for _, h in results)} hidden cells")  # fmt: skip


if __name__ == "__main__":
    main()
