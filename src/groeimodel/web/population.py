"""A large synthetic population in the database: ``groeimodel demo --companies N``.

The firms, their waves and their answers are drawn by :mod:`groeimodel.population` (numpy, seeded); the answers are
scored with the core's batch scorer (:func:`groeimodel.scoring.score_batch`), so every stored result, score row and
position follows the scoring contract exactly as a submitted scan would. What is stored per submitted response is
what the app shows and aggregates: the response with its result JSON and position, and its score rows (levels and
blocks). The answers themselves are stored for a share of the responses only (``answers_share``, default 2%):
storing 60 answers for each response would make the answer rows three times the score rows and the load 2.4 times
as long (measured in bench/README.md). The score rows' and answers' plain indexes are dropped during the load and
made again at its end; on SQLite the foreign keys are not checked row by row (the rows are consistent by
construction), on PostgreSQL they are. Load into a database nobody uses at the same time: the score row table is
locked until the load commits.

Rows are written in bulk, bypassing the ORM's per-object work: ``executemany`` on SQLite, ``COPY`` on PostgreSQL,
with ids handed out here (the sequences are set right afterwards). Everything happens in one transaction: a load
that fails leaves nothing behind. The companies are recognisable as synthetic: their names start with
``SYNTHETIC_PREFIX``, they have no KvK number, and they belong to their own organisation.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils.text import slugify

from groeimodel.model import DEFAULT_MODEL, Model, load_model
from groeimodel.monitor.export import round_score
from groeimodel.population import (
    Firms,
    employee_block_means,
    management_block_means,
    sample_answers,
    sample_firms,
    sample_traits,
)
from groeimodel.scoring import BatchResult, advise, score_batch
from groeimodel.web.accounts.models import Organisation
from groeimodel.web.companies.models import SBI_VERSION, Company
from groeimodel.web.demo import DemoLogin
from groeimodel.web.scans import cells
from groeimodel.web.scans.latest import monitor_scans_sql
from groeimodel.web.scans.models import Answer, MonitorCell, MonitorScan, Response, ScoreRow, Wave, score_key

SYNTHETIC_PREFIX = "Synthetisch"
DEFAULT_ORGANISATION = "Monitor demo"
CHUNK_FIRMS = 2_000
NAME_WORDS = ("Bakkerij", "Metaal", "Zorg", "Transport", "Software", "Installatie", "Bouw", "Ontwerp", "Handel",
              "Techniek", "Groen", "Logistiek", "Advies", "Print", "Voeding", "Energie")  # fmt: skip
NAME_PLACES = ("Noord", "Zuid", "Oost", "West", "Delta", "Kempen", "Veluwe", "Wad", "Maas", "Rijn", "Linde")


@dataclass(frozen=True)
class PopulationSummary:
    organisation: Organisation
    companies: int
    waves: int
    management_responses: int
    employee_responses: int
    score_rows: int
    answers: int
    seconds: float


class _Rows:
    """Bulk writer on the default connection: ``COPY`` on PostgreSQL, ``executemany`` elsewhere."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"

    def write(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        qn = connection.ops.quote_name
        cols = ", ".join(qn(c) for c in columns)
        with connection.cursor() as cursor:
            if self.postgres:
                raw = cursor.cursor
                with raw.copy(f"COPY {qn(table)} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {qn(table)} ({cols}) VALUES ({marks})", list(rows))

    def plain_indexes(self, table: str) -> list[tuple[str, str]]:
        """The table's indexes that are neither its primary key nor unique: (name, the SQL that creates it)."""
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
            else:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                    [table],
                )
            found = cursor.fetchall()
        return [(name, sql) for name, sql in found if "UNIQUE" not in sql.upper()]

    def without_indexes(self, table: str) -> list[tuple[str, str]]:
        """Drop the table's plain indexes (to be made again by :meth:`restore_indexes`): at millions of rows
        building an index once is the usual faster way than keeping it current row by row (not measured apart
        here). Inside the load's transaction, so the table is locked until the load commits."""
        dropped = self.plain_indexes(table)
        with connection.cursor() as cursor:
            for name, _sql in dropped:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        return dropped

    def restore_indexes(self, indexes: Sequence[tuple[str, str]]) -> None:
        with connection.cursor() as cursor:
            for _name, sql in indexes:
                cursor.execute(sql)

    def next_id(self, model: type[Any]) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX({connection.ops.quote_name('id')}) FROM {model._meta.db_table}")
            (highest,) = cursor.fetchone()
        return int(highest or 0) + 1

    def reset_sequences(self, models: Sequence[type[Any]]) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), list(models))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def add_monitor_users(organisation: Organisation) -> list[DemoLogin]:
    """A beheerder and an analist for an organisation without users, to look at the monitor; random passwords,
    returned once."""
    from groeimodel.web.accounts.models import Membership
    from groeimodel.web.accounts.services import create_user

    if Membership.objects.filter(organisation=organisation).exists():
        return []
    logins = []
    for kind in ("beheerder", "analist"):  # the two roles that see the monitor
        username = f"{organisation.slug}-{kind}"
        password = secrets.token_urlsafe(12)
        create_user(organisation=organisation, username=username, password=password, role=kind)
        logins.append(DemoLogin(kind, organisation.slug, username, password))
    return logins


