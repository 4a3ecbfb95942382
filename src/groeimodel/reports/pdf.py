"""The advice report as PDF, compiled inside the package with typst: no browser, nothing downloaded.

The layout is ``assets/report.typ``; the content is the :class:`~groeimodel.reports.content.Report` as JSON. Only
the fonts shipped in ``fonts/`` are used (system fonts and typst's embedded fonts are ignored), so every machine
renders the same PDF. The radar chart is SVG with its styles inside and its text in the shipped font.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import typst

from groeimodel.model import Model
from groeimodel.reports.content import Report, ReportExtras, build_report
from groeimodel.reports.view import ResultView

FONT_FAMILY = "DejaVu Sans"

# The radar's stylesheet for the PDF (the web page styles the same classes from its own stylesheet).
_RADAR_STYLE = f"""<style>
text {{ font-family: "{FONT_FAMILY}"; fill: #1d2a35; }}
.ring {{ fill: none; stroke: #d5dde4; }} .spoke {{ stroke: #d5dde4; }}
.spoke.missing {{ stroke: #b3261e; stroke-width: 2; stroke-dasharray: 3 5; }}
.threshold {{ fill: none; stroke: #a35d00; stroke-width: 1.5; stroke-dasharray: 6 4; }}
.ring-label {{ font-size: 16px; fill: #3d4a55; }} .axis-label {{ font-size: 18px; }}
.axis-key {{ display: none; }}
.area {{ fill: #1f5f8b; fill-opacity: 0.25; stroke: #1f5f8b; stroke-width: 2.5; }} .dot {{ fill: #1f5f8b; }}
.series-previous .area {{ fill: none; stroke: #5b6b78; stroke-width: 2; stroke-dasharray: 3 3; }}
.series-previous .dot {{ fill: #5b6b78; }}
</style>"""

_lock = threading.Lock()


def _asset(name: str) -> Any:
    return files("groeimodel.reports").joinpath(name)


def font_dir() -> Path:
    return Path(str(_asset("fonts")))


@cache
def _template() -> bytes:
    data: bytes = _asset("assets/report.typ").read_bytes()
    return data


@cache
def _compiler() -> typst.Compiler:
    fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(font_dir())])
    return typst.Compiler(font_paths=fonts, ignore_system_fonts=True)


def _styled_radar(svg: str) -> str:
    head, _, rest = svg.partition(">")
    return f"{head}>{_RADAR_STYLE}{rest}"


def report_json(report: Report) -> str:
    data = dataclasses.asdict(report)
    data["radar"] = _styled_radar(data.pop("radar_svg"))
    return json.dumps(data, ensure_ascii=False)


def render_report_pdf(report: Report) -> bytes:
    """The PDF of ``report``."""
    with _lock:  # one typst compiler per process, reused: its font book is loaded once
        pdf = _compiler().compile(input=_template(), format="pdf", sys_inputs={"data": report_json(report)})
    assert isinstance(pdf, bytes)
    return pdf


def render_pdf(model: Model, view: ResultView, extras: ReportExtras | None = None) -> bytes:
    """The PDF report of ``view`` (of a result scored with ``model``) with the facts in ``extras``."""
    return render_report_pdf(build_report(model, view, extras))
