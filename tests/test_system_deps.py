"""`make test` installs the system packages it needs, or stops at once naming the command that does."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "system-deps.sh"


def run(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT)], env={**os.environ, **env}, capture_output=True, text=True, timeout=60, check=False
    )


def test_with_everything_present_it_passes_silently():
    result = run(SYSDEPS_INSTALL="never")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_a_missing_package_stops_it_naming_the_one_command_that_installs_it():
    result = run(SYSDEPS_INSTALL="never", SYSDEPS_CHROMIUM="/nonexistent/chromium", SYSDEPS_PGGLOB="/nonexistent/*")
    assert result.returncode == 1
    assert "apt-get install -y --no-install-recommends chromium postgresql" in result.stderr


def test_the_makefile_runs_it_before_the_tests_and_ci_only_calls_make_test():
    makefile = (SCRIPT.parent.parent / "Makefile").read_text()
    assert "test: sysdeps lint typecheck unit" in makefile
    ci = (SCRIPT.parent.parent / ".ci" / "run").read_text()
    assert "make test" in ci and "chromium" not in ci
