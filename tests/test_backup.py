"""`groeimodel backup FILE` and `groeimodel restore FILE`, run as a person runs them: the installed command in its
own process, on a SQLite database in its own data directory."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

COMMAND = str(Path(sys.executable).with_name("groeimodel"))

# A small organisation with a company, a submitted scan with employees' answers, an initiative and a round: rows
# in every table of the app.
FILL = """
from groeimodel.web.accounts.models import Organisation
from groeimodel.web.accounts.services import create_user
from groeimodel.web.companies.models import Company
from groeimodel.web.initiatives.models import Initiative
from groeimodel.web.invitations.models import EmployeeRound
from groeimodel.web.invitations.services import answer_round
from groeimodel.web.scans.services import model_of, save_answers, start_scan, submit_scan
from groeimodel.web.audit.services import record

org = Organisation.objects.create(name="Adviesbureau Backup", slug="backup")
user = create_user(organisation=org, username="beheerder", password="a-long-test-password", role="beheerder")
company = Company.objects.create(organisation=org, name="Bakkerij Kopie", kvk_number="87654321",
                                 sbi_section="C", employees=12, province="GE")
scan = start_scan(company=company, user=user)
answers = {item.id: 4 for item in model_of(scan).items}
save_answers(scan=scan, answers=answers)
submit_scan(scan=scan, user=user)
round_ = EmployeeRound.objects.create(wave=scan.wave)
for _ in range(5):
    answer_round(round_pk=round_.pk, answers=answers, leads_people=True)
Initiative.objects.create(company=company, title="Werkplaats", description="Samen leren.", level=2)
record(actor=user, organisation=org, action="update", object_kind="company", object_id=company.pk,
       label=company.name)
