"""The served product's defaults: a private data directory and database, no shared control socket, rate-limit
counters every process shares, a one-line log for a bad Host header, and unsafe production settings refused."""

from __future__ import annotations

import http.client
import os
import secrets
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .test_serve import SERVE, free_port

GROEIMODEL = str(Path(sys.executable).parent / "groeimodel")


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GROEIMODEL_", "DATABASE_URL", "DJANGO_"))}
    return env | extra


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([GROEIMODEL, "manage", *args], env=env, capture_output=True, text=True, timeout=120)


def test_migrate_makes_a_private_data_directory_and_database_and_counters_all_processes_share(tmp_path):
    data_dir = tmp_path / "new" / "var"
    env = clean_env(GROEIMODEL_LOCAL="true", GROEIMODEL_DATA_DIR=str(data_dir))
    result = manage(env, "migrate", "--verbosity", "0")
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / "groeimodel.sqlite3").stat().st_mode) == 0o600
    # one process counts a limited request; another process (another app-server worker) sees the count
    count = "from django.core.cache import caches; c = caches['ratelimit']; c.add('k', 0, 60); print(c.incr('k'))"
    assert manage(env, "shell", "-c", count).stdout.split()[-1:] == ["1"]
    assert manage(env, "shell", "-c", count).stdout.split()[-1:] == ["2"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"GROEIMODEL_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "delivers no mail"),
        ({"GROEIMODEL_SECRET_KEY": "ab" * 30}, "GROEIMODEL_SECRET_KEY is weak"),
        ({"GROEIMODEL_SECRET_KEY": "django-insecure-" + secrets.token_urlsafe(50)}, "at least 50 characters"),
        ({"GROEIMODEL_ALLOWED_HOSTS": "groeimodel.example.nl,*"}, "'*' would answer any Host header"),
    ],
)
def test_production_refuses_unsafe_settings_in_one_line(tmp_path, extra, message):
    safe = {"GROEIMODEL_SECRET_KEY": secrets.token_urlsafe(50), "GROEIMODEL_ALLOWED_HOSTS": "groeimodel.example.nl"}
    env = clean_env(GROEIMODEL_DATA_DIR=str(tmp_path), **(safe | extra))
    result = subprocess.run([GROEIMODEL, "serve"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_production_without_a_mail_backend_uses_smtp_and_development_keeps_the_console(tmp_path):
    code = "from django.conf import settings; print(settings.EMAIL_BACKEND)"
    production = clean_env(
        GROEIMODEL_SECRET_KEY=secrets.token_urlsafe(50),
        GROEIMODEL_ALLOWED_HOSTS="groeimodel.example.nl",
        GROEIMODEL_DATA_DIR=str(tmp_path),
    )
    assert manage(production, "shell", "-c", code).stdout.split()[-1].endswith("smtp.EmailBackend")
    local = clean_env(GROEIMODEL_LOCAL="true", GROEIMODEL_DATA_DIR=str(tmp_path))
    assert manage(local, "shell", "-c", code).stdout.split()[-1].endswith("console.EmailBackend")


def wait_for(port: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/accounts/login/")
            connection.getresponse().read()
            return
        except OSError:
            if process.poll() is not None:
                raise AssertionError(f"serve exited with {process.returncode}") from None
            time.sleep(0.3)
    raise AssertionError("serve did not start")


def test_the_server_has_no_shared_control_socket_and_logs_a_bad_host_in_one_line(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = clean_env(GROEIMODEL_LOCAL="true", GROEIMODEL_DATA_DIR=str(tmp_path / "var"), HOME=str(home))
    env.pop("XDG_RUNTIME_DIR", None)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE, "serve", "--port", str(port), "--workers", "1", "--threads", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(port, process)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/accounts/login/", headers={"Host": "evil.example"})
        assert connection.getresponse().status == 400
        time.sleep(0.5)
        assert not (home / ".gunicorn").exists()  # gunicorn's default control socket lives there
    finally:
        process.terminate()
        _out, err = process.communicate(timeout=30)
    lines = [line for line in err.splitlines() if "evil.example" in line]
    assert len(lines) == 1, err
    assert lines[0].startswith("ERROR django.security.DisallowedHost: Invalid HTTP_HOST header")
    assert "Traceback" not in err
