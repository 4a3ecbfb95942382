"""Classifier speed: artefact load time in a fresh process and texts per second on one core.

Goal: load under 1 s, at least 500 texts per second. Texts are the shipped corpus (written and real), classified
in batches of 100 twice: the first pass meets every word for the first time (its character n-grams and stems are
then remembered), the second is the steady state of a long-running process; then 200 of them one at a time.
Usage: python bench/classify.py
"""

from __future__ import annotations

import os

# One core: pin the process and keep BLAS to one thread before numpy loads.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

import platform  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

LOAD = (
    "import time; t = time.perf_counter(); from groeimodel.classify import load_classifier; "
    "c = load_classifier(); print(time.perf_counter() - t)"
)


def main() -> None:
    loads = [
        float(subprocess.run([sys.executable, "-c", LOAD], capture_output=True, text=True, check=True).stdout)
        for _ in range(3)
    ]
    from groeimodel.classify import load_classifier
    from groeimodel.classify.core import read_corpus

    clf = load_classifier()
    texts = [e.text for e in read_corpus()]
    clf.predict(texts[:10])  # warm
    rates = []
    for _ in range(2):
        start = time.perf_counter()
        for i in range(0, len(texts), 100):
            clf.predict(texts[i : i + 100])
        rates.append(len(texts) / (time.perf_counter() - start))
    first_rate, batch_rate = rates
    sample = texts[:200]
    start = time.perf_counter()
    for text in sample:
        clf.predict([text])
    single_rate = len(sample) / (time.perf_counter() - start)
    print(f"machine: {platform.machine()}, pinned to 1 of {os.cpu_count()} cpus, python {platform.python_version()}")
    print(f"artefact: {clf.space.n_features} features, corpus {clf.meta['corpus_size']} texts")
    print(f"load (import + artefact, fresh process, best of 3): {min(loads):.3f} s")
    print(
        f"batches of 100: {first_rate:,.0f} texts/s first pass, {batch_rate:,.0f} texts/s steady; "
        f"one at a time (with evidence): {single_rate:,.0f} texts/s"
    )
    print(
        f"load_seconds={min(loads):.3f} first_pass_texts_per_second={first_rate:.0f} "
        f"texts_per_second={batch_rate:.0f} single_texts_per_second={single_rate:.0f}"
    )


if __name__ == "__main__":
    main()
