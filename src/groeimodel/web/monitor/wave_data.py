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
list of thousands of ids), so memory stays flat however many waves there are. The database takes each score out of
the mapping as a float; the rows are built with as little Python per cell as possible (a score's rounding is
looked up per distinct value), while a thread reads the next chunk (bench/README.md, "wave-data CSV export").
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import queue
import threading
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import IO, Any, TypeVar

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

_T = TypeVar("_T")

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


class _Rounded(dict[float | None, float | None]):
    """A score -> rounded to ``SCORE_DIGITS`` (scores take few distinct values: a hit is a dict lookup, no Python
    call). None stays None."""

    def __missing__(self, score: float | None) -> float | None:
        if score is None:
            return None
        value = round(score, SCORE_DIGITS)
        if score:  # not 0.0 and -0.0: they are equal as keys, but not as text
            if len(self) >= _ROUNDED_MAX:
                self.clear()
            self[score] = value
        return value


def _scans_sql(companies: QuerySet[Company], model_id: str, keys: Sequence[str]) -> tuple[str, list[Any]]:
    """The scans of :func:`scans_to_export` with their company's and wave's columns, in the export's order, and
    their scores of ``keys`` (:func:`~groeimodel.web.scans.models.score_key`) from ``Response.scores`` as floats
    (null where a scan's model version has no such block)."""
    qn = connection.ops.quote_name
    if connection.vendor == "postgresql":
        # All of a scan's scores in one call: the mapping is decompressed once, not once per key.
        text, paths = "::text", []
        scores = ", ".join(f"s.{qn(k)}" for k in keys)
        record = ", ".join(f"{qn(k)} DOUBLE PRECISION" for k in keys)
        lateral = f"LEFT JOIN LATERAL jsonb_to_record(r.scores) AS s({record}) ON true"
    else:
        text, paths, lateral = "", [f'$."{k}"' for k in keys], ""
        scores = ", ".join(["CAST(json_extract(r.scores, %s) AS REAL)"] * len(keys))
    growth = ", ".join(f"CAST(w.{f} AS DOUBLE PRECISION)" for f, _nl, _en in WAVE_GROWTH)
    within, params = companies.values("pk").query.sql_with_params()
    # One management scan per wave (a constraint): the wave number orders a company's scans as r.id would next.
    sql = f"""
        SELECT w.company_id, c.sbi_section, c.size_class, c.province, c.founding_year, w.number, w.date,
               r.model_id, r.model_version, r.position, {scores}, {growth}, w.level_indicators{text}, w.id
        FROM {Response._meta.db_table} r
        JOIN {Wave._meta.db_table} w ON w.id = r.wave_id
        JOIN {Company._meta.db_table} c ON c.id = w.company_id
        {lateral}
        WHERE r.respondent = %s AND r.status = %s AND r.model_id = %s AND w.company_id IN ({within})
        ORDER BY w.company_id, w.number, r.id
    """
    return sql, [*paths, Respondent.MANAGEMENT.value, Response.Status.SUBMITTED.value, model_id, *params]


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
    # The employees' block rows through their responses: the score rows' index by response holds block and
    # score (an index-only read), where the company's index would visit every management row as well. A sum of
    # floats depends on its order (in the last bit, and so a mean on a tie in the 4th decimal): PostgreSQL sums in
    # the order of the rows' ids, as it did when it read them through the company's index (the same CSV bytes at
    # 1,000,000 waves, bench/README.md); SQLite before 3.44 has no ORDER BY in an aggregate.
    order = " ORDER BY sr.id" if connection.vendor == "postgresql" else ""
    cursor.execute(
        f"""SELECT r.wave_id, sr.block, COUNT(sr.score), AVG(sr.score{order}) FROM {Response._meta.db_table} r
            JOIN {Wave._meta.db_table} w ON w.id = r.wave_id
            JOIN {ScoreRow._meta.db_table} sr ON sr.response_id = r.id
            WHERE w.company_id >= %s AND w.company_id <= %s AND r.respondent = %s AND r.model_id = %s
              AND sr.block <> ''
            GROUP BY r.wave_id, sr.block""",
        [first, last, Respondent.EMPLOYEE.value, model_id],
    )
    by_wave: dict[int, dict[str, float]] = {}
    for wave_id, block, n, mean in cursor.fetchall():
        if n >= employees_min and mean is not None:
            by_wave.setdefault(wave_id, {})[block] = round(float(mean), SCORE_DIGITS)
    means = {wave_id: tuple(m.get(b) for b in blocks) for wave_id, m in by_wave.items()}
    return counts, means