"""


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    return {
        **env,
        "GROEIMODEL_DEBUG": "true",
        "GROEIMODEL_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "groeimodel.web.settings",
        **extra,
    }


def groeimodel(data_dir: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [COMMAND, *args], env=environment(data_dir, **extra), capture_output=True, text=True, timeout=300
    )


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of the database with all its rows, in a fixed order."""
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        con.close()


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated groeimodel database with data, made once; each test works on a copy."""
    data_dir = tmp_path_factory.mktemp("filled")
    for args in (("manage", "migrate", "-v0"), ("manage", "shell", "-c", FILL)):
        done = groeimodel(data_dir, *args)
        assert done.returncode == 0, done.stderr
    database = data_dir / "groeimodel.sqlite3"
    con = sqlite3.connect(database)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return database


@pytest.fixture
def data_dir(tmp_path: Path, filled: Path) -> Path:
    directory = tmp_path / "var"
    directory.mkdir()
    shutil.copy(filled, directory / "groeimodel.sqlite3")
    return directory


def test_backup_then_a_change_then_restore_gives_back_every_table_as_it_was(data_dir: Path, tmp_path: Path):
    database = data_dir / "groeimodel.sqlite3"
    copy = tmp_path / "groeimodel-backup.sqlite3"
    done = groeimodel(data_dir, "backup", str(copy))
    assert done.returncode == 0, done.stderr
    assert copy.stat().st_mode & 0o777 == 0o600  # personal data: owner only
    before = dump(database)
    assert dump(copy) == before
    assert all(before[t] for t in ("scans_answer", "scans_scorerow", "initiatives_initiative", "audit_auditrecord"))

    con = sqlite3.connect(database)  # the change: a company renamed, answers lost, a user added
    with con:
        con.execute("UPDATE companies_company SET name = 'Hernoemd'")
        con.execute("DELETE FROM scans_answer")
        con.execute(
            "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, "
            "is_active, date_joined) VALUES ('x', 0, 'indringer', '', '', '', 0, 1, '2026-12-01')"
        )
    con.close()
    changed = dump(database)
    assert changed != before

    done = groeimodel(data_dir, "restore", str(copy), "--yes")
    assert done.returncode == 0, done.stderr
    assert dump(database) == before
    kept = data_dir / "groeimodel.sqlite3.before-restore"
    assert dump(kept) == changed and kept.stat().st_mode & 0o777 == 0o600
    shell = "from groeimodel.web.companies.models import Company; print(Company.objects.get().name)"
    assert groeimodel(data_dir, "manage", "shell", "-c", shell).stdout.splitlines()[-1] == "Bakkerij Kopie"


def refused(data_dir: Path, file: Path, message: str) -> None:
    database = data_dir / "groeimodel.sqlite3"
    before = dump(database)
    done = groeimodel(data_dir, "restore", str(file), "--yes")
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert message in done.stderr and "Traceback" not in done.stderr
    assert dump(database) == before  # nothing restored, nothing half-written
    assert not (data_dir / "groeimodel.sqlite3.before-restore").exists()


def test_a_file_that_is_not_a_database_is_refused_with_exit_2_and_a_message(data_dir: Path, tmp_path: Path):
    text = tmp_path / "notities.sqlite3"
    text.write_text("Dit is geen database.\n")
    refused(data_dir, text, "not a SQLite database")
    empty = tmp_path / "leeg.sqlite3"
    empty.write_bytes(b"")
    refused(data_dir, empty, "not a SQLite database")
    refused(data_dir, tmp_path / "bestaat-niet.sqlite3", "no such file")


def test_a_sqlite_database_of_something_else_is_refused(data_dir: Path, tmp_path: Path):
    other = tmp_path / "ander.sqlite3"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE klanten (naam TEXT)")
    con.commit()
    con.close()
    refused(data_dir, other, "not a groeimodel one")
    django_but_not_ours = tmp_path / "django.sqlite3"
    con = sqlite3.connect(django_but_not_ours)
    con.execute("CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app TEXT, name TEXT, applied TEXT)")
    con.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('blog', '0001_initial', '2026-01-01')")
    con.commit()
    con.close()
    refused(data_dir, django_but_not_ours, "not a groeimodel one")


def test_a_backup_of_a_newer_version_or_a_damaged_one_is_refused(data_dir: Path, tmp_path: Path, filled: Path):
    newer = tmp_path / "nieuwer.sqlite3"
    shutil.copy(filled, newer)
    con = sqlite3.connect(newer)
    with con:
        con.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('scans', '0099_future', '2030-01-01')")
    con.close()
    refused(data_dir, newer, "newer version of groeimodel (migrations this version does not know: scans.0099_future")
    damaged = tmp_path / "beschadigd.sqlite3"
    damaged.write_bytes(filled.read_bytes()[: 4096 * 3])
    done = groeimodel(data_dir, "restore", str(damaged), "--yes")
    assert done.returncode == 2 and "groeimodel: error:" in done.stderr and "Traceback" not in done.stderr


def test_restore_asks_for_yes_and_changes_nothing_without_it(data_dir: Path, tmp_path: Path, filled: Path):
    copy = tmp_path / "kopie.sqlite3"
    shutil.copy(filled, copy)
    database = data_dir / "groeimodel.sqlite3"
    before = dump(database)
    done = groeimodel(data_dir, "restore", str(copy))
    assert done.returncode == 2 and "--yes" in done.stderr and "stop the server" in done.stderr
    assert dump(database) == before


def test_backup_does_not_overwrite_an_existing_file(data_dir: Path, tmp_path: Path):
    existing = tmp_path / "bestaat.sqlite3"
    existing.write_text("iets anders")
    done = groeimodel(data_dir, "backup", str(existing))
    assert done.returncode == 2 and "exists already" in done.stderr
    assert existing.read_text() == "iets anders"


def test_on_postgresql_both_commands_give_the_pg_dump_and_pg_restore_commands(tmp_path: Path):
    url = "postgres://groeimodel:geheim@db.example.org:5433/groeimodel"
    for command in ("backup", "restore"):
        done = groeimodel(tmp_path, command, str(tmp_path / "x.dump"), DATABASE_URL=url)
        assert done.returncode == 2, done.stderr
        assert (
            "pg_dump --host=db.example.org --port=5433 --username=groeimodel --format=custom "
            "--file=groeimodel.dump groeimodel"
        ) in done.stderr
        assert "pg_restore --host=db.example.org --port=5433 --username=groeimodel --clean" in done.stderr
        assert "geheim" not in done.stderr  # the password is not printed


def test_restore_refuses_while_a_server_runs_on_the_database(data_dir: Path, tmp_path: Path, filled: Path):
    from tests.test_serve import free_port, serve_locally

    copy = tmp_path / "kopie.sqlite3"
    shutil.copy(filled, copy)
    database = data_dir / "groeimodel.sqlite3"
    before = dump(database)
    server = serve_locally(data_dir, free_port())
    try:
        done = groeimodel(data_dir, "restore", str(copy), "--yes")
        assert done.returncode == 2 and "a server is running on" in done.stderr, done.stderr
        assert dump(database) == before
    finally:
        server.terminate()
        server.wait(timeout=20)
    done = groeimodel(data_dir, "restore", str(copy), "--yes")
    assert done.returncode == 0, done.stderr
