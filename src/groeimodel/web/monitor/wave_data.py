"""The organisation's wave data at block level, streamed from the database for the exports (the beheerder's).

One row per submitted management scan of one model: the company's internal number and its sector, size class,
province and founding year; the wave's number and date; the model id and version; the ladder position; every level
and block score; the wave's growth figures and level indicators; and the employees' answers only as suppressed
aggregates (their number and their mean per block when at least ``GROEIMODEL_EMPLOYEES_MIN`` of them have a
score there, else empty). The company's name and KvK number are left out: a researcher needs to follow a firm
over its waves, not to know which firm it is (data minimisation); the beheerder can look a number up in the app.

The scans are read with one SQL query (a plain DB-API cursor: on PostgreSQL a server-side cursor, in one read-only
transaction so that every chunk sees the same data) in company order, with each scan's level and block scores
from ``Response.scores`` (one mapping per scan, written on submit and rounded as the exports write them: no
pivoting of the score rows). Per chunk of scans two small queries read the employees' aggregates for the chunk's
range of company ids (an index range, not a list of thousands of ids), so memory stays flat however many waves
there are; a thread reads the next chunk while the last is written.

The CSV on PostgreSQL does not go through those rows: the database writes its lines itself (``COPY ... TO STDOUT
(FORMAT csv)``, every cell already the text the csv module would write for the row's value), in two parts by
company id side by side in connections of their own and one snapshot, so that both cores work on it and this
process only zips (:func:`copy_csv_body`; at 1,000,000 waves 70 s became 17–25 s, bench/README.md).
XLSX, Parquet and SPSS, and every format on SQLite, are written from the rows. A test holds the two to the same
bytes.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import queue
import tempfile
import threading
from collections.abc import Iterator, Sequence
from typing import IO, Any, TypeVar

import psycopg
import psycopg.sql
from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet

from groeimodel.model import DEFAULT_MODEL, load_model
from groeimodel.monitor.codebook import Lang
from groeimodel.monitor.export import FORMULA_START, Cell, ExportTable, Format, round_score, write_export
from groeimodel.monitor.variables import WAVE_GROWTH, wave_variables
from groeimodel.web.accounts.models import Organisation
from groeimodel.web.companies.models import Company
from groeimodel.web.scans.models import Respondent, Response, ScoreRow, Wave, score_key

_T = TypeVar("_T")

CHUNK_SIZE = 2000
# The CSV on PostgreSQL in this many parts by company id, each written by the database in a connection of its own
# side by side (bench/README.md: two cores for the database's work instead of one).
COPY_PARTS = 2


def scans_to_export(companies: QuerySet[Company], model_id: str) -> QuerySet[Response]:
    """The submitted management scans of ``model_id`` of ``companies``, by company and wave number."""
    return Response.objects.filter(
        wave__company__in=companies,
        respondent=Respondent.MANAGEMENT,
        status=Response.Status.SUBMITTED,
        model_id=model_id,
    ).order_by("wave__company_id", "wave__number", "pk")


def _number(value: Any) -> float | None:
    """A level indicator's JSON value as a number: JSON numbers only (what the wave form stores), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


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
    by_wave: dict[int, dict[str, float | None]] = {}
    for wave_id, block, n, mean in cursor.fetchall():
        if n >= employees_min and mean is not None:
            by_wave.setdefault(wave_id, {})[block] = round_score(float(mean))
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
                    *row[10:growth_at],
                    *row[growth_at:indicators_at],
                    *level_indicators,
                    n_employees if n_employees >= employees_min else None,
                    *means.get(wave_id, no_means),
                )


# The CSV on PostgreSQL, written by the database: COPY (SELECT ...) TO STDOUT (FORMAT csv) with every cell already
# the text the csv module writes for the value wave_rows yields. A number is Python's repr of its float, which for
# a decimal of at most 15 significant digits (a score as stored, rounded to 4 decimals on submit; a growth figure of
# numeric(14, 2); an indicator of the form's 14 digits; an employees' mean rounded as round_score does) is that
# decimal without trailing zeros, and with ".0" when it is whole. Text is neutralised as csv_chunks does; a date is
# YYYY-MM-DD. This process only turns PostgreSQL's "\n" line ends into "\r\n" and zips.


