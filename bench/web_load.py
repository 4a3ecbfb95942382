"""Web load: the app under gunicorn with 1,000 companies, driven by 20 concurrent simulated advisors.

Creates a fresh SQLite database in a temporary directory, migrates it, seeds one organisation with one advisor
and 1,000 companies with one submitted scan each (through the project's own demo and service functions), serves
it with `groeimodel serve` (gunicorn) on 127.0.0.1, and from a second process drives a mixed load for a fixed
time: 40% result pages, 35% company list (plain, searched, paged), 25% saving an answer (HTMX POST).
Prints count, errors, requests/second, p50 and p95 latency per page type, then
`result_p95_ms=<float> rps=<float> errors=<int>`. The goal (result page p95 at most 150 ms at 20 users, no
errors) is reported as PASS/FAIL; the script never fails on timing. All traffic goes to 127.0.0.1 only; the
server is always stopped and the temporary directory removed.

`--scenario api` drives the REST API instead: every user has its own token and company and, one request after the
other, creates a wave with the owner's 60 answers, submitted and scored at once (POST /api/v1/companies/{id}/waves).
Goal: no errors, p95 at most 200 ms at 50 users. `--database-from-env` uses the DATABASE_URL of the environment
(e.g. under scripts/with-postgres.sh) instead of a fresh SQLite file.

Usage: python bench/web_load.py [--seconds 30] [--users 20] [--companies 1000] [--workers 2] [--threads 4]
                                [--think 1] [--warmup 0] [--max-requests 200000] [--scenario web|api]
                                [--database-from-env]
`--think` is a mean pause per simulated user between requests in seconds, drawn from 0.5-1.5 times it, as a person
reads a page before the next click (default 1 s). `--think 0` is a saturation test instead: each user sends its
next request as soon as the previous one is answered, i.e. 20 requests in flight all the time. `--warmup` runs the
load for that many seconds before the figures start, to separate a cold start from the steady state.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import datetime
from http.cookies import SimpleCookie
from importlib import metadata
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
USERNAME = "bench-adviseur"
GOAL_P95_MS = 150.0
GOAL_USERS = 20
MIX = [("result", 0.40), ("list", 0.35), ("save", 0.25)]
PAGE_TYPES = ["login", "result", "list", "save"]
API_GOAL_P95_MS = 200.0
API_GOAL_USERS = 50
API_TYPES = ["submit"]

# Made-up company names; list searches use these words so that ?q= finds something (or, for numbers, little).
NAME_WORDS = ["Bakkerij", "Metaal", "Zorg", "Transport", "Software", "Installatie", "Bouw", "Ontwerp", "Handel",
              "Techniek", "Groen", "Logistiek", "Advies", "Print", "Voeding", "Energie"]  # fmt: skip
NAME_PLACES = ["Noord", "Zuid", "Oost", "West", "Delta", "Kempen", "Veluwe", "Wad", "Maas", "Rijn", "Linde"]
PROVINCES = ["DR", "FL", "FR", "GE", "GR", "LI", "NB", "NH", "OV", "UT", "ZE", "ZH"]
SECTIONS = ["C", "F", "G", "H", "I", "J", "M", "N", "Q", "S"]


# ---------------------------------------------------------------------------------------------------------------
# orchestration (no Django in this process)


def groeimodel_command() -> list[str]:
    exe = Path(sys.executable).parent / "groeimodel"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("groeimodel")
    if found:
        return [found]
    return [sys.executable, "-c", "from groeimodel.cli import app; app()"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def wait_until_up(port: int, server: subprocess.Popen[bytes], timeout: float = 90.0) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped with exit code {server.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/accounts/login/")
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return time.perf_counter() - start
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer /accounts/login/ within {timeout:.0f} s")


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


def tree_cpu_seconds(pid: int) -> float | None:
    """User plus system CPU of a process and its children (the gunicorn arbiter and workers), from /proc."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in proc.glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        rest = text[text.rfind(")") + 2 :].split()
        if int(stat.parent.name) == pid or int(rest[1]) == pid:
            total += (int(rest[11]) + int(rest[12])) / tick
    return total


