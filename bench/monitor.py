"""The monitor, the benchmark and the wave export on a national-size population.

Builds (or reuses) a synthetic population of ``--companies`` firms (default 200,000 with 5 waves on average, about
1,000,000 waves) in the database the app is configured with: SQLite in ``GROEIMODEL_DATA_DIR``, or PostgreSQL via
``DATABASE_URL``. Then times, each ``--repeat`` times (median, min, max):

* the monitor page ``/overview/`` by each dimension and each model (the Django test client, the whole view);
* the filtered views (every dimension with a filter on each other one, ``?filter=province:ZH`` and so on), the
  monitor's other pages (every URL named ``overview*`` that takes no argument, with a filter), and every public
  function of :mod:`groeimodel.web.monitor.queries` whose parameters it can fill in;
* one benchmark lookup (:func:`groeimodel.web.scans.benchmark.benchmark_for`) of random firms, after the first one
  that builds the index (timed apart);
* a CSV export of all waves at block level: the app's wave-data export when it exists (a URL named like
  ``*wave*export*`` or ``*wave-data``, as CSV), otherwise a streamed query of all block score rows to CSV the way
  an export would; in a child process, so that its peak memory is its own.

Prints the figures, PASS/FAIL against the targets on PostgreSQL, the peak RSS and the plans (EXPLAIN, ANALYZE on
PostgreSQL) of the queries the figures rely on. Never fails on timing.

    .venv/bin/python bench/monitor.py                              # SQLite in ./var-bench (GROEIMODEL_DATA_DIR)
    scripts/with-postgres.sh .venv/bin/python bench/monitor.py     # a throwaway PostgreSQL
"""

from __future__ import annotations

import argparse
import csv
import inspect
import io
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGETS_MS = {"overview": 500.0, "filtered": 500.0, "benchmark": 50.0, "export": 30_000.0}
EXPORT_MEMORY_MB = 300.0
# One value per dimension for the filtered views (``?filter=<dimension>:<value>``).
FILTERS = {"sbi_section": "M", "size_class": "micro", "province": "ZH", "year": "2024"}


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groeimodel.web.settings")
    os.environ.setdefault("GROEIMODEL_DATA_DIR", str(ROOT / "var-bench"))
    os.environ.setdefault("GROEIMODEL_DEBUG", "false")
    os.environ.setdefault("GROEIMODEL_SECRET_KEY", "bench-" + "x" * 50)
    os.environ.setdefault("GROEIMODEL_ALLOWED_HOSTS", "localhost")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def line(name: str, ms: list[float], target: str | None = None) -> dict[str, Any]:
    med = statistics.median(ms)
    verdict = ""
    if target is not None:
        verdict = "PASS" if med <= TARGETS_MS[target] else "FAIL"
        verdict = f"  target {TARGETS_MS[target]:.0f} ms: {verdict}"
    print(f"{name:<64} median {med:9.1f} ms  min {min(ms):9.1f}  max {max(ms):9.1f}{verdict}", flush=True)
    return {"name": name, "median": med, "min": min(ms), "max": max(ms)}


def population(companies: int, waves: float, organisation: str) -> Any:
    from groeimodel.web.accounts.models import Organisation
    from groeimodel.web.population import SYNTHETIC_PREFIX, load_population

    org = Organisation.objects.filter(name=organisation).first()
    have = org.companies.filter(name__startswith=SYNTHETIC_PREFIX).count() if org else 0
    if have >= companies:
        print(f"reusing {organisation}: {have} synthetic companies", flush=True)
        return org
    print(f"building {companies - have} more companies in {organisation} ...", flush=True)
    summary = load_population(companies=companies - have, waves=waves, organisation=organisation)
    print(f"  {summary}", flush=True)
    return summary.organisation


def a_user(org: Any) -> Any:
    from django.contrib.auth import get_user_model

    from groeimodel.web.accounts.models import Membership
    from groeimodel.web.population import add_monitor_users

    add_monitor_users(org)
    member = Membership.objects.filter(organisation=org, role="beheerder").first()
    assert member is not None, "the organisation needs a beheerder"
    return get_user_model().objects.get(pk=member.user_id)


