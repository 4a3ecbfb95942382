"""The monitor page (``/overview/``) and its CSV exports, for the beheerder and the analist; and the optional
public national monitor (``/monitor/``, ``GROEIMODEL_PUBLIC_MONITOR``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from groeimodel import formats
from groeimodel.model import DEFAULT_MODEL, list_models, load_model
from groeimodel.monitor import CountTable, Dimension, Mean, MeanTable, count_rows, mean_rows, to_csv
from groeimodel.monitor.codebook import MOVEMENTS, PROVINCES, SBI_SECTIONS, SIZE_CLASSES, label
from groeimodel.monitor.tables import Key, row_label
from groeimodel.reports.charts import Series, bars_svg, lines_svg
from groeimodel.web import access
from groeimodel.web.accounts.models import Organisation
from groeimodel.web.i18n import current_lang, level_label
from groeimodel.web.monitor.queries import (
    GROWTH_INDICATORS,
    MONITOR_DIMENSIONS,
    Cells,
    Filter,
    MonitorTables,
    growth_table,
    load_cells,
    mean_table,
    movement_table,
    page_dimensions,
    position_table,
)

TABLES = ("positions", "means", "positions-by-year", "means-by-year", "movement", "growth")


def _dimension_names() -> dict[str, str]:
    return {
        "sbi_section": _("sector (SBI section)"),
        "size_class": _("size class"),
        "province": _("province"),
        "year": _("year"),
    }


def _growth_names() -> dict[str, str]:
    return {
        "employees_fte": _("change in employees (FTE)"),
        "revenue_pct": _("change in revenue (%)"),
        "export_share": _("change in export share (percentage points)"),
    }


@dataclass(frozen=True)
class Choice:
    """What the reader asked for: the organisations in reach (their cells of the model), the model, the dimension
    and the filter."""

    cells: Cells
    models: list[str]
    model_id: str
    by: Dimension
    where: Filter | None
    filter_param: str
    filter_error: str | None
    years: tuple[int, ...]

    def query(self) -> str:
        params = {"model": self.model_id, "by": self.by}
        if self.where is not None:
            params["filter"] = self.filter_param
        return urlencode(params)


def _parse_filter(raw: str, years: tuple[int, ...]) -> Filter | None:
    """``province:UT`` and the like; None for no filter; Http404 for a value that is not a category."""
    if not raw:
        return None
    dimension, _sep, value = raw.partition(":")
    if dimension == "year":
        if not value.isdigit() or int(value) not in years:
            raise Http404
        return Filter("year", int(value))
    known = {"sbi_section": SBI_SECTIONS, "size_class": SIZE_CLASSES, "province": PROVINCES}.get(dimension)
    if known is None or value not in known:
        raise Http404
    chosen: Dimension = dimension  # type: ignore[assignment]  # checked above
    return Filter(chosen, value)


def _choose(request: HttpRequest, organisations: QuerySet[Organisation], *, strict: bool) -> Choice:
    """The chosen model, dimension and filter (404 for values that do not exist). A filter on the dimension of the
    tables themselves is refused: with ``strict`` (the exports) by 404, on the page with a message at the field."""
    models = [m.id for m in list_models()]  # every shipped model; one without scans gives empty tables
    model_id = request.GET.get("model", DEFAULT_MODEL)
    if model_id not in models:
        raise Http404
    by = request.GET.get("by", "sbi_section")
    if by not in MONITOR_DIMENSIONS:
        raise Http404
    dimension: Dimension = by  # type: ignore[assignment]  # checked above
    raw = request.GET.get("filter", "")
    filtered = raw.partition(":")[0]
    where_dimension: Any = filtered if filtered in MONITOR_DIMENSIONS and filtered != dimension else None
    cells = load_cells(organisations, model_id, *page_dimensions(dimension, where_dimension))
    years = cells.years
    where = _parse_filter(raw, years)
    error = None
    if where is not None and where.dimension == dimension:
        if strict:
            raise Http404
        error = _("Choose a filter on another dimension than the one the tables are by.")
        where = None
    return Choice(cells, models, model_id, dimension, where, raw if where else "", error, years)


def _cell(value: float | None, digits: int = 0) -> str:
    """A figure as shown; a hidden figure and an empty one look the same."""
    if value is None:
        return "–"
    return formats.number(value, current_lang(), digits)


def _mean(m: Mean | None) -> float | None:
    return None if m is None else m.mean


def _name(dimension: Dimension, key: Key, model_id: str) -> str:
    lang = current_lang()
    return level_label(model_id, int(key), lang) if dimension == "position" else row_label(dimension, key, lang)


def _count_view(table: CountTable, column_names: list[str], model_id: str) -> dict[str, Any]:
    return {
        "columns": [*column_names, _("Total")],
        "rows": [
            {"name": _name(table.dimension, key, model_id), "cells": [_cell(v) for v in (*cells, total)]}
            for key, cells, total in zip(table.rows, table.cells, table.row_totals, strict=True)
        ],
        "foot": {"name": _("Total"), "cells": [_cell(v) for v in (*table.column_totals, table.total)]},
    }


def _mean_view(table: MeanTable, column_names: list[str], model_id: str) -> dict[str, Any]:
    return {
        "columns": column_names,
        "rows": [
            {"name": _name(table.dimension, key, model_id), "cells": [_cell(m.mean if m else None, 1) for m in cells]}
            for key, cells in zip(table.rows, table.cells, strict=True)
        ],
        "foot": {"name": _("All companies"), "cells": [_cell(m.mean if m else None, 1) for m in table.totals]},
    }


def _shares(table: CountTable) -> list[list[float | None]]:
    """Per column, per row: the column's share of the row's firms in per cent (None when either is not shown)."""
    return [
        [
            None if cells[c] is None or not total else 100.0 * (cells[c] or 0) / total
            for cells, total in zip(table.cells, table.row_totals, strict=True)
        ]
        for c in range(len(table.columns))
    ]


def _sections(choice: Choice, k: int) -> list[dict[str, Any]]:
    """Every table of the page with its chart, in page order."""
    lang = current_lang()
    model_id, by, where = choice.model_id, choice.by, choice.where
    n_levels = len(load_model(model_id).levels)
    dimension_name = _dimension_names()[by]
    position_names = [level_label(model_id, p, lang) for p in range(n_levels + 1)]
    level_names = [level_label(model_id, lv, lang) for lv in range(1, n_levels + 1)]
    movement_names = [label(MOVEMENTS, m, lang) for m in MOVEMENTS]
    year_where = where if where is None or where.dimension != "year" else None
    sections: list[dict[str, Any]] = []

    positions = position_table(choice.cells, by, k, where)
    names = [_name(by, key, model_id) for key in positions.rows]
    sections.append(
        {
            "table": "positions",
            "data": positions,
            "heading": _("Companies per position on the ladder, by %(dimension)s") % {"dimension": dimension_name},
            "view": _count_view(positions, position_names, model_id),
            "dimension_name": dimension_name,
            "svg": bars_svg(
                names,
                [float(v) if v is not None else None for v in positions.row_totals],
                title=_("Companies by %(dimension)s") % {"dimension": dimension_name},
                lang=lang,
                id_prefix="bars-positions",
            ),
            "caption": _("Companies by %(dimension)s (the Total column of the table).") % {"dimension": dimension_name},
        }
    )
    means = mean_table(choice.cells, by, k, where)
    sections.append(
        {
            "table": "means",
            "data": means,
            "heading": _("Mean level scores, by %(dimension)s") % {"dimension": dimension_name},
            "view": _mean_view(means, level_names, model_id),
            "dimension_name": dimension_name,
            "svg": bars_svg(
                level_names,
                [m.mean if m else None for m in means.totals],
                title=_("Mean score per level, all companies, 0 to 100"),
                lang=lang,
                maximum=100,
                digits=1,
                id_prefix="bars-means",
            ),
            "caption": _("Mean score per level over all companies, 0 to 100 (the last row of the table)."),
        }
    )
    year_name = _dimension_names()["year"]
    by_year = position_table(choice.cells, "year", k, year_where)
    year_labels = [str(y) for y in by_year.rows]
    if year_labels:
        shares = _shares(by_year)
        year_svg = lines_svg(
            year_labels,
            [Series(name, shares[p], f"series-{p % 5}") for p, name in enumerate(position_names)],
            title=_("Share of the companies per position on the ladder, per year, in per cent"),
            lang=lang,
            id_prefix="lines-positions",
        )
    else:
        year_svg = ""
    sections.append(
        {
            "table": "positions-by-year",
            "heading": _("Companies per position on the ladder, per year"),
            "view": _count_view(by_year, position_names, model_id),
            "dimension_name": year_name,
            "svg": year_svg,
            "caption": _("The share of each year's companies per position, in per cent, from the table."),
        }
    )
    means_by_year = mean_table(choice.cells, "year", k, year_where)
    means_svg = (
        lines_svg(
            year_labels,
            [
                Series(name, [_mean(row[lv]) for row in means_by_year.cells], f"series-{lv % 5}")
                for lv, name in enumerate(level_names)
            ],
            title=_("Mean score per level, per year, 0 to 100"),
            lang=lang,
            id_prefix="lines-means",
        )
        if year_labels
        else ""
    )
    sections.append(
        {
            "table": "means-by-year",
            "heading": _("Mean level scores, per year"),
            "view": _mean_view(means_by_year, level_names, model_id),
            "dimension_name": year_name,
            "svg": means_svg,
            "caption": _("Mean score per level of each year's companies, 0 to 100, from the table."),
        }
    )
    moved = movement_table(choice.cells, by, k, where)
    sections.append(
        {
            "table": "movement",
            "heading": _("Movement on the ladder since the scan before, by %(dimension)s")
            % {"dimension": dimension_name},
            "view": _count_view(moved, movement_names, model_id),
            "dimension_name": dimension_name,
            "svg": bars_svg(
                movement_names,
                [float(v) if v is not None else None for v in moved.column_totals],
                title=_("Companies that moved up, stayed or moved down"),
                lang=lang,
                id_prefix="bars-movement",
            ),
            "caption": _("Companies with at least two scans, by their movement (the Total row of the table)."),
        }
    )
    growth = growth_table(choice.cells, k)
    growth_names = [_growth_names()[g] for g in GROWTH_INDICATORS]
    sections.append(
        {
            "table": "growth",
            "heading": _("Growth by position on the ladder"),
            "view": _mean_view(growth, growth_names, model_id),
            "dimension_name": _("position on the ladder"),
            "svg": bars_svg(
                position_names,
                [row[0].mean if row[0] else None for row in growth.cells],
                title=_growth_names()["employees_fte"],
                lang=lang,
                digits=1,
                id_prefix="bars-growth",
            ),
            "caption": _(
                "Mean change in employees (FTE) since the wave before, per position of the latest scan; over all "
                "companies, without the filter."
            ),
        }
    )
    return sections


def _filter_options(choice: Choice) -> list[tuple[str, list[tuple[str, str]]]]:
    lang = current_lang()
    names = _dimension_names()
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for dimension, codes in (("sbi_section", SBI_SECTIONS), ("size_class", SIZE_CLASSES), ("province", PROVINCES)):
        dim: Dimension = dimension  # type: ignore[assignment]
        groups.append((names[dimension], [(f"{dimension}:{c}", row_label(dim, c, lang)) for c in codes]))
    groups.append((names["year"], [(f"year:{y}", str(y)) for y in choice.years]))
    return groups


def _render(request: HttpRequest, choice: Choice, *, public: bool) -> HttpResponse:
    lang = current_lang()
    k = settings.MONITOR_MIN
    sections = _sections(choice, k)
    context = {
        "public": public,
        "page_url": "public-monitor" if public else "overview",
        "export_url": "public-monitor-export" if public else "overview-export",
        "models": [(m, load_model(m).name(lang)) for m in choice.models],
        "model_id": choice.model_id,
        "dimensions": list(_dimension_names().items()),
        "by": choice.by,
        "filter_options": _filter_options(choice),
        "filter_param": choice.filter_param,
        "filter_error": choice.filter_error,
        "query": choice.query(),
        "k": k,
        "sections": sections,
        "tables": MonitorTables(
            choice.model_id,
            len(load_model(choice.model_id).levels),
            choice.by,
            sections[0]["data"],
            sections[1]["data"],
        ),
    }
    return render(request, "monitor/overview.html", context)


@login_required
def monitor(request: HttpRequest) -> HttpResponse:
    if not access.can_see_aggregates(request.user):
        raise Http404
    return _render(
        request, _choose(request, access.aggregate_organisations_for(request.user), strict=False), public=False
    )


def public_monitor(request: HttpRequest) -> HttpResponse:
    """The national monitor without login, when ``GROEIMODEL_PUBLIC_MONITOR`` is on; 404 when it is off."""
    if not settings.PUBLIC_MONITOR:
        raise Http404
    return _render(request, _choose(request, access.national_organisations(), strict=False), public=True)


def protected_table(choice: Choice, table: str, k: int) -> CountTable | MeanTable:
    """One of the page's protected tables (``TABLES``), as the page shows it; the exports take it from here."""
    year_where = choice.where if choice.where is None or choice.where.dimension != "year" else None
    cells = choice.cells
    make: dict[str, Callable[[], CountTable | MeanTable]] = {
        "positions": lambda: position_table(cells, choice.by, k, choice.where),
        "means": lambda: mean_table(cells, choice.by, k, choice.where),
        "positions-by-year": lambda: position_table(cells, "year", k, year_where),
        "means-by-year": lambda: mean_table(cells, "year", k, year_where),
        "movement": lambda: movement_table(cells, choice.by, k, choice.where),
        "growth": lambda: growth_table(cells, k),
    }
    return make[table]()


