"""Advice report speed: time per PDF (typst, charts included) and per HTML report, median of N each.

Builds a realistic second-wave report (previous wave as a second outline, six employees, two initiatives with a
business case, growth figures over two waves) and times the whole path from the result view to the bytes:
building the content, drawing the radar, rendering. The first PDF (loading the fonts into typst) is timed apart.
The last line is `pdf_median_s=<float> html_median_ms=<float>`.
Usage: python bench/report.py [--runs N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import statistics
import time

import typst

from groeimodel.finance import business_case
from groeimodel.model import Model, load_model
from groeimodel.reports.content import InitiativeInfo, ReportExtras, WaveFigures
from groeimodel.reports.html import render_html
from groeimodel.reports.pdf import render_pdf
from groeimodel.reports.view import build_view
from groeimodel.respondents import employee_view
from groeimodel.scoring import score


def answers(model: Model, value: int, upper: int | None = None) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    for item in model.items:
        v = upper if upper is not None and item.id.startswith(("l3.", "l4.")) else value
        out[item.id] = 6 - v if item.reverse else v
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    model = load_model("groeimodel")
    t0, t1 = score(model, answers(model, 3)), score(model, answers(model, 4, upper=2))
    staff = employee_view([score(model, answers(model, v)) for v in (2, 3, 3, 4, 2, 3)])
    view = build_view(model, t1, "nl", previous=("T0", model, t0), employees=staff)
    case = business_case(investment=20000, annual_benefit=50000, annual_cost=0, years=5, discount_rate=0.08)
    extras = ReportExtras(
        company="Bakkerij De Korenschoof",
        wave_label="T1",
        wave_date=dt.date(2026, 11, 3),
        advisor="Anna de Vries",
        initiatives=(
            InitiativeInfo("Nieuw organisatieconcept", "running", (view.advice[0].block,), 3, case),
            InitiativeInfo("Flexplekken en thuiswerken", "done", ("l1.flexibel",), 1, case),
        ),
        growth=(
            WaveFigures("T0", dt.date(2025, 11, 1), 0, 6, 800000, 300000, 50000, 5),
            WaveFigures("T1", dt.date(2026, 11, 3), 2, 8, 950000, 380000, 70000, 8),
        ),
    )

    start = time.perf_counter()
    first = render_pdf(model, view, extras)
    first_s = time.perf_counter() - start

    pdf_times, html_times = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        render_pdf(model, view, extras)
        pdf_times.append(time.perf_counter() - start)
    for _ in range(args.runs):
        start = time.perf_counter()
        html = render_html(model, view, extras)
        html_times.append(time.perf_counter() - start)

    pdf_median, html_median = statistics.median(pdf_times), statistics.median(html_times)
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, typst {typst.__version__}")
    print(f"first PDF (fonts loaded): {first_s:.3f} s, {len(first) / 1024:.0f} kB")
    print(f"PDF  median of {args.runs}: {pdf_median:.3f} s (min {min(pdf_times):.3f}, max {max(pdf_times):.3f})")
    print(f"HTML median of {args.runs}: {html_median * 1000:.1f} ms ({len(html) / 1024:.0f} kB)")
    verdict = "PASS" if pdf_median <= 0.5 and html_median <= 0.1 else "FAIL"
    print(f"goal (PDF <= 0.5 s, HTML <= 100 ms): {verdict}")
    print(f"pdf_median_s={pdf_median:.4f} html_median_ms={html_median * 1000:.2f}")


if __name__ == "__main__":
    main()
