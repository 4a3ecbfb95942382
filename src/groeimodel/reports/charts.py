"""Charts as SVG text, rendered on the server with no dependencies and no outside resources.

A radar chart is a few lines of geometry; rendering it here takes microseconds and keeps the labels as real,
accessible text (matplotlib took 190 ms and 40 kB per radar on our machines, too slow for a result page).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from groeimodel import formats
from groeimodel.model.schema import Lang


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # 0..100, None for "no score"
    css_class: str = "series-0"


def _point(cx: float, cy: float, radius: float, angle: float) -> tuple[float, float]:
    return cx + radius * math.sin(angle), cy - radius * math.cos(angle)


def _wrap(text: str, width: int) -> list[str]:
    """Break a label into lines of at most ``width`` characters at spaces (a longer word keeps its own line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _runs(points: Sequence[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """The maximal runs of consecutive present points around the circle (the last run may wrap to the first)."""
    n = len(points)
    start = next(i for i in range(n) if points[i] is None)  # callers pass at least one missing point
    runs: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for k in range(1, n + 1):
        p = points[(start + k) % n]
        if p is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(p)
    if current:
        runs.append(current)
    return runs


def radar_svg(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    rings: Sequence[float] = (25, 50, 75, 100),
    threshold: float | None = None,
    title: str = "",
    size: int = 520,
    described_by: str = "",
) -> str:
    """A radar chart of 0-100 scores, one axis per label, clockwise from the top.

    Each axis has its full label (``axis-label``) and its number (``axis-key``, 1 for the first label); the
    stylesheet shows the numbers instead of the labels where the chart is too narrow for the labels to stay
    readable, with a key beside the chart. ``described_by`` is the id of the element that gives the values in
    text (the scores table), for ``aria-describedby``."""
    n = len(labels)
    if n < 3:
        raise ValueError("a radar chart needs at least three axes")
    margin = 170
    width = size + 2 * margin
    cx, cy, r = width / 2, size / 2 + 40, size / 2 - 20
    angles = [2 * math.pi * i / n for i in range(n)]
    describedby = f' aria-describedby="{escape(described_by)}"' if described_by else ""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {size + 80}" class="radar" role="img"'
        f' aria-labelledby="radar-title"{describedby}>',
        f'<title id="radar-title">{escape(title)}</title>',
    ]
    for ring in rings:
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (_point(cx, cy, r * ring / 100, a) for a in angles))
        out.append(f'<polygon class="ring" points="{pts}"/>')
        x, y = _point(cx, cy, r * ring / 100, 0)
        out.append(f'<text class="ring-label" x="{x + 4:.1f}" y="{y + 12:.1f}">{ring:g}</text>')
    if threshold is not None:
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (_point(cx, cy, r * threshold / 100, a) for a in angles))
        out.append(f'<polygon class="threshold" points="{pts}"/>')
    # A spoke whose block has no score in any series is marked (dashed by the stylesheet), not drawn as zero.
    unscored = [all(s.values[i] is None for s in series) if series else False for i in range(n)]
    for i, (angle, label) in enumerate(zip(angles, labels, strict=True)):
        number = i + 1
        x, y = _point(cx, cy, r, angle)
        spoke = "spoke missing" if unscored[i] else "spoke"
        out.append(f'<line class="{spoke}" x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}"/>')
        lx, ly = _point(cx, cy, r + 14, angle)
        sin = math.sin(angle)
        anchor = "middle" if abs(sin) < 0.2 else ("start" if sin > 0 else "end")
        dy = 4 if abs(math.cos(angle)) < 0.5 else (-4 if math.cos(angle) > 0 else 14)
        lines = _wrap(label, 20)
        if math.cos(angle) > 0.5:  # labels above the centre grow upwards
            dy -= 18 * (len(lines) - 1)
        spans = "".join(
            f'<tspan x="{lx:.1f}" dy="{0 if i == 0 else 18}">{escape(line)}</tspan>' for i, line in enumerate(lines)
        )
        out.append(f'<text class="axis-label" x="{lx:.1f}" y="{ly + dy:.1f}" text-anchor="{anchor}">{spans}</text>')
        key_dy = 12 if abs(math.cos(angle)) < 0.5 else (-4 if math.cos(angle) > 0 else 32)
        out.append(f'<text class="axis-key" x="{lx:.1f}" y="{ly + key_dy:.1f}" text-anchor="{anchor}">{number}</text>')
    for s in series:
        out.append(f'<g class="{escape(s.css_class)}"><title>{escape(s.name)}</title>')
        points = [None if v is None else _point(cx, cy, r * v / 100, a) for a, v in zip(angles, s.values, strict=True)]
        if all(p is not None for p in points):
            pts = " ".join(f"{p[0]:.1f},{p[1]:.1f}" for p in points if p is not None)
            out.append(f'<polygon class="area" points="{pts}"/>')
        else:
            # A block without a score is a gap: each run of scored neighbours is a wedge from the centre, and the
            # outline is never drawn through the missing spoke.
            for run in _runs(points):
                outline = " L ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                out.append(f'<path class="area partial" d="M {cx:.1f},{cy:.1f} L {outline} Z"/>')
        for p in points:
            if p is not None:
                out.append(f'<circle class="dot" cx="{p[0]:.1f}" cy="{p[1]:.1f}" r="4"/>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def cashflow_svg(
    flows: Sequence[float],
    *,
    title: str = "",
    year_label: str = "",
    cumulative_label: str = "",
    width: int = 640,
    lang: Lang = "nl",
) -> str:
    """Bars of the yearly net cash flow (year 0 = the investment) with the cumulative position as a line."""
    n = len(flows)
    if n < 1:
        raise ValueError("a cash-flow chart needs at least one year")
    cumulative = []
    total = 0.0
    for f in flows:
        total += f
        cumulative.append(total)
    top = max([0.0, *flows, *cumulative])
    bottom = min([0.0, *flows, *cumulative])
    span = (top - bottom) or 1.0
    height, left, right, upper, lower = 300, 70, 20, 30, 40
    plot_w, plot_h = width - left - right, height - upper - lower

    def y(v: float) -> float:
        return upper + (top - v) / span * plot_h

    step = plot_w / n
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="cashflow" role="img"'
        f' aria-labelledby="cashflow-title">',
        f'<title id="cashflow-title">{escape(title)}</title>',
        f'<line class="axis" x1="{left}" x2="{width - right}" y1="{y(0):.1f}" y2="{y(0):.1f}"/>',
        f'<text class="tick amount" x="{left - 6}" y="{y(top) + 4:.1f}" text-anchor="end">{_money(top, lang)}</text>',
        f'<text class="tick amount" x="{left - 6}" y="{y(bottom) + 4:.1f}" text-anchor="end">'
        f"{_money(bottom, lang)}</text>",
    ]
    for i, f in enumerate(flows):
        x = left + i * step + step * 0.15
        y0, y1 = sorted((y(0), y(f)))
        cls = "bar negative" if f < 0 else "bar"
        out.append(
            f'<rect class="{cls}" x="{x:.1f}" y="{y0:.1f}" width="{step * 0.7:.1f}" height="{max(y1 - y0, 0.5):.1f}">'
            f"<title>{escape(year_label)} {i}: {_money(f, lang)}</title></rect>"
        )
        out.append(
            f'<text class="tick year" x="{x + step * 0.35:.1f}" y="{height - 18}" text-anchor="middle">{i}</text>'
        )
    points = " ".join(f"{left + i * step + step / 2:.1f},{y(c):.1f}" for i, c in enumerate(cumulative))
    out.append(f'<polyline class="cumulative" points="{points}"><title>{escape(cumulative_label)}</title></polyline>')
    middle = left + plot_w / 2
    out.append(
        f'<text class="tick axis-title" x="{middle:.1f}" y="{height - 2}" text-anchor="middle">'
        f"{escape(year_label)}</text>"
    )
    out.append("</svg>")
    return "\n".join(out)