def _py_number(x: str) -> str:
    """SQL: the numeric ``x`` as the text of Python's repr of ``float(x)`` (see above)."""
    return f"CASE WHEN {x} = trunc({x}) THEN trunc({x})::text || '.0' ELSE trim_scale({x})::text END"


def _py_fixed(x: str) -> str:
    """SQL: as :func:`_py_number`, for a numeric column with a scale of at least 1 (its text always has a point):
    the trailing zeros cut off as text, which costs the database less than numeric arithmetic."""
    cut = f"rtrim({x}::text, '0')"
    return f"CASE WHEN right({cut}, 1) = '.' THEN {cut} || '0' ELSE {cut} END"


def _neutralised_sql(x: str) -> str:
    """SQL: the text ``x`` as :func:`~groeimodel.monitor.export.neutralise` makes it."""
    starts = ", ".join("E'" + c.replace("\\", "\\\\").replace("'", "\\'").replace("\t", "\\t").replace("\r", "\\r")
                       + "'" for c in FORMULA_START)  # fmt: skip
    return f"CASE WHEN left({x}, 1) IN ({starts}) THEN E'\\'' || {x} ELSE {x} END"


class _Bound:
    """A part's first or last company id in :func:`_copy_sql`'s parameters, filled in per part."""


FIRST, LAST = _Bound(), _Bound()


def _copy_sql(companies: QuerySet[Company], model_id: str, employees_min: int) -> tuple[str, list[Any]]:
    """The COPY statement of one part (its company ids from FIRST to LAST) and its parameters."""
    qn = connection.ops.quote_name
    model = load_model(model_id)
    blocks = [b.id for b in model.blocks]
    keys = [score_key(lv.level, "") for lv in model.levels] + [score_key(b.level, b.id) for b in model.blocks]
    indicators = [i.id for lv in model.levels for i in lv.indicators if i.business_case is None]
    within, within_params = companies.values("pk").query.sql_with_params()
    response, wave, company = Response._meta.db_table, Wave._meta.db_table, Company._meta.db_table
    text = [_neutralised_sql(f"c.{f}") for f in ("sbi_section", "size_class", "province")]
    scores = [f"s.{qn(k)}" for k in keys]  # the stored text (rounded on submit)
    record = ", ".join(f"{qn(k)} TEXT" for k in keys)
    growth = [_py_fixed(f"w.{f}") for f, _nl, _en in WAVE_GROWTH]  # numeric(p, 1 or 2) (scans.models.Wave)
    picked = ", ".join(f"w.level_indicators -> %s AS i{k}" for k in range(len(indicators)))
    indicator_cells = [
        f"CASE WHEN jsonb_typeof(li.i{k}) = 'number' THEN {_py_number(f'(li.i{k})::numeric')} END"
        for k in range(len(indicators))
    ]
    means = [
        f"CASE WHEN e.{qn('n_' + b)} >= %s AND e.{qn('m_' + b)} IS NOT NULL THEN "
        + _py_number(f"round(e.{qn('m_' + b)}::text::numeric, 4)")
        + " END"  # as round_score rounds
        for b in blocks
    ]
    aggregates = ", ".join(
        f"COUNT(sr.score) FILTER (WHERE sr.block = %s) AS {qn('n_' + b)}, "
        f"AVG(sr.score ORDER BY sr.id) FILTER (WHERE sr.block = %s) AS {qn('m_' + b)}"
        for b in blocks
    )
    columns = [
        "w.company_id", *text, "c.founding_year", "w.number", "w.date",
        _neutralised_sql("r.model_id"), _neutralised_sql("r.model_version"), "r.position", *scores, *growth,
        *indicator_cells, "CASE WHEN COALESCE(n.n, 0) >= %s THEN COALESCE(n.n, 0) END", *means,
    ]  # fmt: skip
    part = "w.company_id >= %s AND w.company_id <= %s"
    # The employees' aggregates as wave_rows reads them per chunk (_employees), here per part; their score rows
    # through the index by response (OFFSET 0 keeps the planner from reading all score rows to join them).
    sql = f"""COPY (
        WITH employees AS (
            SELECT r.id, r.wave_id, r.status, r.model_id FROM {response} r JOIN {wave} w ON w.id = r.wave_id
            WHERE {part} AND w.company_id IN ({within}) AND r.respondent = %s
        ), n AS (
            SELECT wave_id, COUNT(id) AS n FROM employees WHERE status = %s GROUP BY wave_id
        ), e AS (
            SELECT r.wave_id, {aggregates} FROM employees r
            CROSS JOIN LATERAL (
                SELECT sr.id, sr.block, sr.score FROM {ScoreRow._meta.db_table} sr
                WHERE sr.response_id = r.id AND sr.block <> '' OFFSET 0
            ) AS sr
            WHERE r.model_id = %s
            GROUP BY r.wave_id
        )
        SELECT {", ".join(columns)}
        FROM {response} r
        JOIN {wave} w ON w.id = r.wave_id
        JOIN {company} c ON c.id = w.company_id
        LEFT JOIN LATERAL jsonb_to_record(r.scores) AS s({record}) ON true
        CROSS JOIN LATERAL (SELECT {picked or "NULL AS none"}) AS li
        LEFT JOIN n ON n.wave_id = w.id
        LEFT JOIN e ON e.wave_id = w.id
        WHERE r.respondent = %s AND r.status = %s AND r.model_id = %s AND {part} AND w.company_id IN ({within})
        ORDER BY w.company_id, w.number, r.id
    ) TO STDOUT (FORMAT csv)"""
    params: list[Any] = [  # in the order of their placeholders in the text above
        FIRST, LAST, *within_params, Respondent.EMPLOYEE.value, Response.Status.SUBMITTED.value,
        *[b for b in blocks for _ in range(2)], model_id,
        employees_min, *[employees_min for _ in blocks], *indicators,
        Respondent.MANAGEMENT.value, Response.Status.SUBMITTED.value, model_id, FIRST, LAST, *within_params,
    ]  # fmt: skip
    return sql, params


