from __future__ import annotations

import os

from django.db import connection


def test_the_suite_runs_on_the_database_it_was_asked_for(db):
    # `make test` runs the suite on SQLite and again with DATABASE_URL pointing at a real PostgreSQL server.
    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert connection.vendor == expected


def settings_options(env: dict[str, str]) -> dict[str, object]:
    """The database OPTIONS the settings make from ``env`` (in a fresh process: the settings read the environment
    once)."""
    import json
    import subprocess
    import sys

    code = (
        "import json, groeimodel.web.settings as s; "
        "print(json.dumps(s.DATABASES['default'].get('OPTIONS', {}), default=str))"
    )
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    run = subprocess.run(
        [sys.executable, "-c", code], env={**base, "GROEIMODEL_DEBUG": "true", **env}, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    return dict(json.loads(run.stdout.strip().splitlines()[-1]))


def test_postgresql_binds_parameters_on_the_server_unless_told_not_to():
    url = {"DATABASE_URL": "postgres://user@db.example:5432/groeimodel"}
    assert settings_options(url) == {"server_side_binding": True, "prepare_threshold": 2}
    assert settings_options({**url, "GROEIMODEL_DB_PREPARED_STATEMENTS": "false"}) == {}
    assert "server_side_binding" not in settings_options({})  # SQLite


def test_a_statement_run_again_on_postgresql_is_prepared_by_the_server(db):
    # The API's submission runs the same dozen statements on every request; prepared, PostgreSQL parses and plans
    # each once per connection (bench/README.md, "The API scenario").
    if connection.vendor != "postgresql":
        assert "server_side_binding" not in connection.settings_dict.get("OPTIONS", {})
        return
    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute("SELECT COUNT(*) FROM scans_wave WHERE company_id = %s", [0])
        cursor.execute("SELECT COUNT(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%company_id = $1%"])
        assert cursor.fetchone()[0] >= 1
