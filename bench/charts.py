"""Monitor charts: the hand-written SVG of ``groeimodel.reports.charts`` against pygal (a well-kept SVG library).

Times the charts of one monitor page (bars of 21 sectors, bars of 4 levels, bars of 3 movements, lines of 5
positions and of 4 levels over 6 years) both ways, median of N runs, and prints what each SVG weighs and
whether it carries the accessibility the monitor needs (role="img", a title, a description of every value, no
<script> and no style attribute, which our CSP would refuse). pygal is not a dependency of groeimodel: install
it into .venv to run the comparison (`.venv/bin/pip install pygal`); without it only our own charts are timed.
The last line is `ours_ms=<float> pygal_ms=<float|nan>`.
Usage: python bench/charts.py [--runs N]
"""

from __future__ import annotations

import argparse
import platform
import re
import statistics
import time
from collections.abc import Callable

from groeimodel.monitor.codebook import SBI_SECTIONS
from groeimodel.reports.charts import Series, bars_svg, lines_svg

SECTORS = [f"{code} {nl}" for code, (nl, _en) in SBI_SECTIONS.items()]
SECTOR_VALUES: list[float | None] = [float(10 + 7 * i % 50) if i % 4 else None for i in range(len(SECTORS))]
LEVELS = ["1 – Bedrijfsvoering", "2 – Innovatief vermogen", "3 – Organisatie", "4 – Maatschappij"]
LEVEL_VALUES: list[float | None] = [62.5, 48.1, 35.0, 21.7]
MOVES = ["omhoog", "gelijk", "omlaag"]
MOVE_VALUES: list[float | None] = [40.0, 120.0, 12.0]
YEARS = [str(y) for y in range(2021, 2027)]
POSITION_SHARES = [[10.0 + p * 3 + y for y in range(6)] for p in range(5)]
LEVEL_MEANS: list[list[float | None]] = [[70.0 - 12 * lv + y for y in range(6)] for lv in range(4)]
LEVEL_MEANS[3][2] = None  # a hidden figure: a gap


def ours() -> list[str]:
    return [
        bars_svg(SECTORS, SECTOR_VALUES, title="Bedrijven per sector", id_prefix="a"),
        bars_svg(LEVELS, LEVEL_VALUES, title="Gemiddelde score per niveau", maximum=100, digits=1, id_prefix="b"),
        bars_svg(MOVES, MOVE_VALUES, title="Beweging", id_prefix="c"),
        lines_svg(
            YEARS,
            [Series(f"positie {p}", v) for p, v in enumerate(POSITION_SHARES)],
            title="Aandeel per jaar",
            id_prefix="d",
        ),
        lines_svg(
            YEARS, [Series(LEVELS[lv], v) for lv, v in enumerate(LEVEL_MEANS)], title="Score per jaar", id_prefix="e"
        ),
    ]


def with_pygal() -> Callable[[], list[str]] | None:
    try:
        import pygal  # type: ignore[import-not-found]
    except ImportError:
        return None

    def charts() -> list[str]:
        out = []
        for labels, values, title in (
            (SECTORS, SECTOR_VALUES, "Bedrijven per sector"),
            (LEVELS, LEVEL_VALUES, "Gemiddelde score per niveau"),
            (MOVES, MOVE_VALUES, "Beweging"),
        ):
            chart = pygal.HorizontalBar(title=title, show_legend=False, disable_xml_declaration=True, js=[])
            chart.x_labels = labels
            chart.add(title, values)
            out.append(chart.render(is_unicode=True))
        for series, title in (
            ([(f"positie {p}", v) for p, v in enumerate(POSITION_SHARES)], "Aandeel per jaar"),
            ([(LEVELS[lv], v) for lv, v in enumerate(LEVEL_MEANS)], "Score per jaar"),
        ):
            chart = pygal.Line(title=title, disable_xml_declaration=True, js=[], range=(0, 100))
            chart.x_labels = YEARS
            for name, values in series:
                chart.add(name, values)
            out.append(chart.render(is_unicode=True))
        return out

    return charts


def median_ms(make: Callable[[], list[str]], runs: int) -> float:
    make()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        make()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def checks(svgs: list[str]) -> str:
    text = "".join(svgs)
    roles = text.count('role="img"')
    return (
        f"{len(text.encode()) / 1024:.1f} KiB; role=img {roles}/{len(svgs)}; "
        f"<desc> {text.count('<desc')}/{len(svgs)}; <script> {text.count('<script')}; "
        f"<style> {text.count('<style')}; style= {len(re.findall(r' style=', text))}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    print(f"python {platform.python_version()}, {platform.machine()}, {args.runs} runs, 5 charts per page")
    ours_ms = median_ms(ours, args.runs)
    print(f"groeimodel.reports.charts: {ours_ms:.2f} ms per page; {checks(ours())}")
    make = with_pygal()
    pygal_ms = float("nan")
    if make is None:
        print("pygal: not installed (.venv/bin/pip install pygal to compare)")
    else:
        import pygal

        pygal_ms = median_ms(make, args.runs)
        print(f"pygal {pygal.__version__}: {pygal_ms:.2f} ms per page; {checks(make())}")
    print(f"ours_ms={ours_ms:.3f} pygal_ms={pygal_ms:.3f}")


if __name__ == "__main__":
    main()
