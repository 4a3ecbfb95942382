"""The advice report of a submitted scan, as PDF and as HTML: built from the same data as the result page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils.text import slugify

from groeimodel.reports.content import (
    Benchmark,
    BenchmarkRow,
    InitiativeInfo,
    ReportExtras,
    WaveFigures,
    build_report,
)
from groeimodel.reports.html import render_report_html
from groeimodel.reports.pdf import render_report_pdf
from groeimodel.web import access
from groeimodel.web.i18n import current_lang, level_label
from groeimodel.web.initiatives.services import business_case_of
from groeimodel.web.scans.benchmark import benchmark_for
from groeimodel.web.scans.model_change import result_model
from groeimodel.web.scans.models import Respondent, Response, Wave
from groeimodel.web.scans.views import _result_context, result_inputs


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _extras(user: Any, scan: Response) -> ReportExtras:
    wave = scan.wave
    company = wave.company
    advisors = ", ".join(a.get_full_name() or a.get_username() for a in company.advisors.order_by("pk"))
    initiatives = tuple(
        InitiativeInfo(
            title=i.title,
            status=i.status,
            blocks=tuple(i.blocks or ()),
            level=i.level,
            business_case=business_case_of(i),
        )
        for i in company.initiatives.order_by("created_at", "pk")
    )
    waves = access.waves_for(user).filter(company=company, number__lte=wave.number).order_by("number")
    positions = dict(
        Response.objects.filter(
            wave__in=waves, respondent=Respondent.MANAGEMENT, status=Response.Status.SUBMITTED
        ).values_list("wave_id", "position")
    )
    growth = tuple(_figures(w, positions.get(w.pk)) for w in waves)
    return ReportExtras(
        company=company.name,
        wave_label=wave.label,
        wave_date=wave.date,
        advisor=advisors,
        initiatives=initiatives,
        growth=growth if any(_has_figures(g) for g in growth) or len(growth) > 1 else (),
        benchmark=_benchmark(scan),
    )


def _benchmark(scan: Response) -> Benchmark | None:
    """The page's benchmark for the report: per level the firm's score and the peers' median, when there are
    enough comparable firms (the same rule and the same core calculation as the result page)."""
    result = benchmark_for(scan)
    lang = current_lang()
    rows = tuple(
        BenchmarkRow(label=level_label(scan.model_id, level, lang), firm=m.score, peers=m.distribution.median)
        for (level, block), m in sorted(result.measures.items())
        if not block and m.distribution is not None
    )
    if not rows:
        return None
    return Benchmark(group=result.group.label(lang), size=result.group.size, rows=rows)


def _figures(wave: Wave, position: int | None) -> WaveFigures:
    return WaveFigures(
        label=wave.label,
        date=wave.date,
        position=position,
        employees_fte=_number(wave.employees_fte),
        revenue=_number(wave.revenue),
        added_value=_number(wave.added_value),
        profit=_number(wave.profit),
        export_share=_number(wave.export_share),
    )


def _has_figures(w: WaveFigures) -> bool:
    return any(v is not None for v in (w.employees_fte, w.revenue, w.added_value, w.profit, w.export_share))


def _report(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    scan = access.get_scan(request.user, pk)
    if not scan.submitted or scan.result is None:
        return redirect("scan-fill", pk=scan.pk)
    lang = current_lang()
    earlier, employees = result_inputs(request.user, scan)
    view = _result_context(scan, earlier, employees, lang)["view"]
    report = build_report(result_model(scan).model, view, _extras(request.user, scan))
    name = f"{slugify(scan.wave.company.name) or 'report'}-{slugify(scan.wave.label)}-{lang}.{kind}"
    if kind == "pdf":
        response = HttpResponse(render_report_pdf(report), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    else:
        # Opened in the browser as a printable page: it links the static stylesheet and has no inline style or
        # script, so the app's CSP holds (the CLI's HTML file carries its stylesheet inline instead).
        html = render_report_html(report, stylesheet_url=static("groeimodel-report/report.css"))
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def scan_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _report(request, pk, "pdf")


@login_required
def scan_report_html(request: HttpRequest, pk: int) -> HttpResponse:
    return _report(request, pk, "html")