def plans(label: str, fn: Callable[[], Any]) -> None:
    """EXPLAIN (ANALYZE on PostgreSQL) every query ``fn`` runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    print(f"\n--- plans: {label} ({len(ctx.captured_queries)} queries)", flush=True)
    seen = set()
    for q in ctx.captured_queries:
        sql = q["sql"]
        if sql in seen or not sql.lstrip().upper().startswith("SELECT"):
            continue
        seen.add(sql)
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        print(f"SQL ({q['time']} s): {sql[:600]}{' ...' if len(sql) > 600 else ''}")
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            for row in cursor.fetchall():
                print("   ", " | ".join(str(c) for c in row))


def overview_urls() -> list[str]:
    """Every monitor URL without arguments: /overview/ and whatever the monitor app adds beside it."""
    from django.urls import get_resolver, reverse

    urls = []
    for name in sorted(n for n in get_resolver().reverse_dict if isinstance(n, str) and n.startswith("overview")):
        try:
            urls.append(reverse(name))
        except Exception:  # takes arguments: not a page of its own
            continue
    return urls


def query_functions() -> list[tuple[str, Callable[..., Any]]]:
    from groeimodel.web.monitor import queries

    return [
        (name, fn)
        for name, fn in inspect.getmembers(queries, inspect.isfunction)
        if fn.__module__ == queries.__name__ and not name.startswith("_")
    ]


def call_with(fn: Callable[..., Any], values: dict[str, Any]) -> Callable[[], Any] | None:
    """``fn`` with its parameters filled from ``values`` by name; None when a required one is unknown."""
    from django.db.models import QuerySet

    kwargs = {}
    for p in inspect.signature(fn).parameters.values():
        if p.name in values:
            kwargs[p.name] = values[p.name]
        elif p.default is inspect.Parameter.empty:
            return None

    def run() -> Any:
        result = fn(**kwargs)
        if isinstance(result, QuerySet):  # a building block of the other queries: what it selects, counted
            return result.count()
        if hasattr(result, "__iter__") and not isinstance(result, str | bytes | dict):
            try:
                return list(result)
            except TypeError:
                return result
        return result

    return run


def export_urls() -> list[str]:
    from django.urls import get_resolver, reverse

    out = []
    for name in get_resolver().reverse_dict:
        if isinstance(name, str) and "wave" in name and ("export" in name or name.endswith("wave-data")):
            for kwargs in ({}, {"fmt": "csv"}):
                try:
                    out.append(reverse(name, kwargs=kwargs))
                    break
                except Exception:  # takes other arguments
                    continue
    return out


def block_rows_csv(org: Any) -> Iterator[str]:
    """All waves at block level as CSV lines, streamed from the database: one row per response and block."""
    from groeimodel.web.scans.models import ScoreRow

    fields = ("company_id", "company__sbi_section", "company__size_class", "company__province", "wave__number",
              "wave__date", "respondent", "model_id", "level", "block", "score", "band")  # fmt: skip
    rows = (
        ScoreRow.objects.filter(company__organisation=org)
        .exclude(block="")
        .order_by()
        .values_list(*fields)
        .iterator(chunk_size=20_000)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["company", "sbi_section", "size_class", "province", "wave", "date", "respondent", "model",
                     "level", "block", "score", "band"])  # fmt: skip
    for n, row in enumerate(rows):
        writer.writerow(row)
        if n % 10_000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def export_child(organisation: str) -> None:
    """Run in a child process: the export, timed; prints `export_ms=.. bytes=.. rows=.. how=..`."""
    setup()
    from django.test import Client

    from groeimodel.web.accounts.models import Organisation

    org = Organisation.objects.get(name=organisation)
    urls = export_urls()
    t = time.perf_counter()
    size = 0
    lines = 0
    try:
        from groeimodel.web.monitor.wave_data import export_waves
    except ImportError:  # a branch without the wave-data export
        export_waves = None  # type: ignore[assignment]
    if export_waves is not None:

        class Counter:
            def write(self, data: bytes) -> int:
                nonlocal size
                size += len(data)
                return len(data)

        export_waves(org, "csv", Counter())  # type: ignore[arg-type]
        how = "groeimodel.web.monitor.wave_data.export_waves(csv), zipped (lines: not counted)"
    elif urls:
        client = Client()
        client.force_login(a_user(org))
        response = client.get(urls[0], secure=True)
        for chunk in response.streaming_content if response.streaming else [response.content]:  # type: ignore[attr-defined]
            size += len(chunk)
            lines += chunk.count(b"\n")
        how = f"GET {urls[0]} ({response.status_code})"
    else:
        for part in block_rows_csv(org):
            size += len(part.encode())
            lines += part.count("\n")
        how = "streamed query of all block score rows to CSV (no wave export on this branch)"
    ms = (time.perf_counter() - t) * 1000
    # The child's own high-water mark (VmHWM: this process image only; ru_maxrss of a child also counts the
    # parent's pages it had between fork and exec).
    hwm = next(
        (ln.split()[1] for ln in Path("/proc/self/status").read_text().splitlines() if ln.startswith("VmHWM")), "0"
    )
    print(f"export_ms={ms:.0f} bytes={size} lines={lines} hwm_kb={hwm} how={how}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--companies", type=int, default=200_000)
    ap.add_argument("--waves", type=float, default=5.0)
    ap.add_argument("--organisation", default="Monitor demo")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--lookups", type=int, default=30)
    ap.add_argument("--no-plans", action="store_true")
    ap.add_argument("--no-export", action="store_true", help="leave out the wave export (minutes at 1,000,000 waves)")
    ap.add_argument("--submit", action="store_true", help="submit one scan, then time the lookups again (writes)")
    ap.add_argument("--export-child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.export_child:
        export_child(args.organisation)
        return
    setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from groeimodel.model import list_models
    from groeimodel.web import access
    from groeimodel.web.monitor.queries import MONITOR_DIMENSIONS
    from groeimodel.web.scans import benchmark
    from groeimodel.web.scans.models import Response

    call_command("migrate", interactive=False, verbosity=0)
    org = population(args.companies, args.waves, args.organisation)
    user = a_user(org)
    client = Client()
    client.force_login(user)
    print(f"\n{time.strftime('%Y-%m-%d %H:%M')} {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, database {connection.vendor} ({connection.settings_dict['NAME']}), "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
    counts = {
        "companies": org.companies.count(),
        "management responses": Response.objects.filter(wave__company__organisation=org, respondent="management")
        .order_by()
        .count(),
    }
    print(", ".join(f"{v} {k}" for k, v in counts.items()), flush=True)

    def page(url: str) -> Callable[[], Any]:
        def get() -> Any:
            response = client.get(url, secure=True)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return get

    print("\nmonitor overview", flush=True)
    for model in [m.id for m in list_models()]:
        for by in MONITOR_DIMENSIONS:
            line(f"/overview/?by={by}&model={model}", timed(page(f"/overview/?by={by}&model={model}"), args.repeat),
                 "overview")  # fmt: skip
    print("\nfiltered views and the monitor's other pages", flush=True)
    for by in MONITOR_DIMENSIONS:  # every table dimension with a filter on each other dimension
        for dimension, value in FILTERS.items():
            if dimension != by:
                url = f"/overview/?by={by}&filter={dimension}:{value}"
                line(url, timed(page(url), args.repeat), "filtered")
    query = f"by=sbi_section&filter=province:{FILTERS['province']}"
    for url in overview_urls():
        if url.endswith(".csv") or url == "/overview/":
            continue
        line(f"{url}?{query}", timed(page(f"{url}?{query}"), args.repeat), "filtered")
    from groeimodel.web.monitor.queries import Filter, load_cells, page_dimensions

    organisations = access.aggregate_organisations_for(user)
    values: dict[str, Any] = {
        "organisations": organisations,
        # The tables' input, with what FILTERS need; load_cells is timed on its own.
        "cells": load_cells(organisations, "groeimodel", *page_dimensions("sbi_section", "province")),
        "model_id": "groeimodel",
        "k": 5,
        "dimension": "sbi_section",
    }
    values |= {"where": Filter("province", FILTERS["province"])}
    for name, fn in query_functions():
        run = call_with(fn, values)
        if run is None:
            print(f"queries.{name}: parameters not known to this script, not timed")
            continue
        line(f"queries.{name}({', '.join(sorted(k for k in inspect.signature(fn).parameters))})",
             timed(run, args.repeat), "filtered")  # fmt: skip

    print("\nbenchmark lookup", flush=True)
    scans = list(
        Response.objects.filter(wave__company__organisation=org, respondent="management", status="submitted")
        .order_by("-pk")
        .values_list("pk", flat=True)[:5000]
    )
    rng = random.Random(1)
    chosen = [Response.objects.select_related("wave__company").get(pk=rng.choice(scans)) for _ in range(args.lookups)]
    benchmark.clear_peer_indexes()
    line("first lookup (builds the peer index)", timed(lambda: benchmark.benchmark_for(chosen[0]), 1))
    ms = []
    for scan in chosen:
        t = time.perf_counter()
        benchmark.benchmark_for(scan)
        ms.append((time.perf_counter() - t) * 1000)
    line(f"benchmark_for, {len(chosen)} random firms", ms, "benchmark")
    if args.submit:
        # A change of the peers: one more scan of the firm of the first lookup (written into this population).
        from django.conf import settings

        from groeimodel.web.scans.services import model_of, save_answers, start_scan, submit_scan

        scan = start_scan(company=chosen[0].wave.company, user=None)
        save_answers(scan=scan, answers={item.id: 4 for item in model_of(scan).items})
        submit_scan(scan=scan)
        ms = []
        for scan in chosen:
            t = time.perf_counter()
            benchmark.benchmark_for(scan)
            ms.append((time.perf_counter() - t) * 1000)
        line(f"benchmark_for after a submission (stale index kept {settings.BENCHMARK_STALE_SECONDS} s)", ms,
             "benchmark")  # fmt: skip
        t = time.perf_counter()
        benchmark.wait_for_background_builds(timeout=600)
        print(f"the new index was ready {time.perf_counter() - t:.1f} s after the lookups", flush=True)

    if not args.no_export:
        print("\nCSV export of all waves at block level (child process)", flush=True)
        t = time.perf_counter()
        child = subprocess.run(
            [sys.executable, __file__, "--export-child", "--organisation", args.organisation],
            capture_output=True,
            text=True,
            check=False,
        )
        wall = (time.perf_counter() - t) * 1000
        peak_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(child.stdout.strip() or child.stderr[-2000:])
        found = [p for p in child.stdout.split() if p.startswith("export_ms=")]
        if found:
            line("export", [float(found[0].split("=")[1])], "export")
        hwm = [p for p in child.stdout.split() if p.startswith("hwm_kb=")]
        if hwm and int(hwm[0].split("=")[1]) > 0:
            peak_child = int(hwm[0].split("=")[1]) / 1024
        verdict = "PASS" if peak_child < EXPORT_MEMORY_MB else "FAIL"
        print(f"export child: wall {wall / 1000:.1f} s with start-up, peak RSS {peak_child:.0f} MB "
              f"(target < {EXPORT_MEMORY_MB:.0f} MB: {verdict})")  # fmt: skip

    if not args.no_plans:
        from groeimodel.web.monitor.queries import monitor_tables

        plans("monitor_tables by sbi_section", lambda: monitor_tables(organisations, "groeimodel", "sbi_section", 5))
        plans("monitor_tables by year", lambda: monitor_tables(organisations, "groeimodel", "year", 5))
        plans("benchmark lookup (index kept)", lambda: benchmark.benchmark_for(chosen[1]))
        plans("peer rows (index build)", lambda: benchmark.peer_rows(org.pk, "groeimodel"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of this process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
