"""Downloads for researchers: every protected table of the monitor, and the beheerder's wave data at block level,
in CSV, XLSX, Parquet and SPSS ``.sav``, each as a zip with a codebook in Dutch and English
(:mod:`groeimodel.monitor.export`).

The monitor's tables plug in through :data:`DOWNLOADS`: a name (the URL and file name), a title and a function
from the monitor's choice (companies in reach, model, dimension, k: what the page shows) to a protected table
(:func:`groeimodel.monitor.variables.protected_table_export` turns a ``CountTable`` or ``MeanTable`` into one).
A new table is one :func:`register` call. Every download is recorded in the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groeimodel import formats
from groeimodel.model import list_models, load_model
from groeimodel.monitor.export import DEFAULT_MAX_SAV_ROWS, FORMATS, ExportTable, Format, export_zip
from groeimodel.monitor.variables import protected_table_export
from groeimodel.web import access
from groeimodel.web.audit.services import record
from groeimodel.web.i18n import current_lang
from groeimodel.web.monitor import views as monitor_views
from groeimodel.web.monitor.wave_data import scans_to_export, wave_table

# The audit action of every download (a plain value: the audit log's choices may name it later).
EXPORT = "export"
FORMAT_NAMES = {"csv": "CSV", "xlsx": "Excel (XLSX)", "parquet": "Parquet", "sav": "SPSS (.sav)"}


@dataclass(frozen=True)
class TableDownload:
    name: str
    title: str | Promise
    build: Callable[[monitor_views.Choice], ExportTable]


DOWNLOADS: dict[str, TableDownload] = {}


def register(download: TableDownload) -> None:
    """Offer a protected monitor table for download (in every format, with its codebook)."""
    DOWNLOADS[download.name] = download


def _titles(title: str | Promise, choice: monitor_views.Choice, table: str) -> tuple[str, str]:
    out = []
    dimension = monitor_views.table_dimension(choice, table)
    for lang in ("nl", "en"):
        with translation.override(lang):
            names = monitor_views._dimension_names()
            parts = [choice.model_id, names.get(dimension, str(dimension))]
            if choice.where is not None:
                parts.append(choice.filter_param)
            out.append(f"{title} ({', '.join(parts)})")
    return out[0], out[1]


# The growth table's columns are changes since the wave before, not the wave's own figures.
GROWTH_LABELS = {
    "employees_fte": ("verandering in werkzame personen (fte)", "change in employees (FTE)"),
    "revenue_pct": ("verandering in omzet (%)", "change in revenue (%)"),
    "export_share": ("verandering in exportaandeel (procentpunten)", "change in export share (percentage points)"),
}


def _table_download(table: str) -> Callable[[monitor_views.Choice], ExportTable]:
    def build(choice: monitor_views.Choice) -> ExportTable:
        found = monitor_views.protected_table(choice, table, settings.MONITOR_MIN)
        suffix = "" if choice.where is None else "-" + choice.filter_param.replace(":", "-")
        dimension = monitor_views.table_dimension(choice, table)
        return protected_table_export(
            found,
            load_model(choice.model_id),
            name=f"monitor-{choice.model_id}-{table}-{dimension}{suffix}",
            title=_titles(DOWNLOADS[table].title, choice, table),
            labels=GROWTH_LABELS if table == "growth" else None,
        )

    return build


for _name, _title in (
    ("positions", gettext_lazy("Companies per position on the ladder")),
    ("means", gettext_lazy("Mean level scores")),
    ("positions-by-year", gettext_lazy("Companies per position on the ladder, per year")),
    ("means-by-year", gettext_lazy("Mean level scores, per year")),
    ("movement", gettext_lazy("Movement on the ladder since the scan before")),
    ("growth", gettext_lazy("Growth by position on the ladder")),
):
    register(TableDownload(_name, _title, _table_download(_name)))


def _monitor_choice(request: HttpRequest, *, strict: bool) -> monitor_views.Choice:
    """The monitor's choice for the user's reach (404 for whoever may not see the monitor)."""
    if not access.can_see_aggregates(request.user):
        raise Http404
    return monitor_views._choose(request, access.aggregate_organisations_for(request.user), strict=strict)


def _zip_response(request: HttpRequest, table: ExportTable, fmt: Format, *, kind: str) -> StreamingHttpResponse:
    m = access.membership_of(request.user)
    assert m is not None  # the callers checked access
    record(
        actor=request.user,
        organisation=m.organisation_id,
        action=EXPORT,
        object_kind=kind,
        object_id=m.organisation_id,
        label=f"{table.name}.{fmt}",
    )
    response = StreamingHttpResponse(export_zip(table, fmt, lang=current_lang()), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{table.name}-{fmt}.zip"'
    return response


def _format(fmt: str) -> Format:
    if fmt not in FORMATS:
        raise Http404
    return fmt  # type: ignore[return-value]  # checked above


@login_required
def monitor_download(request: HttpRequest, table: str, fmt: str) -> StreamingHttpResponse:
    """One protected table of the monitor, as on the page (same model, dimension and filters): a hidden cell is
    empty, exactly like an empty one."""
    chosen_format = _format(fmt)
    if table not in DOWNLOADS:
        raise Http404
    choice = _monitor_choice(request, strict=True)
    return _zip_response(request, DOWNLOADS[table].build(choice), chosen_format, kind="monitor table")


def _wave_model(request: HttpRequest) -> str:
    model_id = request.GET.get("model", "")
    if model_id not in [m.id for m in list_models()]:
        raise Http404
    return model_id


@login_required
def wave_data_download(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The organisation's wave data at block level for one model (the beheerder's; 404 for everyone else)."""
    if not access.can_export_wave_data(request.user):
        raise Http404
    chosen_format = _format(fmt)
    model_id = _wave_model(request)
    companies = access.wave_data_companies_for(request.user)
    if chosen_format == "sav" and scans_to_export(companies, model_id).count() > DEFAULT_MAX_SAV_ROWS:
        messages.error(
            request,
            _(
                "An SPSS file holds at most %(limit)s scans, and this model has more. Download the Parquet or CSV "
                "file instead; SPSS opens both."
            )
            % {"limit": formats.number(DEFAULT_MAX_SAV_ROWS, current_lang(), 0)},
        )
        return redirect("overview-downloads")
    table = wave_table(companies, model_id, employees_min=settings.EMPLOYEES_MIN)
    return _zip_response(request, table, chosen_format, kind="wave data")


