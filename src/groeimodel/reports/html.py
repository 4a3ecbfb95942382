"""The advice report as one standalone, printable HTML page: the same content as the PDF.

The downloaded file carries its stylesheet inline so it stands alone. Served by the web app, the page instead
links to a stylesheet (``stylesheet=URL``) and has no inline style or script, so it passes the app's CSP.
"""

from __future__ import annotations

from functools import cache
from html import escape
from importlib.resources import files

from groeimodel.model import Model
from groeimodel.reports.content import Action, Report, ReportExtras, Section, Table, build_report
from groeimodel.reports.view import ResultView


@cache
def stylesheet() -> str:
    """The report's CSS (the web app serves this same file as ``groeimodel-report/report.css``)."""
    return files("groeimodel.reports").joinpath("assets/report.css").read_text(encoding="utf-8")


def _table(t: Table) -> str:
    def cell(i: int, text: str, tag: str) -> str:
        cls = ' class="num"' if i in t.numeric else ""
        return f"<{tag}{cls}>{escape(text)}</{tag}>"

    head = "".join(cell(i, h, "th") for i, h in enumerate(t.header))
    rows = []
    for r in t.rows:
        classes = " ".join(c for c, on in (("strong", r.strong), ("marked", r.marked)) if on)
        attr = f' class="{classes}"' if classes else ""
        rows.append(f"<tr{attr}>" + "".join(cell(i, c, "td") for i, c in enumerate(r.cells)) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _section(s: Section, level: int = 2) -> str:
    parts = [f"<h{level}>{escape(s.title)}</h{level}>"]
    parts += [f"<p>{escape(p)}</p>" for p in s.paragraphs]
    parts += [_table(t) for t in s.tables]
    return "\n".join(parts)


def _action(a: Action, report: Report) -> str:
    initiatives = _table(a.initiatives) if a.initiatives else f'<p class="muted">{escape(a.no_initiatives)}</p>'
    return (
        f'<article class="action"><h3>{escape(a.title)} <small>{escape(a.score)}</small></h3>'
        f"<p><strong>{escape(report.labels['what_to_do'])}:</strong> {escape(a.text)}</p>{initiatives}</article>"
    )


def render_report_html(report: Report, *, stylesheet_url: str | None = None) -> str:
    """The HTML page of ``report``; with ``stylesheet_url`` it links the CSS instead of carrying it inline."""
    css = (
        f'<link rel="stylesheet" href="{escape(stylesheet_url)}">'
        if stylesheet_url
        else f"<style>{stylesheet()}</style>"
    )
    cover = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in report.cover)
    body = [
        f'<header class="cover"><p class="muted">{escape(report.title)}</p><h1>{escape(report.company)}</h1>'
        f'<dl class="facts">{cover}</dl></header>',
        f'<section class="summary"><h2>{escape(report.summary_title)}</h2>'
        + "".join(f"<p>{escape(p)}</p>" for p in report.summary)
        + f"<h3>{escape(report.actions_title)}</h3><ol>"
        + "".join(f"<li>{escape(a)}</li>" for a in report.actions)
        + "</ol></section>",
        f"<section>{_section(report.ladder)}</section>",
        f'<section><h2>{escape(report.radar_title)}</h2><figure class="radar-figure">{report.radar_svg}'
        f"<figcaption>{' '.join(escape(n) for n in report.radar_notes)}</figcaption></figure></section>",
        f"<section>{_section(report.scores)}</section>",
    ]
    for extra in (report.changes, report.employees):
        if extra is not None:
            body.append(f"<section>{_section(extra)}</section>")
    plan = [f"<h2>{escape(report.plan_title)}</h2><p>{escape(report.plan_intro)}</p>"]
    plan += [_action(a, report) for a in report.plan]
    if report.other_initiatives is not None:
        plan.append(f"<h3>{escape(report.labels['other_initiatives'])}</h3>{_table(report.other_initiatives)}")
    body.append(f'<section class="plan">{"".join(plan)}</section>')
    for extra in (report.growth, report.benchmark):
        if extra is not None:
            body.append(f"<section>{_section(extra)}</section>")
    appendix = [_section(s, 2 if i == 0 else 3) for i, s in enumerate(report.appendix)]
    body.append(f'<section class="appendix">{"".join(appendix)}</section>')
    body.append(f'<footer class="muted">{escape(report.footer)}</footer>')
    return (
        f'<!DOCTYPE html>\n<html lang="{report.lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(report.title)} – {escape(report.company)}</title>\n{css}\n</head>\n"
        f'<body class="report">\n<main>\n' + "\n".join(body) + "\n</main>\n</body>\n</html>\n"
    )


def render_html(
    model: Model, view: ResultView, extras: ReportExtras | None = None, *, stylesheet_url: str | None = None
) -> str:
    """The HTML report of ``view`` (of a result scored with ``model``) with the facts in ``extras``."""
    return render_report_html(build_report(model, view, extras), stylesheet_url=stylesheet_url)