def _crlf(block: bytes) -> bytes:
    """PostgreSQL's CSV lines (``\\n``) as csv_chunks writes them (``\\r\\n``). In a block without a quote no field
    holds a line break: a replace does. Otherwise the lines are read and written again by the csv module (which
    also writes an empty text, quoted by PostgreSQL, as nothing, as it does for None)."""
    if b'"' not in block:
        return block.replace(b"\n", b"\r\n")
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(csv.reader(io.StringIO(block.decode(), newline="")))
    return out.getvalue().encode()


def _copy_part(raw: Any, sql: str, params: Sequence[Any], chunk_rows: int) -> Iterator[bytes]:
    """The CSV lines of one part as csv_chunks writes them, in blocks of ``chunk_rows`` lines."""
    with psycopg.ClientCursor(raw) as cursor, cursor.copy(sql, params) as copy:
        lines: list[Any] = []
        for line in copy:  # one message per row
            lines.append(line)
            if len(lines) >= chunk_rows:
                yield _crlf(b"".join(lines))
                lines.clear()
        if lines:
            yield _crlf(b"".join(lines))


def _bounds(cursor: Any, companies: QuerySet[Company], parts: int) -> list[tuple[int, int]]:
    """``parts`` ranges of company ids with about as many companies each (fewer when there are few companies)."""
    within, params = companies.values("pk").query.sql_with_params()
    fractions = ", ".join(str(i / parts) for i in range(1, parts))
    cuts = f"percentile_disc(ARRAY[{fractions}]::float8[]) WITHIN GROUP (ORDER BY id)" if parts > 1 else "NULL"
    cursor.execute(f"SELECT MIN(id), MAX(id), {cuts} FROM ({within}) AS ids(id)", params)
    first, last, inner = cursor.fetchone()
    if first is None:
        return []
    edges = sorted({first - 1, *(inner or []), last})
    return list(zip([e + 1 for e in edges[:-1]], edges[1:], strict=True))


# Each part's transaction: no JIT (compiling costs seconds and saves nothing here), dates and floats as text in one
# form whatever the server's settings (ISO dates; the shortest float text that reads back the same, as Python's
# repr), and memory for a part's hashes and sort (at 1,000,000 waves a part's sort still goes to disk; 600 MB
# measured no faster than 256 MB).
_COPY_SETTINGS = (
    "SET LOCAL jit = off",
    "SET LOCAL DateStyle = 'ISO, YMD'",
    "SET LOCAL extra_float_digits = 1",
    "SET LOCAL work_mem = '256MB'",
    # Left to itself the planner sorts a part's wide rows by company to merge them with the companies; hashing the
    # companies costs the database less (about 2 s of a part's 15-20 s at 1,000,000 waves, in three pairs of runs).
    "SET LOCAL enable_mergejoin = off",
)
_SPOOL_READ = 1 << 20


