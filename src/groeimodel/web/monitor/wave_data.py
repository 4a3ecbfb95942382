"""The organisation's wave data at block level, streamed from the database for the exports (the beheerder's).

One row per submitted management scan of one model: the company's internal number and its sector, size class,
province and founding year; the wave's number and date; the model id and version; the ladder position; every level
and block score; the wave's growth figures and level indicators; and the employees' answers only as suppressed
aggregates (their number and their mean per block when at least ``GROEIMODEL_EMPLOYEES_MIN`` of them have a
score there, else empty). The company's name and KvK number are left out: a researcher needs to follow a firm
over its waves, not to know which firm it is (data minimisation); the beheerder can look a number up in the app.

The scans are read with one SQL query (a plain DB-API cursor: on PostgreSQL a server-side cursor, in one read-only
transaction so that every chunk sees the same data) in company order, with each scan's level and block scores
from ``Response.scores`` (one mapping per scan, written on submit: no pivoting of the score rows). Per chunk of
scans two small queries read the employees' aggregates for the chunk's range of company ids (an index range, not a
list of thousands of ids), so memory stays flat however many waves there are. The rows are built with as little
Python per cell as possible (bench/README.md, "wave-data CSV export"): a score's rounding is looked up per
distinct value while its JSON is parsed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from decimal import Decimal
from operator import itemgetter
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet

from groeimodel.model import DEFAULT_MODEL, load_model
from groeimodel.monitor.codebook import Lang
from groeimodel.monitor.export import Cell, ExportTable, Format, write_export
from groeimodel.monitor.variables import WAVE_GROWTH, wave_variables
from groeimodel.web.accounts.models import Organisation
from groeimodel.web.companies.models import Company
from groeimodel.web.scans.models import Respondent, Response, ScoreRow, Wave, score_key

CHUNK_SIZE = 2000
# Scores (0-100) to 4 decimals: exact in every format (XLSX keeps 15 significant digits), and far finer than a
# scan can tell apart (one answer on a block of four statements moves its score by 6.25).
SCORE_DIGITS = 4
# Distinct score texts whose rounding is remembered (scores take few distinct values; a bound all the same).
_ROUNDED_MAX = 100_000


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


class _Rounded(dict[str, float]):
    """A JSON number's text -> its value rounded to ``SCORE_DIGITS`` (as ``json.loads``' ``parse_float`` and
    ``parse_int``: a hit is a dict lookup, no Python call)."""

    def __missing__(self, text: str) -> float:
        if len(self) >= _ROUNDED_MAX:
            self.clear()
        value = self[text] = round(float(text), SCORE_DIGITS)
        return value


def _scans_sql(companies: QuerySet[Company], model_id: str) -> tuple[str, list[Any]]:
    """The scans of :func:`scans_to_export` with their company's and wave's columns, in the export's order."""
    text = "::text" if connection.vendor == "postgresql" else ""
    growth = ", ".join(f"CAST(w.{f} AS DOUBLE PRECISION)" for f, _nl, _en in WAVE_GROWTH)
    within, params = companies.values("pk").query.sql_with_params()
    # One management scan per wave (a constraint): the wave number orders a company's scans as r.id would next.
    sql = f"""
        SELECT w.company_id, c.sbi_section, c.size_class, c.province, c.founding_year, w.number, w.date,
               r.model_id, r.model_version, r.position, r.scores{text}, {growth}, w.level_indicators{text}, w.id
        FROM {Response._meta.db_table} r
        JOIN {Wave._meta.db_table} w ON w.id = r.wave_id
        JOIN {Company._meta.db_table} c ON c.id = w.company_id
        WHERE r.respondent = %s AND r.status = %s AND r.model_id = %s AND w.company_id IN ({within})
        ORDER BY w.company_id, w.number, r.id
    """
    return sql, [Respondent.MANAGEMENT.value, Response.Status.SUBMITTED.value, model_id, *params]