def _money(value: float, lang: Lang) -> str:
    return escape(formats.amount(value, lang))


# Dash patterns and markers per series, so the lines differ in more than their colour.
_DASHES = ("", "8 4", "2 4", "10 4 2 4", "4 4")


def lines_svg(
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    lang: Lang = "nl",
    missing: str = "–",
    threshold: float | None = None,
    id_prefix: str = "lines",
    width: int = 560,
    height: int | None = None,
) -> str:
    """Lines of 0-100 scores over moments (the waves T0, T1, ...), one line per series, drawn at its real size.

    The SVG has a fixed pixel size (its ``width`` and ``height`` match its ``viewBox``), so its 13 px text stays
    13 px at every screen width: a narrow screen scrolls the chart sideways instead of shrinking the text. A
    missing score (``None``) is a gap in the line, never a zero. ``role="img"`` with a title and a description
    that spells out every value, for readers who cannot see the chart.
    """
    n = len(x_labels)
    if n < 1:
        raise ValueError("a line chart needs at least one moment")
    for s in series:
        if len(s.values) != n:
            raise ValueError(f"series {s.name!r} has {len(s.values)} values for {n} moments")
    left, right, upper = 44, 36, 16
    legend_rows = len(series)
    lower = 34 + 20 * legend_rows
    height = height or 220 + lower
    plot_w, plot_h = width - left - right, height - upper - lower
    if plot_h < 80:
        raise ValueError("the chart is too low for its legend")

    def x(i: int) -> float:
        return left + (plot_w / 2 if n == 1 else plot_w * i / (n - 1))

    def y(v: float) -> float:
        return upper + (100 - v) / 100 * plot_h

    def score(v: float) -> str:
        return escape(formats.number(v, lang, 0))

    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    description = "; ".join(
        f"{s.name}: "
        + ", ".join(
            f"{label} {missing if v is None else formats.number(v, lang, 0)}"
            for label, v in zip(x_labels, s.values, strict=True)
        )
        for s in series
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        f' class="lines" role="img" aria-labelledby="{title_id} {desc_id}" font-size="13">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    for tick in (0, 25, 50, 75, 100):
        out.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}"/>')
        out.append(f'<text class="tick" x="{left - 8}" y="{y(tick) + 4:.1f}" text-anchor="end">{score(tick)}</text>')
    if threshold is not None:
        ty = y(threshold)
        out.append(f'<line class="threshold" x1="{left}" x2="{width - right}" y1="{ty:.1f}" y2="{ty:.1f}"/>')
    for i, label in enumerate(x_labels):
        out.append(
            f'<text class="tick" x="{x(i):.1f}" y="{upper + plot_h + 20}" text-anchor="middle">{escape(label)}</text>'
        )
    for k, s in enumerate(series):
        dash = _DASHES[k % len(_DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<g class="{escape(s.css_class)}"><title>{escape(s.name)}</title>')
        run: list[str] = []
        for i, v in enumerate([*s.values, None]):
            if v is not None:
                run.append(f"{x(i):.1f},{y(v):.1f}")
            elif run:
                if len(run) > 1:
                    out.append(f'<polyline class="line" points="{" ".join(run)}"{dash_attr}/>')
                run = []
        for i, v in enumerate(s.values):
            if v is not None:
                out.append(
                    f'<circle class="dot" cx="{x(i):.1f}" cy="{y(v):.1f}" r="4">'
                    f"<title>{escape(s.name)}, {escape(x_labels[i])}: {score(v)}</title></circle>"
                )
        ly = upper + plot_h + 40 + 20 * k
        out.append(f'<line class="line" x1="{left}" x2="{left + 28}" y1="{ly - 4}" y2="{ly - 4}"{dash_attr}/>')
        out.append(f'<circle class="dot" cx="{left + 14}" cy="{ly - 4}" r="4"/>')
        out.append(f'<text class="legend" x="{left + 36}" y="{ly}">{escape(s.name)}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


# Colours of the benchmark and monitor charts, set on the elements themselves so that their contrast does not
# depend on a style sheet: text #1b2631 on white is 15:1; the marker #b03a00 on white 5.7:1.
_INK, _MUTED_LINE, _BOX, _MARK, _BAR = "#1b2631", "#5b6b78", "#c9dced", "#b03a00", "#1f5f8b"


def strip_svg(
    *,
    minimum: float,
    q1: float,
    median: float,
    q3: float,
    maximum: float,
    own: float | None,
    title: str,
    own_label: str,
    lang: Lang = "nl",
    id_prefix: str = "strip",
    width: int = 360,
) -> str:
    """A one-line box plot of 0-100 scores: whiskers from the minimum to the maximum, a box from the first to
    the third quartile, a line at the median, and the firm's own score as a triangle marker above it.

    Fixed pixel size, 13 px text, colours with at least 4.5:1 contrast on its white background; ``role="img"``
    with a title and a description that states every figure.
    """
    left, right, height = 16, 16, 74
    plot_w = width - left - right

    def x(v: float) -> float:
        return left + max(0.0, min(100.0, v)) / 100 * plot_w

    def num(v: float) -> str:
        return formats.number(v, lang, 0)

    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts = [f"{num(minimum)}", f"{num(q1)}", f"{num(median)}", f"{num(q3)}", f"{num(maximum)}"]
    description = " – ".join(parts)
    if own is not None:
        description += f"; {own_label}: {num(own)}"
    mid = 40
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        f' class="strip" role="img" aria-labelledby="{title_id} {desc_id}" font-size="13">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>',
        f'<line x1="{x(0):.1f}" x2="{x(100):.1f}" y1="{mid + 16}" y2="{mid + 16}" stroke="{_MUTED_LINE}"/>',
    ]
    for tick in (0, 25, 50, 75, 100):
        out.append(
            f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{mid + 16}" y2="{mid + 20}" stroke="{_MUTED_LINE}"/>'
        )
        out.append(
            f'<text x="{x(tick):.1f}" y="{mid + 33}" text-anchor="middle" fill="{_INK}">{escape(num(tick))}</text>'
        )
    out += [
        f'<line x1="{x(minimum):.1f}" x2="{x(q1):.1f}" y1="{mid}" y2="{mid}" stroke="{_INK}"/>',
        f'<line x1="{x(q3):.1f}" x2="{x(maximum):.1f}" y1="{mid}" y2="{mid}" stroke="{_INK}"/>',
        f'<line x1="{x(minimum):.1f}" x2="{x(minimum):.1f}" y1="{mid - 6}" y2="{mid + 6}" stroke="{_INK}"/>',
        f'<line x1="{x(maximum):.1f}" x2="{x(maximum):.1f}" y1="{mid - 6}" y2="{mid + 6}" stroke="{_INK}"/>',
        f'<rect x="{x(q1):.1f}" y="{mid - 10}" width="{max(x(q3) - x(q1), 1):.1f}" height="20" fill="{_BOX}"'
        f' stroke="{_INK}"/>',
        f'<line x1="{x(median):.1f}" x2="{x(median):.1f}" y1="{mid - 10}" y2="{mid + 10}" stroke="{_INK}"'
        ' stroke-width="3"/>',
    ]
    if own is not None:
        ox = x(own)
        out.append(
            f'<path d="M{ox - 7:.1f},{mid - 26} L{ox + 7:.1f},{mid - 26} L{ox:.1f},{mid - 12} Z" fill="{_MARK}">'
            f"<title>{escape(own_label)}: {escape(num(own))}</title></path>"
        )
    out.append("</svg>")
    return "\n".join(out)


def bars_svg(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    title: str,
    lang: Lang = "nl",
    missing: str = "–",
    maximum: float | None = None,
    digits: int = 0,
    id_prefix: str = "bars",
    width: int = 460,
) -> str:
    """Horizontal bars, one per label, with the value written beside each bar; ``None`` draws no bar and the
    ``missing`` text, exactly as for an empty group (a hidden figure must look like an empty one).

    Fixed pixel size, 13 px text, colours with at least 4.5:1 contrast on white; ``role="img"`` with a title and a
    description that lists every value.
    """
    if len(labels) != len(values):
        raise ValueError("one value per label")
    label_w, value_w, row_h, top = 200, 56, 22, 6
    plot_w = width - label_w - value_w
    height = top * 2 + row_h * max(len(labels), 1)
    top_value = maximum if maximum is not None else max([v for v in values if v is not None] or [1.0])
    top_value = top_value or 1.0

    def num(v: float | None) -> str:
        return missing if v is None else formats.number(v, lang, digits)

    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    description = "; ".join(f"{lab}: {num(v)}" for lab, v in zip(labels, values, strict=True))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        f' class="bars" role="img" aria-labelledby="{title_id} {desc_id}" font-size="13">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>',
    ]
    for i, (lab, v) in enumerate(zip(labels, values, strict=True)):
        y = top + i * row_h
        short = lab if len(lab) <= 24 else lab[:23] + "…"
        out.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" fill="{_INK}">{escape(short)}</text>')
        if v is not None and v > 0:
            w = max(1.0, plot_w * min(v, top_value) / top_value)
            out.append(f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{_BAR}"/>')
        else:
            w = 0.0
        out.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" fill="{_INK}">{escape(num(v))}</text>')
    out.append("</svg>")
    return "\n".join(out)