def table_dimension(choice: Choice, table: str) -> Dimension:
    """The dimension of a table's rows: the chosen one, the year, or the ladder position (growth)."""
    if table in ("positions", "means", "movement"):
        return choice.by
    return "year" if "year" in table else "position"


def _table_rows(choice: Choice, table: str, k: int) -> list[list[str]]:
    lang = current_lang()
    found = protected_table(choice, table, k)
    return count_rows(found, lang) if isinstance(found, CountTable) else mean_rows(found, lang)


def _export(choice: Choice, table: str) -> StreamingHttpResponse:
    rows = _table_rows(choice, table, settings.MONITOR_MIN)

    def lines() -> Iterator[str]:
        for row in rows:
            yield to_csv([row])

    suffix = "" if choice.where is None else "-" + choice.filter_param.replace(":", "-")
    by = table_dimension(choice, table)
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="monitor-{choice.model_id}-{table}-{by}{suffix}.csv"'
    return response


@login_required
def monitor_export(request: HttpRequest, table: str) -> StreamingHttpResponse:
    """One monitor table as CSV, with the same suppression as the page: a hidden cell is empty, like an empty one."""
    if table not in TABLES or not access.can_see_aggregates(request.user):
        raise Http404
    return _export(_choose(request, access.aggregate_organisations_for(request.user), strict=True), table)


def public_monitor_export(request: HttpRequest, table: str) -> StreamingHttpResponse:
    """One table of the public national monitor as CSV; 404 when the public monitor is off."""
    if table not in TABLES or not settings.PUBLIC_MONITOR:
        raise Http404
    return _export(_choose(request, access.national_organisations(), strict=True), table)
