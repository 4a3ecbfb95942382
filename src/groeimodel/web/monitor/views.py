"""The monitor page (``/overview/``) and its CSV exports, for the beheerder and the analist."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from groeimodel import formats
from groeimodel.model import DEFAULT_MODEL, list_models, load_model
from groeimodel.monitor import Dimension, count_rows, mean_rows, to_csv
from groeimodel.monitor.tables import row_label
from groeimodel.reports.charts import bars_svg
from groeimodel.web import access
from groeimodel.web.i18n import current_lang, level_label
from groeimodel.web.monitor.queries import MONITOR_DIMENSIONS, MonitorTables, monitor_tables

TABLES = ("positions", "means")


def _dimension_names() -> dict[str, str]:
    return {
        "sbi_section": _("sector (SBI section)"),
        "size_class": _("size class"),
        "province": _("province"),
        "year": _("year"),
    }


def _choose(request: HttpRequest) -> tuple[Any, list[str], str, Dimension]:
    """The companies in reach, the shipped models, and the chosen model and dimension (404 when out of reach)."""
    if not access.can_see_aggregates(request.user):
        raise Http404
    companies = access.aggregate_companies_for(request.user)
    models = [m.id for m in list_models()]  # every shipped model; one without scans gives empty tables
    model_id = request.GET.get("model", DEFAULT_MODEL)
    if model_id not in models:
        raise Http404
    by = request.GET.get("by", "sbi_section")
    if by not in MONITOR_DIMENSIONS:
        raise Http404
    dimension: Dimension = by  # type: ignore[assignment]  # checked above
    return companies, models, model_id, dimension


def _cell(value: float | None, digits: int = 0) -> str:
    """A figure as shown; a hidden figure and an empty one look the same."""
    if value is None:
        return "–"
    return formats.number(value, current_lang(), digits)


@login_required
def monitor(request: HttpRequest) -> HttpResponse:
    companies, models, model_id, by = _choose(request)
    lang = current_lang()
    tables: MonitorTables = monitor_tables(companies, model_id, by, settings.MONITOR_MIN)
    positions, means = tables.positions, tables.means
    row_names = [row_label(by, key, lang) for key in positions.rows]
    position_rows = [
        {"name": name, "cells": [_cell(v) for v in cells], "total": _cell(total)}
        for name, cells, total in zip(row_names, positions.cells, positions.row_totals, strict=True)
    ]
    mean_rows_shown = [
        {"name": name, "cells": [_cell(m.mean if m else None, 1) for m in cells]}
        for name, cells in zip(row_names, means.cells, strict=True)
    ]
    level_names = [level_label(model_id, lv, lang) for lv in range(1, tables.n_levels + 1)]
    dimension_name = _dimension_names()[by]
    context = {
        "models": [(m, load_model(m).name(lang)) for m in models],
        "model_id": model_id,
        "dimensions": list(_dimension_names().items()),
        "by": by,
        "dimension_name": dimension_name,
        "position_names": [level_label(model_id, p, lang) for p in range(tables.n_levels + 1)],
        "position_rows": position_rows,
        "position_totals": [_cell(v) for v in positions.column_totals],
        "grand_total": _cell(positions.total),
        "level_names": level_names,
        "mean_rows": mean_rows_shown,
        "mean_totals": [_cell(m.mean if m else None, 1) for m in means.totals],
        "k": settings.MONITOR_MIN,
        "positions_svg": bars_svg(
            row_names,
            [float(v) if v is not None else None for v in positions.row_totals],
            title=_("Companies by %(dimension)s") % {"dimension": dimension_name},
            lang=lang,
            id_prefix="bars-positions",
        ),
        "means_svg": bars_svg(
            level_names,
            [m.mean if m else None for m in means.totals],
            title=_("Mean score per level, all companies, 0 to 100"),
            lang=lang,
            maximum=100,
            digits=1,
            id_prefix="bars-means",
        ),
        "tables": tables,
    }
    return render(request, "monitor/overview.html", context)


@login_required
def monitor_export(request: HttpRequest, table: str) -> StreamingHttpResponse:
    """One monitor table as CSV, with the same suppression as the page: a hidden cell is empty, like an empty one."""
    if table not in TABLES:
        raise Http404
    companies, _models, model_id, by = _choose(request)
    lang = current_lang()
    tables = monitor_tables(companies, model_id, by, settings.MONITOR_MIN)
    rows = count_rows(tables.positions, lang) if table == "positions" else mean_rows(tables.means, lang)

    def lines() -> Iterator[str]:
        for row in rows:
            yield to_csv([row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="monitor-{model_id}-{table}-{by}.csv"'
    return response