def _opt(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


class _ResultJson:
    """The result JSON of row ``i`` of a batch: the same text as ``json.dumps(batch.scan(i).to_dict("nl"))`` (a
    test holds them equal), built from pieces made once per model, about ten times faster. The advice is chosen
    by the core's :func:`~groeimodel.scoring.advise`."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.band_ids = [b.id for b in model.bands]
        head = json.dumps({"id": model.id, "version": model.version})
        self.head = '{"model": ' + head + ', "position": '
        self.levels = [(lv.level, [(b.index, json.dumps(b.id), len(b.item_indices)) for b in
                                   model.level_blocks(lv.level)]) for lv in model.levels]  # fmt: skip

    @staticmethod
    def _num(x: float) -> str:
        return "null" if x != x else repr(x)

    def _band(self, j: int) -> str:
        return "null" if j < 0 else '"' + self.band_ids[j] + '"'

    def all(self, batch: BatchResult) -> list[str]:
        """Every row's result JSON. Scores take few distinct values (means of four answers), so the text of a
        block, a level and the advice is made once per distinct value and then looked up."""
        num, band = self._num, self._band
        n_levels = len(self.model.levels)
        block_text: dict[tuple[int, float, int], str] = {}
        level_text: dict[tuple[Any, ...], str] = {}
        advice_text: dict[tuple[Any, ...], str] = {}
        out = []
        rows = zip(
            batch.block_scores.tolist(),
            batch.block_bands.tolist(),
            batch.block_answered.tolist(),
            batch.level_scores.tolist(),
            batch.level_bands.tolist(),
            batch.achieved.tolist(),
            batch.position.tolist(),
            strict=True,
        )
        for block_scores, block_bands, answered, level_scores, level_bands, achieved, position in rows:
            levels = []
            for li, (level, blocks) in enumerate(self.levels):
                parts = []
                for bi, bid, items in blocks:
                    key = (bi, block_scores[bi], answered[bi])
                    text = block_text.get(key)
                    if text is None:
                        text = (
                            '{"id": ' + bid + ', "score": ' + num(block_scores[bi]) + ', "band": '
                            + band(block_bands[bi]) + ', "answered": ' + str(answered[bi]) + ', "items": '
                            + str(items) + "}"
                        )  # fmt: skip
                        block_text[key] = text
                    parts.append(text)
                lkey = (li, level_scores[li], achieved[li], *parts)
                text = level_text.get(lkey)
                if text is None:
                    text = (
                        '{"level": ' + str(level) + ', "score": ' + num(level_scores[li]) + ', "band": '
                        + band(level_bands[li]) + ', "achieved": ' + ("true" if achieved[li] else "false")
                        + ', "blocks": [' + ", ".join(parts) + "]}"
                    )  # fmt: skip
                    level_text[lkey] = text
                levels.append(text)
            next_level = position + 1 if position < n_levels else None
            akey: tuple[Any, ...] = (next_level,)
            if next_level is not None:
                akey += tuple(block_scores[bi] for bi, _bid, _items in self.levels[next_level - 1][1])
            advice = advice_text.get(akey)
            if advice is None:
                by_id = {b.id: _opt(block_scores[b.index]) for b in self.model.blocks}
                advice = ", ".join(
                    json.dumps(
                        {"level": a.level, "block": a.block, "score": a.score, "band": a.band, "text": a.text.get("nl")}
                    )
                    for a in advise(self.model, next_level, by_id)
                )
                advice_text[akey] = advice
            out.append(
                self.head + str(position) + ', "next_level": ' + ("null" if next_level is None else str(next_level))
                + ', "levels": [' + ", ".join(levels) + '], "advice": [' + advice + "]}"
            )  # fmt: skip
        return out


def _companies(
    rows: _Rows, firms: Firms, start: int, stop: int, first_id: int, org_id: int, now: Any, offset: int
) -> None:
    adapt = connection.ops.adapt_datetimefield_value
    created = adapt(now)
    table = Company._meta.db_table
    columns = ("id", "organisation_id", "name", "kvk_number", "sbi_section", "sbi_version", "employees",
               "size_class", "province", "founding_year", "created_at", "archived_at")  # fmt: skip
    data = []
    for j in range(start, stop):
        number = offset + j + 1
        name = (
            f"{SYNTHETIC_PREFIX} {NAME_WORDS[number % len(NAME_WORDS)]} "
            f"{NAME_PLACES[(number // len(NAME_WORDS)) % len(NAME_PLACES)]} {number:06d}"
        )
        data.append((first_id + j, org_id, name, "", str(firms.sbi_section[j]), SBI_VERSION,
                     int(firms.employees[j]), str(firms.size_class[j]), str(firms.province[j]),
                     int(firms.founding_year[j]), created, None))  # fmt: skip
    rows.write(table, columns, data)


def load_population(
    *,
    companies: int,
    waves: float = 5.0,
    seed: int = 2026,
    organisation: str = DEFAULT_ORGANISATION,
    model_id: str = DEFAULT_MODEL,
    answers_share: float = 0.02,
    employee_share: float = 0.02,
    progress: Callable[[int], None] | None = None,
) -> PopulationSummary:
    """Add ``companies`` synthetic firms with about ``waves`` waves each to the organisation named
    ``organisation`` (created when missing). ``employee_share`` of the waves get an employee round with 5 to 8
    answers. ``progress`` is called with the number of companies written so far, after every chunk."""
    if companies < 1:
        raise ValueError("companies must be at least 1")
    if waves < 1:
        raise ValueError("waves must be at least 1")
    started = time.perf_counter()
    model = load_model(model_id)
    rng = np.random.default_rng(seed)
    firms = sample_firms(rng, companies, waves)
    traits = sample_traits(rng, model, companies)
    result_json = _ResultJson(model)
    rows = _Rows()
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    counts = {"waves": 0, "management": 0, "employee": 0, "score_rows": 0, "answers": 0}
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # a big page cache: the score rows' indexes grow by millions of rows
            cursor.execute("PRAGMA cache_size = -262144")
    # The rows are consistent by construction (ids handed out here); checking every foreign key of millions of
    # rows row by row would be most of SQLite's time. PostgreSQL checks them (constraints stay on there).
    with connection.constraint_checks_disabled(), transaction.atomic():
        org, _created = Organisation.objects.get_or_create(
            name=organisation, defaults={"slug": slugify(organisation) or "monitor-demo"}
        )
        offset = Company.objects.filter(organisation=org, name__startswith=SYNTHETIC_PREFIX).count()
        if rows.postgres:
            # Django's foreign keys are deferred to the commit; checked at once instead, nothing piles up in the
            # queue of pending checks and the indexes can be made again inside this transaction.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        ids = {m: rows.next_id(m) for m in (Company, Wave, Response, ScoreRow, Answer)}
        dropped = rows.without_indexes(ScoreRow._meta.db_table) + rows.without_indexes(Answer._meta.db_table)
        for start in range(0, companies, CHUNK_FIRMS):
            stop = min(start + CHUNK_FIRMS, companies)
            _companies(rows, firms, start, stop, ids[Company], org.pk, now, offset)
            _chunk(rows, model, rng, firms, traits, start, stop, ids, now, answers_share, employee_share,
                   result_json, counts)  # fmt: skip
            if progress is not None:
                progress(stop)
        ids[Company] += companies
        rows.restore_indexes(dropped)
        rows.reset_sequences([Company, Wave, Response, ScoreRow, Answer])
        with connection.cursor() as cursor:  # the monitor's table, from the flags written above
            for sql in monitor_scans_sql(connection.vendor) + cells.rebuild_sql():
                cursor.execute(sql)
    # Fresh statistics, so that the planner knows the tables' new sizes at the first query, not at the next
    # autovacuum (PostgreSQL) or never (SQLite). On PostgreSQL outside a transaction also VACUUM: it marks the
    # pages all-visible, which lets the monitor read the level rows from the covering index alone.
    vacuum = rows.postgres and not connection.in_atomic_block
    with connection.cursor() as cursor:
        for table in (Company._meta.db_table, Wave._meta.db_table, Response._meta.db_table, ScoreRow._meta.db_table,
                      MonitorScan._meta.db_table, MonitorCell._meta.db_table):  # fmt: skip
            cursor.execute(f"{'VACUUM ANALYZE' if vacuum else 'ANALYZE'} {connection.ops.quote_name(table)}")
    return PopulationSummary(
        organisation=org,
        companies=companies,
        waves=counts["waves"],
        management_responses=counts["management"],
        employee_responses=counts["employee"],
        score_rows=counts["score_rows"],
        answers=counts["answers"],
        seconds=time.perf_counter() - started,
    )


def _chunk(
    rows: _Rows,
    model: Model,
    rng: np.random.Generator,
    firms: Firms,
    traits: Any,
    start: int,
    stop: int,
    ids: dict[type[Any], int],
    now: Any,
    answers_share: float,
    employee_share: float,
    result_json: _ResultJson,
    counts: dict[str, int],
) -> None:
    """The waves, responses, score rows and some answers of firms ``start..stop``."""
    adapt_dt = connection.ops.adapt_datetimefield_value
    adapt_date = connection.ops.adapt_datefield_value
    firm = np.repeat(np.arange(start, stop), firms.n_waves[start:stop])
    wave_starts = np.concatenate(([0], np.cumsum(firms.n_waves[start:stop])[:-1]))
    number = np.arange(len(firm)) - np.repeat(wave_starts, firms.n_waves[start:stop])
    dates = firms.first_day[firm] + (firms.interval_days[firm] * number).astype("timedelta64[D]")
    dates = dates + rng.integers(-20, 21, len(firm)).astype("timedelta64[D]")
    dates = np.minimum(dates, np.datetime64("2026-11-30"))
    means = management_block_means(rng, model, firms, traits, firm, number)
    answers = sample_answers(rng, model, means)
    batch = score_batch(model, answers)
    n = len(firm)
    wave_ids = ids[Wave] + np.arange(n)
    response_ids = ids[Response] + np.arange(n)
    company_ids = ids[Company] + firm
    ids[Wave] += n
    ids[Response] += n

    # Growth figures that go with the position: a firm higher on the ladder grows a little faster.
    position = batch.position.astype(np.float64)
    yearly = firms.growth[firm] + 0.015 * position + rng.normal(0.0, 0.03, n)
    log_factor = np.log1p(np.clip(yearly, -0.5, 1.0))
    log_factor[number == 0] = 0.0
    cumulative = np.cumsum(log_factor)
    cumulative -= np.repeat(cumulative[wave_starts], firms.n_waves[start:stop])
    employees = firms.employees[firm].astype(np.float64)
    revenue = employees * 95_000 * np.exp(cumulative) * rng.lognormal(0.0, 0.25, n)
    fte = employees * 0.85 * np.exp(cumulative / 2)
    added = revenue * (0.36 + 0.02 * position)
    profit = revenue * (0.02 + 0.012 * position + rng.normal(0.0, 0.03, n))
    export = np.clip(6 + 4 * position + rng.normal(0.0, 6.0, n), 0, 100)

    # The flags the monitor counts by (scans.latest): the firm's last wave, and its last wave in each year.
    year = dates.astype("datetime64[Y]").astype(np.int64)
    last_of_firm = np.ones(n, dtype=bool)
    last_of_firm[:-1] = firm[1:] != firm[:-1]
    last_in_year = last_of_firm.copy()
    last_in_year[:-1] |= year[1:] != year[:-1]
    wave_rows: list[tuple[Any, ...]] = []
    response_rows: list[tuple[Any, ...]] = []
    results = result_json.all(batch)
    scores = _scores_json(model, batch)
    for k in range(n):
        day = dt.date.fromisoformat(str(dates[k]))
        moment = dt.datetime(day.year, day.month, day.day, 10, tzinfo=dt.UTC)
        wave_rows.append((
            int(wave_ids[k]), int(company_ids[k]), int(number[k]), adapt_date(day), model.id, model.version, None,
            adapt_dt(moment), f"{fte[k]:.1f}", f"{revenue[k]:.2f}", f"{added[k]:.2f}", f"{profit[k]:.2f}",
            f"{export[k]:.2f}", "{}",
        ))  # fmt: skip
        pos = int(batch.position[k])
        response_rows.append((
            int(response_ids[k]), int(wave_ids[k]), "management", None, model.id, model.version,
            model.content_hash, "submitted", None, adapt_dt(moment), adapt_dt(moment), adapt_dt(moment), pos,
            pos + 1 if pos < len(model.levels) else None, results[k], bool(last_of_firm[k]), bool(last_in_year[k]),
            scores[k],
        ))  # fmt: skip

    # Employee rounds: 5 to 8 anonymous answers on a share of the waves.
    with_round = np.flatnonzero(rng.random(n) < employee_share)
    per_round = rng.integers(5, 9, len(with_round))
    emp_wave = np.repeat(with_round, per_round)
    emp_means = employee_block_means(rng, means[emp_wave])
    emp_answers = sample_answers(rng, model, emp_means, noise=0.85)
    emp_batch = score_batch(model, emp_answers)
    m = len(emp_wave)
    emp_ids = ids[Response] + np.arange(m)
    ids[Response] += m
    leads = rng.random(m) < 0.25
    emp_results = result_json.all(emp_batch)
    emp_scores = _scores_json(model, emp_batch)
    for k in range(m):
        w = int(emp_wave[k])
        day = dt.date.fromisoformat(str(dates[w]))
        answered_at = adapt_dt(dt.datetime(day.year, day.month, day.day, 14, tzinfo=dt.UTC) + dt.timedelta(days=7))
        pos = int(emp_batch.position[k])
        response_rows.append((
            int(emp_ids[k]), int(wave_ids[w]), "employee", bool(leads[k]), model.id, model.version,
            model.content_hash, "submitted", None, answered_at, answered_at, answered_at, pos,
            pos + 1 if pos < len(model.levels) else None, emp_results[k], False, False, emp_scores[k],
        ))  # fmt: skip

    rows.write(Wave._meta.db_table,
               ("id", "company_id", "number", "date", "model_id", "model_version", "created_by_id", "created_at",
                "employees_fte", "revenue", "added_value", "profit", "export_share", "level_indicators"),
               wave_rows)  # fmt: skip
    rows.write(Response._meta.db_table,
               ("id", "wave_id", "respondent", "leads_people", "model_id", "model_version", "model_hash", "status",
                "created_by_id", "created_at", "updated_at", "submitted_at", "position", "next_level", "result",
                "latest", "latest_in_year", "scores"),
               response_rows)  # fmt: skip
    score_rows = _score_rows(model, ids, batch, response_ids, wave_ids, company_ids, "management")
    score_rows += _score_rows(model, ids, emp_batch, emp_ids, wave_ids[emp_wave], company_ids[emp_wave], "employee")
    rows.write(
        ScoreRow._meta.db_table,
        ("id", "response_id", "wave_id", "company_id", "respondent", "model_id", "level", "block", "score", "band",
         "achieved"),
        score_rows,
    )  # fmt: skip

    # Answers for a share of the responses (management and employee alike).
    stored = np.flatnonzero(rng.random(n) < answers_share)
    stored_emp = np.flatnonzero(rng.random(m) < answers_share)
    answer_rows: list[tuple[Any, ...]] = []
    item_ids = [item.id for item in model.items]
    stamp = adapt_dt(now)
    for matrix, resp_ids, which in ((answers, response_ids, stored), (emp_answers, emp_ids, stored_emp)):
        for k in which.tolist():
            rid = int(resp_ids[k])
            for j, value in enumerate(matrix[k].tolist()):
                answer_rows.append((ids[Answer], rid, item_ids[j], value or None, stamp))
                ids[Answer] += 1
    if answer_rows:
        rows.write(Answer._meta.db_table, ("id", "response_id", "item_id", "value", "updated_at"), answer_rows)
    counts["waves"] += n
    counts["management"] += n
    counts["employee"] += m
    counts["answers"] += len(answer_rows)
    counts["score_rows"] += len(score_rows)


def _scores_json(model: Model, batch: BatchResult) -> list[str]:
    """Every row's ``Response.scores`` as JSON text: the same as ``json.dumps(score_map(batch.scan(i)))`` (the
    values of :func:`_score_rows` rounded by :func:`round_score`, keyed by :func:`score_key`), joined from pieces
    made once per model."""
    layout: list[tuple[int, int, str]] = []  # (kind 0 level / 1 block, column, '"key": ')
    for li, lv in enumerate(model.levels):
        layout.append((0, li, json.dumps(score_key(lv.level, "")) + ": "))
        layout += [(1, b.index, json.dumps(score_key(lv.level, b.id)) + ": ") for b in model.level_blocks(lv.level)]

    def num(x: float) -> str:  # NaN (no score) is null
        return "null" if x != x else repr(round_score(x))

    out = []
    for levels, blocks in zip(batch.level_scores.tolist(), batch.block_scores.tolist(), strict=True):
        out.append(
            "{" + ", ".join(key + num(levels[col] if kind == 0 else blocks[col]) for kind, col, key in layout) + "}"
        )
    return out


def _score_rows(
    model: Model,
    ids: dict[type[Any], int],
    batch: BatchResult,
    response_ids: Any,
    wave_ids: Any,
    company_ids: Any,
    respondent: str,
) -> list[tuple[Any, ...]]:
    """One row per level (block "") and per block, in the order :func:`store_score_rows` writes them."""
    band_ids = [b.id for b in model.bands]
    layout: list[tuple[int, int, str, int]] = []  # (kind 0 level / 1 block, column, block id, level)
    for li, lv in enumerate(model.levels):
        layout.append((0, li, "", lv.level))
        layout += [(1, b.index, b.id, lv.level) for b in model.level_blocks(lv.level)]
    level_scores = batch.level_scores.tolist()
    level_bands = batch.level_bands.tolist()
    achieved = batch.achieved.tolist()
    block_scores = batch.block_scores.tolist()
    block_bands = batch.block_bands.tolist()
    out: list[tuple[Any, ...]] = []
    next_id = ids[ScoreRow]
    for k in range(len(batch)):
        rid, wid, cid = int(response_ids[k]), int(wave_ids[k]), int(company_ids[k])
        for kind, col, block, level in layout:
            if kind == 0:
                s, bi, ach = level_scores[k][col], level_bands[k][col], achieved[k][col]
            else:
                s, bi, ach = block_scores[k][col], block_bands[k][col], None
            out.append((next_id, rid, wid, cid, respondent, model.id, level, block, _opt(s),
                        band_ids[bi] if bi >= 0 else None, ach))  # fmt: skip
            next_id += 1
    ids[ScoreRow] = next_id
    return out
