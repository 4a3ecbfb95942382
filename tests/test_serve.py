"""`make run` serves the product as in production: DEBUG off, its own error pages, static files, a kept key."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

SERVE = "from groeimodel.cli import app; app()"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def serve_locally(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GROEIMODEL_", "DATABASE_URL", "DJANGO_"))}
    env |= {"GROEIMODEL_LOCAL": "true", "GROEIMODEL_DATA_DIR": str(data_dir)}
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE, "serve", "--port", str(port), "--workers", "1", "--threads", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            if process.poll() is not None:
                raise AssertionError(f"groeimodel serve exited with {process.returncode}") from None
            time.sleep(0.2)
    process.kill()
    raise AssertionError("groeimodel serve did not start within 60 s")


@pytest.fixture
def local_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    port = free_port()
    process = serve_locally(tmp_path, port)
    try:
        yield f"http://127.0.0.1:{port}", tmp_path
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_a_local_run_behaves_like_production_with_its_own_error_pages_and_static_files(local_server):
    url, data_dir = local_server
    status, page = get(url + "/bestaat-niet/")
    assert status == 404
    assert "Pagina niet gevonden" in page and "Traceback" not in page and "URLconf" not in page
    status, css = get(url + "/static/groeimodel/app.css")
    assert status == 200 and "@media print" in css
    status, login = get(url + "/accounts/login/")
    assert status == 200 and 'name="username"' in login
    key = data_dir / "secret-key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(key.read_text()) >= 50 and not key.read_text().startswith("django-insecure")


def test_the_local_secret_key_is_made_once_and_kept(tmp_path):
    first_port = free_port()
    process = serve_locally(tmp_path, first_port)
    process.terminate()
    process.wait(timeout=20)
    key = (tmp_path / "secret-key").read_text()
    second = serve_locally(tmp_path, free_port())
    second.terminate()
    second.wait(timeout=20)
    assert (tmp_path / "secret-key").read_text() == key


def test_the_500_page_is_our_own_and_needs_no_request_context():
    from django.test import RequestFactory
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override("nl"):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Er ging iets mis" in response.content.decode()