def download_links(query: dict[str, Any]) -> list[dict[str, Any]]:
    """The monitor's tables, each with a link per format, for the current choice (``query``: the page's GET)."""
    suffix = "?" + urlencode(query, doseq=True) if query else ""
    return [
        {
            "title": d.title,
            "links": [(FORMAT_NAMES[f], reverse("overview-download", args=[d.name, f]) + suffix, f) for f in FORMATS],
        }
        for d in DOWNLOADS.values()
    ]


@login_required
def downloads(request: HttpRequest) -> HttpResponse:
    """Where the monitor's downloads and, for the beheerder, the wave data are found."""
    choice = _monitor_choice(request, strict=False)
    models, model_id, by = choice.models, choice.model_id, choice.by
    lang = current_lang()
    wave_models = []
    if access.can_export_wave_data(request.user):
        in_reach = access.wave_data_companies_for(request.user)
        for m in models:
            # Counted up to the SPSS limit only (what the reader needs to choose a format): counting a national
            # organisation's million scans would take seconds.
            scans = scans_to_export(in_reach, m).order_by()[: DEFAULT_MAX_SAV_ROWS + 1].count()
            wave_models.append(
                {
                    "id": m,
                    "name": load_model(m).name(lang),
                    "scans": scans,
                    "more": scans > DEFAULT_MAX_SAV_ROWS,
                    "links": [
                        (FORMAT_NAMES[f], reverse("overview-wave-data", args=[f]) + "?" + urlencode({"model": m}), f)
                        for f in FORMATS
                    ],
                }
            )
    context = {
        "models": [(m, load_model(m).name(lang)) for m in models],
        "model_id": model_id,
        "dimensions": list(monitor_views._dimension_names().items()),
        "by": by,
        "downloads": download_links(dict(request.GET.lists())),
        "export_wave_data": access.can_export_wave_data(request.user),
        "wave_models": wave_models,
        "sav_limit": DEFAULT_MAX_SAV_ROWS,
        "k": settings.MONITOR_MIN,
        "employees_min": settings.EMPLOYEES_MIN,
    }
    return render(request, "monitor/downloads.html", context)