def _employees(
    cursor: Any, first: int, last: int, model_id: str, blocks: Sequence[str], employees_min: int
) -> tuple[dict[int, int], dict[int, tuple[float | None, ...]]]:
    """The submitted employee responses per wave of companies ``first..last``, and per wave the employees' mean
    per block (in ``blocks`` order) where at least ``employees_min`` of them have a score there, else None."""
    cursor.execute(
        f"""SELECT r.wave_id, COUNT(r.id) FROM {Response._meta.db_table} r
            JOIN {Wave._meta.db_table} w ON w.id = r.wave_id
            WHERE w.company_id >= %s AND w.company_id <= %s AND r.respondent = %s AND r.status = %s
            GROUP BY r.wave_id""",
        [first, last, Respondent.EMPLOYEE.value, Response.Status.SUBMITTED.value],
    )
    counts = dict(cursor.fetchall())
    cursor.execute(
        f"""SELECT wave_id, block, COUNT(score), AVG(score) FROM {ScoreRow._meta.db_table}
            WHERE company_id >= %s AND company_id <= %s AND respondent = %s AND model_id = %s AND block <> ''
            GROUP BY wave_id, block""",
        [first, last, Respondent.EMPLOYEE.value, model_id],
    )
    by_wave: dict[int, dict[str, float]] = {}
    for wave_id, block, n, mean in cursor.fetchall():
        if n >= employees_min and mean is not None:
            by_wave.setdefault(wave_id, {})[block] = round(float(mean), SCORE_DIGITS)
    means = {wave_id: tuple(m.get(b) for b in blocks) for wave_id, m in by_wave.items()}
    return counts, means


def wave_rows(
    companies: QuerySet[Company], model_id: str, *, employees_min: int, chunk_size: int = CHUNK_SIZE
) -> Iterator[Sequence[Cell]]:
    """The rows of :func:`wave_table`, read chunk by chunk."""
    model = load_model(model_id)
    blocks = [b.id for b in model.blocks]
    keys = [score_key(lv.level, "") for lv in model.levels] + [score_key(b.level, b.id) for b in model.blocks]
    indicators = [i.id for lv in model.levels for i in lv.indicators if i.business_case is None]
    growth = len(WAVE_GROWTH)
    scores_at, indicators_at, wave_at = 10, 11 + growth, 12 + growth
    no_scores = (None,) * len(keys)
    no_indicators = (None,) * len(indicators)
    no_means = (None,) * len(blocks)
    take_scores = itemgetter(*keys) if len(keys) > 1 else lambda d: (d[keys[0]],)
    rounded = _Rounded()
    parse = json.JSONDecoder(parse_float=rounded.__getitem__, parse_int=rounded.__getitem__).decode
    to_date = dt.date.fromisoformat
    sql, params = _scans_sql(companies, model_id)
    with transaction.atomic(), connection.chunked_cursor() as scans, connection.cursor() as cursor:
        scans.execute(sql, params)
        while chunk := scans.fetchmany(chunk_size):
            # The chunk's companies as a range of ids (the scans come in company order); rows of other companies
            # in that range are never looked up (only the chunk's own wave ids are).
            counts, means = _employees(cursor, chunk[0][0], chunk[-1][0], model_id, blocks, employees_min)
            for row in chunk:
                text = row[scores_at]
                if text is None:
                    own: tuple[Any, ...] = no_scores
                else:
                    stored = parse(text)
                    try:
                        own = take_scores(stored)
                    except KeyError:  # a model version without some of the current version's blocks
                        own = tuple(map(stored.get, keys))
                found = row[indicators_at]
                if not found or found == "{}":
                    level_indicators: tuple[Any, ...] = no_indicators
                else:
                    by_id = json.loads(found) or {}
                    level_indicators = tuple(_number(by_id.get(i)) for i in indicators)
                day = row[6]
                wave_id = row[wave_at]
                n_employees = counts.get(wave_id, 0)
                yield (
                    *row[:6],
                    to_date(day) if isinstance(day, str) else day,
                    *row[7:scores_at],
                    *own,
                    *row[scores_at + 1 : indicators_at],
                    *level_indicators,
                    n_employees if n_employees >= employees_min else None,
                    *means.get(wave_id, no_means),
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
