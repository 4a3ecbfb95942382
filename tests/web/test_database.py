from __future__ import annotations

import os

from django.db import connection


def test_the_suite_runs_on_the_database_it_was_asked_for(db):
    # `make test` runs the suite on SQLite and again with DATABASE_URL pointing at a real PostgreSQL server.
    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert connection.vendor == expected
