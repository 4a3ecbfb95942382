"""The server's work per API submission, without HTTP: queries and a cProfile of ``POST /api/v1/companies/{id}/waves``.

Creates a fresh SQLite database in a temporary directory (or uses DATABASE_URL with ``--database-from-env``, e.g.
under scripts/with-postgres.sh), migrates it, seeds one organisation, one advisor with a token and N companies,
then submits one wave with all 60 answers per company through Django's test client (the whole request: middleware,
token, ninja, the view, the response). Prints the queries of one submission (after a warm-up one), the mean wall
and CPU time per submission (N of them, no profiler), and then a cProfile of N more: the functions with the most
cumulative time and what ``wave_create`` calls. The database's own CPU is not in these figures (on SQLite it is
in this process). Nothing is asserted.

Under scripts/with-postgres.sh (``--database-from-env``) it also prints the CPU of the PostgreSQL server and its
backends per submission, from /proc (WITH_POSTGRES_PID).

Usage: python bench/api_profile.py [--submissions 50] [--top 25] [--database-from-env] [--sql]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import secrets
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from web_load import postgres_cpu_seconds  # bench/ is on the path when this script runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=50)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--database-from-env", action="store_true", help="use DATABASE_URL instead of SQLite")
    parser.add_argument("--sql", action="store_true", help="print the SQL of one submission")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="groeimodel-apiprof-"))
    if not args.database_from_env:
        os.environ.pop("DATABASE_URL", None)
    os.environ.update(
        {
            "GROEIMODEL_DEBUG": "false",
            "GROEIMODEL_SECRET_KEY": secrets.token_urlsafe(50),
            "GROEIMODEL_ALLOWED_HOSTS": "testserver",
            "GROEIMODEL_NO_SSL_REDIRECT": "true",
            "GROEIMODEL_DATA_DIR": str(tmp),
            "DJANGO_SETTINGS_MODULE": "groeimodel.web.settings",
        }
    )
    try:
        run(args)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from groeimodel.model import DEFAULT_MODEL, load_model
    from groeimodel.web.accounts.models import Organisation
    from groeimodel.web.accounts.services import create_user
    from groeimodel.web.api.tokens import create_token
    from groeimodel.web.companies.models import Company

    call_command("migrate", verbosity=0)
    model = load_model(DEFAULT_MODEL)
    org = Organisation.objects.create(name="Profiel", slug="profiel")
    user = create_user(organisation=org, username="profiel", password=secrets.token_urlsafe(16), role="adviseur")
    count = 2 + 2 * args.submissions  # a warm-up, one with its queries, then N timed and N profiled
    companies = [Company.objects.create(organisation=org, name=f"Firma {i:04d}", employees=12) for i in range(count)]
    Company.advisors.through.objects.bulk_create(
        [Company.advisors.through(company_id=c.pk, user_id=user.pk) for c in companies]
    )
    secret = create_token(user=user, name="profiel").secret
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="nl")
    rng = random.Random(2026)

    def submit(company_id: int) -> None:
        body = json.dumps({"answers": {item.id: rng.randint(1, 5) for item in model.items}})
        response = client.post(f"/api/v1/companies/{company_id}/waves", data=body, content_type="application/json")
        if response.status_code != 201:
            raise SystemExit(f"HTTP {response.status_code}: {response.content[:300]!r}")

    with CaptureQueriesContext(connection) as queries:
        submit(companies[0].pk)  # the first request of a process (imports, caches) is not in the figures
    with CaptureQueriesContext(connection) as queries:
        submit(companies[1].pk)
    print(f"database: {connection.vendor}; queries in one submission: {len(queries.captured_queries)}")
    if args.sql:
        for q in queries.captured_queries:
            print(f"  {q['sql'][:160]}")
    timed = companies[2 : 2 + args.submissions]
    batches: list[tuple[float, float, float]] = []  # (wall, CPU, PostgreSQL CPU) ms per submission, per batch of 10
    for at in range(0, len(timed), 10):
        batch = timed[at : at + 10]
        start = time.perf_counter()
        cpu = time.process_time()
        pg = postgres_cpu_seconds() or 0.0
        for company in batch:
            submit(company.pk)
        per = 1000 / len(batch)
        batches.append(
            (
                (time.perf_counter() - start) * per,
                (time.process_time() - cpu) * per,
                ((postgres_cpu_seconds() or 0.0) - pg) * per,
            )
        )
    walls, cpus, pgs = (sorted(b[k] for b in batches) for k in range(3))
    pg_text = ""
    if postgres_cpu_seconds() is not None:
        pg_text = f", PostgreSQL's CPU median {statistics.median(pgs):.1f} (best {pgs[0]:.1f})"
    print(
        f"{len(timed)} submissions in batches of 10, ms per submission: CPU of this process median "
        f"{statistics.median(cpus):.1f} (best batch {cpus[0]:.1f}){pg_text}, wall median "
        f"{statistics.median(walls):.1f} (best {walls[0]:.1f}); load average "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    profiler = cProfile.Profile()
    profiler.enable()
    for company in companies[2 + args.submissions :]:
        submit(company.pk)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(args.top)
    stats.print_callees("wave_create")
    stats.print_callees("create_submitted_scan")
    stats.print_callees("response_out")
    stats.print_callees("result_out")
    print(out.getvalue())
    print_shares(stats, len(companies) - 2 - args.submissions)


# (label, file ending, function name): the steps of a submission whose cumulative time is printed as a share.
STEPS = [
    ("the whole request (test client)", "django/test/client.py", "request"),
    ("middleware and URL resolving, outside ninja", "", ""),
    ("ninja: checks (token auth, throttle)", "ninja/operation.py", "_run_checks"),
    ("  user_for_token", "api/tokens.py", "user_for_token"),
    ("ninja: body parsing and validation", "ninja/operation.py", "_get_values"),
    ("the view (wave_create)", "api/routers/waves.py", "wave_create"),
    ("  access.get_company", "web/access.py", "get_company"),
    ("  access.open_scan_id", "web/access.py", "open_scan_id"),
    ("  start_scan", "scans/services.py", "start_scan"),
    ("  save_answers", "scans/services.py", "save_answers"),
    ("  submit_scan", "scans/services.py", "submit_scan"),
    ("  create_submitted_scan", "scans/services.py", "create_submitted_scan"),
    ("    score (the core)", "groeimodel/scoring.py", "score"),
    ("    store_score_rows", "scans/services.py", "store_score_rows"),
    ("    insert_answers", "scans/services.py", "insert_answers"),
    ("    audit record_many", "audit/services.py", "record_many"),
    ("    refresh_after_new_scan (scans/latest.py)", "scans/latest.py", "refresh_after_new_scan"),
    ("    refresh_latest (scans/latest.py)", "scans/latest.py", "refresh_latest"),
    ("      of which refresh_monitor_scans", "scans/latest.py", "refresh_monitor_scans"),
    ("  response_out", "api/routers/waves.py", "response_out"),
    ("    build_view", "reports/view.py", "build_view"),
    ("ninja: the answer's serialisation", "ninja/operation.py", "_result_to_response"),
    ("transaction commit", "django/db/backends/base/base.py", "commit"),
]


def print_shares(stats: pstats.Stats, n: int) -> None:
    """Per step: cumulative ms per submission under the profiler and its share of the whole request."""
    found: dict[str, float] = {}
    for (file, _line, func), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        for label, end, name in STEPS:
            if name and func == name and file.endswith(end):
                found[label] = found.get(label, 0.0) + ct
    whole = found.get(STEPS[0][0], 0.0)
    ninja = next((ct for (f, _l, fn), (_c, _n, _t, ct, _cl) in stats.stats.items()  # type: ignore[attr-defined]
                  if fn == "run" and f.endswith("ninja/operation.py")), 0.0)  # fmt: skip
    found[STEPS[1][0]] = whole - ninja
    print(f"steps, cumulative under the profiler (inflates Python time about 2-3x), per submission of {n}:")
    for label, _end, _name in STEPS:
        if label in found and whole:
            print(f"  {label:<48} {1000 * found[label] / n:7.2f} ms  {100 * found[label] / whole:5.1f}%")


if __name__ == "__main__":
    main()
