"""The organisation's wave data at block level, streamed from the database for the exports (the beheerder's).

One row per submitted management scan of one model: the company's internal number and its sector, size class,
province and founding year; the wave's number and date; the model id and version; the ladder position; every level
and block score; the wave's growth figures and level indicators; and the employees' answers only as suppressed
aggregates (their number and their mean per block when at least ``GROEIMODEL_EMPLOYEES_MIN`` of them have a
score there, else empty). The company's name and KvK number are left out: a researcher needs to follow a firm
over its waves, not to know which firm it is (data minimisation); the beheerder can look a number up in the app.

The scans are read with ``.iterator(chunk_size=...)`` in company order; per chunk, one query for their scores (the
database pivots the score rows into a column per level and block) and two for the employees' aggregates, each
selecting the chunk's range of company ids (an index range, not a list of thousands of ids: building and sending
such lists cost more than the rows themselves), so memory stays flat however many waves there are.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.db.models import Avg, Count, Max, Q, QuerySet

from groeimodel.model import DEFAULT_MODEL, load_model
from groeimodel.monitor.codebook import Lang
from groeimodel.monitor.export import Cell, ExportTable, Format, write_export
from groeimodel.monitor.variables import WAVE_GROWTH, wave_variables
from groeimodel.web.accounts.models import Organisation
from groeimodel.web.companies.models import Company
from groeimodel.web.scans.models import Respondent, Response, ScoreRow

CHUNK_SIZE = 2000
# Scores (0-100) to 4 decimals: exact in every format (XLSX keeps 15 significant digits), and far finer than a
# scan can tell apart (one answer on a block of four statements moves its score by 6.25).
SCORE_DIGITS = 4

_FIELDS = (
    "pk",
    "wave_id",
    "wave__company_id",
    "wave__company__sbi_section",
    "wave__company__size_class",
    "wave__company__province",
    "wave__company__founding_year",
    "wave__number",
    "wave__date",
    "model_id",
    "model_version",
    "position",
    *(f"wave__{f}" for f, _nl, _en in WAVE_GROWTH),
    "wave__level_indicators",
)


def scans_to_export(companies: QuerySet[Company], model_id: str) -> QuerySet[Response]:
    """The submitted management scans of ``model_id`` of ``companies``, by company and wave number."""
    return Response.objects.filter(
        wave__company__in=companies,
        respondent=Respondent.MANAGEMENT,
        status=Response.Status.SUBMITTED,
        model_id=model_id,
    ).order_by("wave__company_id", "wave__number", "pk")


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, Decimal | int | float):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _chunks(rows: Iterator[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def wave_rows(
    companies: QuerySet[Company], model_id: str, *, employees_min: int, chunk_size: int = CHUNK_SIZE
) -> Iterator[Sequence[Cell]]:
    """The rows of :func:`wave_table`, read chunk by chunk."""
    model = load_model(model_id)
    levels = [lv.level for lv in model.levels]
    blocks = [(b.level, b.id) for b in model.blocks]
    indicators = [i.id for lv in model.levels for i in lv.indicators if i.business_case is None]
    growth = len(WAVE_GROWTH)
    measures = [(lv, "") for lv in levels] + blocks
    pivot = {f"m{i}": Max("score", filter=Q(level=lv, block=b)) for i, (lv, b) in enumerate(measures)}
    missing = (None,) * len(measures)
    scans = scans_to_export(companies, model_id).values_list(*_FIELDS).iterator(chunk_size=chunk_size)
    for chunk in _chunks(scans, chunk_size):
        # The chunk's companies as a range of ids (the scans come in company order); rows of other companies in
        # that range are never looked up (only the chunk's own scan and wave ids are).
        first, last = chunk[0][2], chunk[-1][2]
        # One row per scan with a column per level and block: the database pivots its score rows.
        scores = {
            row[0]: row[1:]
            for row in ScoreRow.objects.filter(
                company_id__gte=first, company_id__lte=last, respondent=Respondent.MANAGEMENT, model_id=model_id
            )
            .values("response_id")
            .annotate(**pivot)
            .order_by()
            .values_list("response_id", *pivot)
        }
        employees = dict(
            Response.objects.filter(
                wave__company_id__gte=first,
                wave__company_id__lte=last,
                respondent=Respondent.EMPLOYEE,
                status=Response.Status.SUBMITTED,
            )
            .values("wave_id")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("wave_id", "n")
        )
        employee_means: dict[tuple[int, str], float] = {}
        for agg in (
            ScoreRow.objects.filter(
                company_id__gte=first, company_id__lte=last, respondent=Respondent.EMPLOYEE, model_id=model_id
            )
            .exclude(block="")
            .values("wave_id", "block")
            .annotate(n=Count("score"), mean=Avg("score"))
            .order_by()
        ):
            if agg["n"] >= employees_min and agg["mean"] is not None:
                employee_means[(agg["wave_id"], agg["block"])] = round(float(agg["mean"]), SCORE_DIGITS)
        for row in chunk:
            response_id, wave_id = row[0], row[1]
            own = scores.get(response_id, missing)
            level_indicators = row[12 + growth] or {}
            n_employees = employees.get(wave_id, 0)
            yield (
                row[2],
                *row[3:7],
                row[7],
                row[8],
                row[9],
                row[10],
                row[11],
                *(None if v is None else round(v, SCORE_DIGITS) for v in own),
                *(_number(v) for v in row[12 : 12 + growth]),
                *(_number(level_indicators.get(i)) for i in indicators),
                n_employees if n_employees >= employees_min else None,
                *(employee_means.get((wave_id, b)) for _lv, b in blocks),
            )


def wave_table(
    companies: QuerySet[Company], model_id: str, *, employees_min: int, chunk_size: int = CHUNK_SIZE
) -> ExportTable:
    """The wave data of ``companies`` for ``model_id`` as an exportable table (rows read lazily)."""
    model = load_model(model_id)
    return ExportTable(
        f"metingen-{model_id}",
        wave_variables(model, employees_min=employees_min),
        wave_rows(companies, model_id, employees_min=employees_min, chunk_size=chunk_size),
        f"Metingen op bouwsteenniveau, model {model_id}: één rij per ingediende scan van de eigenaar of directie.",
        f"Waves at building-block level, model {model_id}: one row per submitted owner's or management scan.",
    )


def export_waves(
    organisation: Organisation,
    fmt: Format,
    out: IO[bytes],
    *,
    model_id: str = DEFAULT_MODEL,
    lang: Lang = "nl",
    chunk_size: int = CHUNK_SIZE,
) -> None:
    """Write the organisation's wave data (its non-archived companies) as a zip in ``fmt`` to ``out``, without
    HTTP or a user (for the bench; the web view checks access and records the export in the audit log)."""
    companies = Company.objects.filter(organisation=organisation, archived_at__isnull=True)
    table = wave_table(companies, model_id, employees_min=settings.EMPLOYEES_MIN, chunk_size=chunk_size)
    write_export(table, fmt, out, lang=lang)