def _spool_part(
    snapshot: str, sql: str, params: list[Any], spool: IO[bytes], errors: list[BaseException], chunk_rows: int
) -> None:
    """One part written to ``spool`` through a connection of its own in the exporting transaction's snapshot."""
    try:
        raw = connection.get_new_connection(connection.get_connection_params())
        try:
            raw.autocommit = True
            raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            raw.execute(psycopg.sql.SQL("SET TRANSACTION SNAPSHOT {}").format(psycopg.sql.Literal(snapshot)))
            for setting in _COPY_SETTINGS:
                raw.execute(setting)
            for block in _copy_part(raw, sql, params, chunk_rows):
                spool.write(block)
            raw.execute("COMMIT")
        finally:
            raw.close()
    except BaseException as error:  # raised by the reader
        errors.append(error)


def copy_csv_body(
    companies: QuerySet[Company],
    model_id: str,
    *,
    employees_min: int,
    parts: int = COPY_PARTS,
    chunk_rows: int = CHUNK_SIZE,
) -> Iterator[bytes]:
    """The wave data's CSV lines (no header) as :func:`~groeimodel.monitor.export.csv_chunks` writes
    :func:`wave_rows`, written by PostgreSQL: ``parts`` COPY statements by company-id range run side by side, each
    in a connection of its own and all in one snapshot (a read-only repeatable-read transaction whose snapshot the
    others take). The first part streams; the others are spooled to temporary files until it is their turn."""
    sql, template = _copy_sql(companies, model_id, employees_min)

    def params(first: int, last: int) -> list[Any]:
        return [first if p is FIRST else last if p is LAST else p for p in template]

    # Inside a transaction already (a test's, a caller's) the other connections would not see its writes, nor could
    # it become repeatable read: then one part, in that transaction.
    nested = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if not nested:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        for setting in _COPY_SETTINGS:
            cursor.execute(setting)
        ranges = _bounds(cursor, companies, 1 if nested else parts)
        snapshot = ""
        if len(ranges) > 1:
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
        spools: list[tuple[threading.Thread, IO[bytes], list[BaseException]]] = []
        with contextlib.ExitStack() as files:
            try:
                for first, last in ranges[1:]:
                    spool = files.enter_context(tempfile.TemporaryFile(prefix="groeimodel-wave-data-"))
                    errors: list[BaseException] = []
                    worker = threading.Thread(
                        target=_spool_part, args=(snapshot, sql, params(first, last), spool, errors, chunk_rows),
                        name="wave-data-part", daemon=True,
                    )  # fmt: skip
                    spools.append((worker, spool, errors))
                    worker.start()
                if ranges:
                    yield from _copy_part(connection.connection, sql, params(*ranges[0]), chunk_rows)
                for worker, spooled, failed in spools:
                    worker.join()
                    if failed:
                        raise failed[0]
                    spooled.seek(0)
                    while block := spooled.read(_SPOOL_READ):
                        yield block
            finally:  # every part has stopped before its file is closed (a reader that stops early waits for them)
                for worker, _spool, _errors in spools:
                    worker.join()


def wave_table(
    companies: QuerySet[Company], model_id: str, *, employees_min: int, chunk_size: int = CHUNK_SIZE
) -> ExportTable:
    """The wave data of ``companies`` for ``model_id`` as an exportable table (rows read lazily)."""
    model = load_model(model_id)
    body = None
    if connection.vendor == "postgresql":

        def body() -> Iterator[bytes]:
            return copy_csv_body(
                companies, model_id, employees_min=employees_min, parts=COPY_PARTS, chunk_rows=chunk_size
            )

    return ExportTable(
        f"metingen-{model_id}",
        wave_variables(model, employees_min=employees_min),
        wave_rows(companies, model_id, employees_min=employees_min, chunk_size=chunk_size),
        f"Metingen op bouwsteenniveau, model {model_id}: één rij per ingediende scan van de eigenaar of directie.",
        f"Waves at building-block level, model {model_id}: one row per submitted owner's or management scan.",
        csv_body=body,
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