def _ahead(chunks: Iterator[_T]) -> Iterator[_T]:
    """``chunks``, each read in a thread of its own while the one before is being written: the database works on
    the next chunk while this process formats the last (two cores instead of one, bench/README.md). The thread
    is the only user of the connection until it has finished; it stops at the next chunk when the reader stops
    early, and its error is raised here."""
    ready: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def work() -> None:
        try:
            for chunk in chunks:
                ready.put((True, chunk))
                if stop.is_set():
                    return
            ready.put((False, None))
        except BaseException as error:  # handed to the reader
            ready.put((False, error))

    worker = threading.Thread(target=work, name="wave-data-reader", daemon=True)
    worker.start()
    try:
        while True:
            more, item = ready.get()
            if not more:
                if item is not None:
                    raise item
                return
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # let it finish the chunk it is on (its put must not block forever)
            with contextlib.suppress(queue.Empty):
                ready.get(timeout=0.1)
        worker.join()


def _scans_cursor() -> Any:
    """A cursor that streams a query's rows: on PostgreSQL a server-side cursor of psycopg's own in binary format
    (the numbers arrive as 8 bytes instead of text to parse: measured 40 % less of this process's CPU for the
    reading), elsewhere Django's chunked cursor."""
    if connection.vendor != "postgresql":
        return connection.chunked_cursor()
    connection.ensure_connection()
    return connection.connection.cursor(name="wave_data", binary=True)


def wave_rows(
    companies: QuerySet[Company], model_id: str, *, employees_min: int, chunk_size: int = CHUNK_SIZE
) -> Iterator[Sequence[Cell]]:
    """The rows of :func:`wave_table`, read chunk by chunk."""
    model = load_model(model_id)
    blocks = [b.id for b in model.blocks]
    keys = [score_key(lv.level, "") for lv in model.levels] + [score_key(b.level, b.id) for b in model.blocks]
    indicators = [i.id for lv in model.levels for i in lv.indicators if i.business_case is None]
    growth_at = 10 + len(keys)
    indicators_at = growth_at + len(WAVE_GROWTH)
    wave_at = indicators_at + 1
    no_indicators = (None,) * len(indicators)
    no_means = (None,) * len(blocks)
    rounded = _Rounded().__getitem__
    to_date = dt.date.fromisoformat
    sql, params = _scans_sql(companies, model_id, keys)
    with transaction.atomic(), _scans_cursor() as scans, connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Compiling the query costs seconds and saves nothing on a plan of index lookups, and a parallel
            # worker costs more to start than a chunk's employee query takes (bench/README.md).
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        scans.execute(sql, params)

        def read() -> Iterator[tuple[list[Any], dict[int, int], dict[int, tuple[float | None, ...]]]]:
            while chunk := scans.fetchmany(chunk_size):
                # The chunk's companies as a range of ids (the scans come in company order); rows of other
                # companies in that range are never looked up (only the chunk's own wave ids are).
                yield chunk, *_employees(cursor, chunk[0][0], chunk[-1][0], model_id, blocks, employees_min)

        for chunk, counts, means in _ahead(read()):
            for row in chunk:
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
                    *row[7:10],
                    *map(rounded, row[10:growth_at]),
                    *row[growth_at:indicators_at],
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