def machine_cpu_seconds() -> tuple[float, float] | None:
    """Busy and total CPU seconds of the whole machine since boot (every process: server, database, this
    generator, and anything else running), from the first line of /proc/stat."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    tick = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields) - idle) / tick, sum(fields) / tick


def postgres_cpu_seconds() -> float | None:
    """User plus system CPU of this run's PostgreSQL server and its backends (the postmaster whose pid
    scripts/with-postgres.sh exports as WITH_POSTGRES_PID, and its children), or None without it."""
    pid = os.environ.get("WITH_POSTGRES_PID", "")
    return tree_cpu_seconds(int(pid)) if pid.isdigit() else None


def load_average() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def orchestrate(args: argparse.Namespace) -> None:
    print(
        f"machine: {platform.platform()}, {platform.machine()}, {os.cpu_count()} cpus, "
        f"python {platform.python_version()}, django {version('django')}, gunicorn {version('gunicorn')}"
    )
    print(f"date: {datetime.now().astimezone().isoformat(timespec='seconds')}; load average {load_average()}")
    tmp = Path(tempfile.mkdtemp(prefix="groeimodel-bench-"))
    dropped = ("DATABASE_URL", "GROEIMODEL_ALLOWED_HOSTS", "GROEIMODEL_SECRET_KEY", "GROEIMODEL_ACCESS_LOG")
    if args.database_from_env:
        if not os.environ.get("DATABASE_URL"):
            raise SystemExit("--database-from-env needs DATABASE_URL (run under scripts/with-postgres.sh)")
        dropped = dropped[1:]
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    # Production settings (DEBUG off), as a real deployment runs; the TLS proxy that would sit in front is left
    # out, so the app is told not to redirect to HTTPS.
    env.update(
        {
            "GROEIMODEL_DEBUG": "false",
            "GROEIMODEL_SECRET_KEY": secrets.token_urlsafe(50),
            "GROEIMODEL_ALLOWED_HOSTS": HOST,
            "GROEIMODEL_NO_SSL_REDIRECT": "true",
            "GROEIMODEL_DATA_DIR": str(tmp),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    server: subprocess.Popen[bytes] | None = None
    log = tmp / "server.log"
    try:
        start = time.perf_counter()
        done = subprocess.run(
            [*groeimodel_command(), "manage", "migrate", "-v", "0"], env=env, capture_output=True, text=True
        )
        if done.returncode:
            print(done.stdout, done.stderr, file=sys.stderr)
            raise RuntimeError(f"migrate failed with exit code {done.returncode}")
        where = "DATABASE_URL" if args.database_from_env else f"SQLite in {tmp}"
        print(f"migrate: {time.perf_counter() - start:.1f} s ({where})")

        spec_file = tmp / "bench.json"
        subprocess.run(
            [sys.executable, __file__, "--seed-into", str(spec_file), "--companies", str(args.companies),
             "--users", str(args.users), "--scenario", args.scenario],
            env=env,
            check=True,
        )  # fmt: skip

        port = free_port()
        with open(log, "wb") as out:
            server = subprocess.Popen(
                [*groeimodel_command(), "serve", "--host", HOST, "--port", str(port),
                 "--workers", str(args.workers), "--threads", str(args.threads)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        try:
            up = wait_until_up(port, server)
        except RuntimeError:
            print(tail(log), file=sys.stderr)
            raise
        print(f"server: gunicorn on {HOST}:{port}, {args.workers} workers x {args.threads} threads, up in {up:.1f} s")

        out_file = tmp / "results.json"
        subprocess.run(
            [sys.executable, __file__, "--client", "--port", str(port), "--spec", str(spec_file),
             "--out", str(out_file), "--seconds", str(args.seconds), "--users", str(args.users),
             "--think", str(args.think), "--warmup", str(args.warmup), "--max-requests", str(args.max_requests),
             "--server-pid", str(server.pid), "--scenario", args.scenario],
            check=True,
            timeout=args.warmup + args.seconds + 300,
        )  # fmt: skip
        results = json.loads(out_file.read_text())
        (report_api if args.scenario == "api" else report)(results, args)
        if server.poll() is not None:
            print(f"warning: the server stopped during the run (exit code {server.returncode})")
            print(tail(log))
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def report(res: dict[str, Any], args: argparse.Namespace) -> None:
    stats = res["stats"]
    print(
        f"load: {res['users']} users, {res['window_s']:.1f} s after {res['warmup_s']:g} s warm-up, "
        f"think {args.think:g} s, mix {', '.join(f'{n} {int(w * 100)}%' for n, w in MIX)}; "
        f"logged in {res['logged_in']}/{res['users']}"
    )
    header = f"{'page':<8} {'count':>7} {'errors':>6} {'3xx':>5} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"
    print(header)
    print("-" * len(header))
    for name in PAGE_TYPES:
        s = stats[name]
        rps = "" if name == "login" else f"{s['rps']:.1f}"
        print(
            f"{name:<8} {s['count']:>7} {s['errors']:>6} {s['redirects']:>5} {rps:>8} "
            f"{s['p50']:>8.1f} {s['p95']:>8.1f} {s['max']:>8.1f}"
        )
    total = res["total"]
    print(f"{'all':<8} {total['count']:>7} {total['errors']:>6} {'':>5} {total['rps']:>8.1f}")
    if res.get("server_cpu_s") is not None and total["count"]:
        per_request = 1000 * res["server_cpu_s"] / total["count"]
        print(
            f"cpu in the window: server {res['server_cpu_s']:.1f} s = {per_request:.1f} ms per request, "
            f"client {res['client_cpu_s']:.1f} s; load average after {load_average()}"
        )
    for line in res["error_samples"]:
        print(f"error: {line}")
    errors = sum(stats[n]["errors"] for n in PAGE_TYPES) + res["warmup_errors"]
    if res["warmup_errors"]:
        print(f"errors during the warm-up: {res['warmup_errors']}")
    p95 = stats["result"]["p95"]
    ok = p95 <= GOAL_P95_MS and errors == 0 and stats["result"]["count"] > 0
    at = "" if res["users"] == GOAL_USERS else f" (measured at {res['users']} users, goal is for {GOAL_USERS})"
    print(f"goal: result page p95 <= {GOAL_P95_MS:.0f} ms at {GOAL_USERS} users, no errors: "
          f"{'PASS' if ok else 'FAIL'}{at}")  # fmt: skip
    print(f"result_p95_ms={p95:.1f} rps={total['rps']:.1f} errors={errors}")


def report_api(res: dict[str, Any], args: argparse.Namespace) -> None:
    s = res["stats"]["submit"]
    print(
        f"load: {res['users']} API clients, {res['window_s']:.1f} s after {res['warmup_s']:g} s warm-up, "
        f"think {args.think:g} s; each request a new wave with {res['items']} answers, submitted and scored"
    )
    print(f"submit: {s['count']} requests, {s['errors']} errors, {s['rps']:.1f} req/s, p50 {s['p50']:.1f} ms, "
          f"p95 {s['p95']:.1f} ms, p99 {s['p99']:.1f} ms, max {s['max']:.1f} ms")  # fmt: skip
    if res.get("server_cpu_s") is not None and s["count"]:
        per_request = 1000 * res["server_cpu_s"] / s["count"]
        pg = res.get("postgres_cpu_s")
        pg_text = "" if pg is None else f"postgres {pg:.1f} s = {1000 * pg / s['count']:.1f} ms per request, "
        print(f"cpu in the window: server {res['server_cpu_s']:.1f} s = {per_request:.1f} ms per request, "
              f"{pg_text}load generator {res['client_cpu_s']:.1f} s = {1000 * res['client_cpu_s'] / s['count']:.1f} "
              f"ms per request; whole machine {100 * res['machine_busy']:.0f}% busy; "
              f"load average after {load_average()}")  # fmt: skip
    for line in res["error_samples"]:
        print(f"error: {line}")
    errors = s["errors"] + res["warmup_errors"]
    ok = s["p95"] <= API_GOAL_P95_MS and errors == 0 and s["count"] > 0
    at = "" if res["users"] == API_GOAL_USERS else f" (measured at {res['users']} clients)"
    print(f"goal: API submit p95 <= {API_GOAL_P95_MS:.0f} ms at {API_GOAL_USERS} clients, no errors: "
          f"{'PASS' if ok else 'FAIL'}{at}")  # fmt: skip
    print(f"api_submit_p95_ms={s['p95']:.1f} rps={s['rps']:.1f} errors={errors}")


# ---------------------------------------------------------------------------------------------------------------
# seeding (a subprocess with the benchmark's environment; Django is set up here only)


def seed(spec_file: Path, companies: int, users: int, scenario: str = "web") -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groeimodel.web.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    from groeimodel.model import DEFAULT_MODEL, load_model
    from groeimodel.web.accounts.models import Organisation
    from groeimodel.web.accounts.services import create_user
    from groeimodel.web.companies.models import Company
    from groeimodel.web.demo import create_company_with_scans
    from groeimodel.web.scans.models import Answer, Respondent, Response
    from groeimodel.web.scans.services import start_scan

    start = time.perf_counter()
    rng = random.Random(2026)
    model = load_model(DEFAULT_MODEL)  # the key the services use: the YAML is parsed once, not twice
    password = secrets.token_urlsafe(16)
    with transaction.atomic():
        org = Organisation.objects.create(name="Benchmark Advies", slug="benchmark")
        user = create_user(organisation=org, username=USERNAME, password=password, role="adviseur")
        created = []
        for i in range(companies):
            name = f"{rng.choice(NAME_WORDS)} {rng.choice(NAME_PLACES)} {i + 1:04d}"
            created.append(
                create_company_with_scans(
                    organisation=org,
                    name=name,
                    sbi=rng.choice(SECTIONS),
                    employees=max(1, int(rng.lognormvariate(2.8, 1.1))),
                    province=rng.choice(PROVINCES),
                    founded=rng.randrange(1950, 2025),
                    rng=rng,
                    strengths=(rng.uniform(0.2, 0.9),),  # one submitted wave
                    model=model,
                )
            )
        through = Company.advisors.through
        through.objects.bulk_create([through(company_id=c.pk, user_id=user.pk) for c in created])
        # One draft per simulated user, each on its own company, for the "save an answer" requests.
        drafts = [start_scan(company=c, user=user, model_id=model.id).pk for c in created[:users]]
        tokens, api_companies = [], []
        if scenario == "api":  # one token and one company (without a draft) per API client
            from groeimodel.web.api.tokens import create_token

            tokens = [create_token(user=user, name=f"bench {k}").secret for k in range(users)]
            api_companies = [c.pk for c in created[users : 2 * users]]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    seconds = time.perf_counter() - start
    submitted = list(
        Response.objects.filter(status=Response.Status.SUBMITTED, respondent=Respondent.MANAGEMENT).values_list(
            "pk", flat=True
        )
    )
    print(
        f"seed: {len(created):,} companies, {len(submitted):,} submitted scans, {Answer.objects.count():,} answers, "
        f"{len(drafts)} drafts in {seconds:.1f} s"
    )
    spec = {
        "username": USERNAME,
        "password": password,
        "submitted": submitted,
        "drafts": drafts,
        "items": [item.id for item in model.items],
        "words": NAME_WORDS + NAME_PLACES,
        "pages": (len(created) + 24) // 25,
        "tokens": tokens,
        "api_companies": api_companies,
    }
    spec_file.write_text(json.dumps(spec))


# ---------------------------------------------------------------------------------------------------------------
# the client (a subprocess; standard library only)


class Stop(Exception):
    pass


class Recorder:
    def __init__(self, max_requests: int) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {n: [] for n in PAGE_TYPES + API_TYPES}
        self.errors: dict[str, int] = dict.fromkeys(PAGE_TYPES + API_TYPES, 0)
        self.redirects: dict[str, int] = dict.fromkeys(PAGE_TYPES + API_TYPES, 0)
        self.samples: list[str] = []
        self.max_requests = max_requests
        self.sent = 0
        self.record_from = 0.0  # requests started before this (the warm-up) are not in the figures
        self.warmup_errors = 0

    def take(self) -> bool:
        with self.lock:
            if self.sent >= self.max_requests:
                return False
            self.sent += 1
            return True

    def fail(self, name: str, message: str) -> None:
        """An error without a timed request (e.g. no login form)."""
        with self.lock:
            self.errors[name] += 1
            if len(self.samples) < 10:
                self.samples.append(f"{name}: {message}")

    def add(self, name: str, started: float, ms: float, status: int | None, error: str | None = None) -> None:
        failed = error is not None or status is None or not 200 <= status < 400
        with self.lock:
            if started < self.record_from:
                self.warmup_errors += failed
                return
            self.latencies[name].append(ms)
            if status is not None and 300 <= status < 400:
                self.redirects[name] += 1
            if failed:
                self.errors[name] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{name}: {error or f'HTTP {status}'}")


class User:
    """One simulated advisor with its own keep-alive connection and cookies."""

    def __init__(self, port: int, rec: Recorder) -> None:
        self.port = port
        self.rec = rec
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None
        self.used = False

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
            self.used = False
        return self.conn

    def _reset(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None

    def request(self, method: str, path: str, body: dict[str, str] | None = None,
                headers: dict[str, str] | None = None, json_body: Any = None) -> tuple[int, str, float]:  # fmt: skip
        """Status, body text and milliseconds; one retry on a fresh connection if a kept-alive one was closed."""
        hdrs = {"Host": f"{HOST}:{self.port}", "Accept": "text/html", "Accept-Language": "nl"}
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        if json_body is not None:
            data = json.dumps(json_body).encode()
            hdrs["Content-Type"] = "application/json"
            hdrs["Accept"] = "application/json"
        hdrs.update(headers or {})
        start = time.perf_counter()
        for attempt in (1, 2):
            conn = self._connection()
            reused = self.used
            try:
                conn.request(method, path, body=data, headers=hdrs)
                resp = conn.getresponse()
                text = resp.read().decode("utf-8", "replace")
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self._reset()
                if attempt == 1 and reused:
                    continue
                raise
            except Exception:
                self._reset()
                raise
            ms = (time.perf_counter() - start) * 1000
            self.used = True
            for header in resp.msg.get_all("Set-Cookie") or []:
                jar: SimpleCookie = SimpleCookie()
                jar.load(header)
                for key, morsel in jar.items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(key, None)
                    else:
                        self.cookies[key] = morsel.value
            if resp.getheader("Connection", "").lower() == "close":
                self._reset()
            return resp.status, text, ms
        raise AssertionError("unreachable")

    def timed(self, name: str, method: str, path: str, **kw: Any) -> tuple[int | None, str]:
        if not self.rec.take():
            raise Stop
        start = time.perf_counter()
        try:
            status, text, ms = self.request(method, path, **kw)
        except Exception as exc:  # every failure is an error in the figures
            self.rec.add(name, start, (time.perf_counter() - start) * 1000, None, f"{type(exc).__name__}: {exc}")
            return None, ""
        self.rec.add(name, start, ms, status)
        return status, text

    def login(self, username: str, password: str) -> bool:
        form_status, text, _ = self.request("GET", "/accounts/login/")
        m = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
        if form_status != 200 or m is None or "csrftoken" not in self.cookies:
            self.rec.fail("login", f"no login form or csrftoken cookie (HTTP {form_status})")
            return False
        body = {"csrfmiddlewaretoken": m.group(1), "username": username, "password": password, "next": ""}
        referer = f"http://{HOST}:{self.port}/accounts/login/"
        status, _ = self.timed("login", "POST", "/accounts/login/", body=body, headers={"Referer": referer})
        if status != 302 or "sessionid" not in self.cookies:
            if status is not None and 200 <= status < 400:  # a 200 here is the form again: the login failed
                self.rec.fail("login", f"login answered {status} without a session")
            return False
        return True


def client(args: argparse.Namespace) -> None:
    spec = json.loads(Path(args.spec).read_text())
    rec = Recorder(args.max_requests)
    names = [n for n, _ in MIX]
    weights = [w for _, w in MIX]
    window: dict[str, float] = {}

    def sample_cpu() -> None:
        window["cpu_server"] = (args.server_pid and tree_cpu_seconds(args.server_pid)) or 0.0
        window["cpu_client"] = time.process_time()
        window["cpu_postgres"] = postgres_cpu_seconds() or 0.0
        window["cpu_machine"], window["cpu_machine_total"] = machine_cpu_seconds() or (0.0, 0.0)

    def open_window() -> None:  # runs once, when every user has logged in (or failed to)
        now = time.perf_counter()
        window["start"] = rec.record_from = now + args.warmup
        window["end"] = window["start"] + args.seconds
        sample_cpu()
        if args.warmup:  # sample again when the figures start
            timer = threading.Timer(args.warmup, sample_cpu)
            timer.daemon = True
            timer.start()

    barrier = threading.Barrier(args.users, action=open_window)
    logged_in = [False] * args.users

    def run_api(k: int) -> None:
        """One API client: its own token and company; a new wave with every answer, again and again."""
        rng = random.Random(1000 + k)
        user = User(args.port, rec)
        logged_in[k] = True
        barrier.wait()
        headers = {"Authorization": f"Bearer {spec['tokens'][k]}"}
        path = f"/api/v1/companies/{spec['api_companies'][k]}/waves"
        if args.think:
            time.sleep(rng.uniform(0, args.think))
        try:
            while time.perf_counter() < window["end"]:
                answers = {item: rng.randint(1, 5) for item in spec["items"]}
                status, text = user.timed("submit", "POST", path, json_body={"answers": answers}, headers=headers)
                if status is not None and status != 201:
                    rec.fail("submit", f"HTTP {status}: {text[:200]}")
                if args.think:
                    time.sleep(rng.uniform(0.5, 1.5) * args.think)
        except Stop:
            pass

    def run(k: int) -> None:
        rng = random.Random(1000 + k)
        user = User(args.port, rec)
        try:
            logged_in[k] = user.login(spec["username"], spec["password"])
        except Exception as exc:
            rec.fail("login", f"{type(exc).__name__}: {exc}")
        barrier.wait()
        if not logged_in[k]:
            return
        draft = spec["drafts"][k % len(spec["drafts"])]
        base = f"http://{HOST}:{args.port}"
        if args.think:
            time.sleep(rng.uniform(0, args.think))  # users with a pause do not all start at the same instant
        try:
            while time.perf_counter() < window["end"]:
                kind = rng.choices(names, weights)[0]
                if kind == "result":
                    user.timed("result", "GET", f"/scans/{rng.choice(spec['submitted'])}/result/")
                elif kind == "list":
                    r = rng.random()
                    if r < 0.5:
                        path = "/companies/"
                    elif r < 0.75:
                        path = "/companies/?" + urllib.parse.urlencode({"q": rng.choice(spec["words"])})
                    else:
                        path = f"/companies/?page={rng.randint(1, spec['pages'])}"
                    user.timed("list", "GET", path)
                else:
                    item = rng.choice(spec["items"])
                    headers = {
                        "X-CSRFToken": user.cookies.get("csrftoken", ""),
                        "HX-Request": "true",
                        "Referer": f"{base}/scans/{draft}/",
                    }
                    body = {"item": item, item: str(rng.randint(1, 5))}
                    user.timed("save", "POST", f"/scans/{draft}/answer/", body=body, headers=headers)
                if args.think:
                    time.sleep(rng.uniform(0.5, 1.5) * args.think)
        except Stop:
            pass

    target = run_api if args.scenario == "api" else run
    threads = [threading.Thread(target=target, args=(k,), daemon=True) for k in range(args.users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - window["start"]
    cpu_server = tree_cpu_seconds(args.server_pid) if args.server_pid else None
    cpu_client = time.process_time() - window["cpu_client"]
    cpu_postgres = postgres_cpu_seconds()
    cpu_postgres = None if cpu_postgres is None else cpu_postgres - window["cpu_postgres"]
    busy, total = machine_cpu_seconds() or (0.0, 0.0)
    machine_busy = (busy - window["cpu_machine"]) / max(total - window["cpu_machine_total"], 1e-9)

    def pct(values: list[float], q: float) -> float:
        if not values:
            return 0.0
        s = sorted(values)
        return s[max(0, min(len(s) - 1, int(-(-q * len(s) // 1)) - 1))]  # nearest rank

    stats = {}
    for n in PAGE_TYPES + API_TYPES:
        lat = rec.latencies[n]
        stats[n] = {
            "count": len(lat),
            "errors": rec.errors[n],
            "redirects": rec.redirects[n],
            "rps": len(lat) / elapsed if elapsed else 0.0,
            "p50": pct(lat, 0.50),
            "p95": pct(lat, 0.95),
            "p99": pct(lat, 0.99),
            "max": max(lat, default=0.0),
        }
    if args.scenario == "api":
        names = API_TYPES
    count = sum(stats[n]["count"] for n in names)
    out = {
        "users": args.users,
        "logged_in": sum(logged_in),
        "window_s": elapsed,
        "stats": stats,
        "total": {"count": count, "errors": sum(stats[n]["errors"] for n in names), "rps": count / elapsed},
        "error_samples": rec.samples,
        "warmup_s": args.warmup,
        "warmup_errors": rec.warmup_errors,
        "server_cpu_s": None if cpu_server is None else cpu_server - window["cpu_server"],
        "client_cpu_s": cpu_client,
        "postgres_cpu_s": cpu_postgres,
        "machine_busy": machine_busy,
        "items": len(spec["items"]),
    }
    Path(args.out).write_text(json.dumps(out))


# ---------------------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the load window")
    parser.add_argument("--users", type=int, default=20, help="concurrent simulated users")
    parser.add_argument("--companies", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause per user between requests, seconds")
    parser.add_argument("--warmup", type=float, default=0.0, help="seconds of unrecorded load before the figures start")
    parser.add_argument("--max-requests", type=int, default=200_000, help="stop after this many requests")
    parser.add_argument("--scenario", choices=["web", "api"], default="web", help="the web pages, or the REST API")
    parser.add_argument("--database-from-env", action="store_true", help="use DATABASE_URL instead of SQLite")
    # internal: the seeding and client subprocesses
    parser.add_argument("--seed-into", help=argparse.SUPPRESS)
    parser.add_argument("--client", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--server-pid", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.users < 1 or args.seconds <= 0:
        parser.error("--users and --seconds must be positive")
    if args.seed_into:
        seed(Path(args.seed_into), args.companies, args.users, args.scenario)
    elif args.client:
        client(args)
    else:
        orchestrate(args)


if __name__ == "__main__":
    main()
