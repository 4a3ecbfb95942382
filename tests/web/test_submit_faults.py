"""Killing the server in the middle of submitting a response leaves the whole response or nothing.

A real gunicorn process serves the app with the test settings, which make the submit pause halfway through writing
the score rows (groeimodel.web.scans.faults). The test waits until the server is in that pause, SIGKILLs the whole
process group, starts the server again and checks that the response is still a draft with all its answers and no
score rows; submitting again then stores all of them. On SQLite (a file in a temporary data directory) and, under
scripts/with-postgres.sh, on a fresh PostgreSQL database of its own.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.test_serve import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVE = "from groeimodel.cli import app; app()"

# Run inside the server's environment (same settings and database): a company with a fully answered draft and a
# signed-in adviser's session.
SETUP = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from groeimodel.model import load_model
from groeimodel.web.accounts.models import Organisation
from groeimodel.web.accounts.services import create_user
from groeimodel.web.companies.models import Company
from groeimodel.web.scans.services import save_answers, start_scan
import sys
org = Organisation.objects.create(name="Adviesbureau Fout", slug="fout")
user = create_user(organisation=org, username="adviseur", password="correct-horse-battery-staple", role="adviseur")
scans = []
for n in range(int(sys.argv[1]) if len(sys.argv) > 1 else 1):
    company = Company.objects.create(
        organisation=org, name=f"Bakkerij Fout {n}", sbi_section="C", employees=12, province="GE"
    )
    company.advisors.add(user)
    scan = start_scan(company=company, user=user)
    model = load_model(scan.model_id, scan.model_version)
    save_answers(scan=scan, answers={item.id: 1 + (n + i) % 5 for i, item in enumerate(model.items)})
    scans.append(scan.pk)
client = Client()
client.force_login(user)
print(json.dumps({
    "scan": scans[0],
    "scans": scans,
    "cookie": settings.SESSION_COOKIE_NAME,
    "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
    "answers": len(model.items),
    "rows": len(model.levels) + len(model.blocks),
}))
"""

STATE = """
import json, sys, django
django.setup()
from groeimodel.web.scans.models import Answer, Response, ScoreRow
scan = Response.objects.get(pk=int(sys.argv[1]))
print(json.dumps({
    "status": scan.status,
    "result": scan.result is not None,
    "answers": Answer.objects.filter(response=scan).count(),
    "rows": ScoreRow.objects.filter(response=scan).count(),
}))
"""


class Server:
    def __init__(self, env: dict[str, str]):
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, **extra: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVE, "serve", "--port", str(self.port), "--workers", "1", "--threads", "2"],
            env=self.env | extra,
            cwd=REPO_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: the kill reaches the master and its worker
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/accounts/login/", timeout=5) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                if self.process.poll() is not None:
                    raise AssertionError(f"the server exited with {self.process.returncode}") from None
                time.sleep(0.3)
        raise AssertionError("the server did not answer within 90 s")

    def kill(self) -> None:
        """SIGKILL: no shutdown handler, no rollback by the app; the database must cope on its own."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)
        self.process = None

    def stop(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
            self.process = None


def run_in(env: dict[str, str], code: str, *args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.fixture
def database_url() -> Iterator[str | None]:
    """None for SQLite; on PostgreSQL a fresh database of this test's own, dropped afterwards."""
    base = os.environ.get("DATABASE_URL")
    if not base:
        yield None
        return
    import psycopg

    name = f"faults_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urllib.parse.urlparse(base)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def server_env(tmp_path: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GROEIMODEL_", "DATABASE_URL", "DJANGO_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "GROEIMODEL_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(REPO_ROOT),
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def submit_form(server: Server, scan: int, cookie: str, session: str) -> tuple[Any, bytes]:
    """The review page's submit form as a signed-in browser has it: an opener with the cookies, and the body."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
    opener.addheaders = [("Cookie", f"{cookie}={session}")]
    with opener.open(f"{server.url}/scans/{scan}/review/", timeout=30) as page:
        html = page.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token is not None
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    opener.addheaders = [("Cookie", f"{cookie}={session}; csrftoken={csrf}")]
    return opener, urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1)}).encode()


def post(server: Server, scan: int, form: tuple[Any, bytes]) -> int:
    """The status code of posting the submit form, or 0 when the connection broke."""
    opener, data = form
    try:
        with opener.open(f"{server.url}/scans/{scan}/submit/", data=data, timeout=120) as response:
            return int(response.status)
    except urllib.error.HTTPError as err:
        return int(err.code)
    except (OSError, urllib.error.URLError):
        return 0


def submit(server: Server, scan: int, cookie: str, session: str) -> int:
    return post(server, scan, submit_form(server, scan, cookie, session))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def test_a_server_killed_mid_submit_leaves_a_whole_draft_and_the_next_submit_stores_everything(server_env, tmp_path):
    marker = tmp_path / "paused"
    server = Server(server_env)
    server.start(GROEIMODEL_TEST_SUBMIT_PAUSE="60", GROEIMODEL_TEST_SUBMIT_PAUSE_MARKER=str(marker))
    try:
        setup = run_in(server_env, SETUP)
        scan = setup["scan"]
        outcome: list[int] = []
        thread = threading.Thread(
            target=lambda: outcome.append(submit(server, scan, setup["cookie"], setup["session"])), daemon=True
        )
        thread.start()
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.read_text() == f"score-rows {scan}"  # the server is halfway through the score rows
        server.kill()
        thread.join(timeout=30)
        assert outcome == [0]  # the browser saw the connection break, not an answer

        server.start()
        assert run_in(server_env, STATE, str(scan)) == {
            "status": "draft",
            "result": False,
            "answers": setup["answers"],
            "rows": 0,
        }
        assert submit(server, scan, setup["cookie"], setup["session"]) == 302
        assert run_in(server_env, STATE, str(scan)) == {
            "status": "submitted",
            "result": True,
            "answers": setup["answers"],
            "rows": setup["rows"],
        }
    finally:
        server.stop()


def test_servers_killed_at_random_moments_of_submits_leave_each_response_whole_or_untouched(server_env):
    """No controlled pause: SIGKILL a moment after the submit was sent, wherever the server is then."""
    server = Server(server_env)
    server.start()
    try:
        setup = run_in(server_env, SETUP, "4")
        chance = random.Random(13)
        for scan in setup["scans"]:
            form = submit_form(server, scan, setup["cookie"], setup["session"])
            thread = threading.Thread(target=post, args=(server, scan, form), daemon=True)
            thread.start()
            time.sleep(chance.uniform(0.0, 0.3))
            server.kill()
            thread.join(timeout=30)
            server.start()
            state = run_in(server_env, STATE, str(scan))
            whole = {"status": "submitted", "result": True, "answers": setup["answers"], "rows": setup["rows"]}
            untouched = {"status": "draft", "result": False, "answers": setup["answers"], "rows": 0}
            assert state in (whole, untouched), state
    finally:
        server.stop()
