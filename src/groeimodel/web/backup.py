"""``groeimodel backup FILE`` and ``groeimodel restore FILE``: the configured SQLite database, copied with SQLite's
online backup (``sqlite3.Connection.backup``), so a backup can be made while the server runs and is a consistent
snapshot of one moment.

A restore replaces the configured database with a backup. It checks the file first: a SQLite database (not just
any file), intact (``PRAGMA quick_check``), made by groeimodel (its ``django_migrations`` table has the groeimodel
apps' migrations) and not by a newer version (every migration it has applied is one this version knows). A backup
made by an older version is restored and its missing migrations are applied when the server next starts
(``groeimodel serve``) or by ``groeimodel manage migrate``. A restore needs ``--yes``; the database it replaces is
first kept beside it as ``<name>.before-restore``. A restore refuses while a server runs on the database:
``groeimodel serve`` holds a shared lock (``flock``) on ``<name>.serving`` beside the database for as long as it
runs, and the restore needs that lock exclusively. (A server started some other way, or on another machine over a
network file system, is not seen; stop it first.)

For PostgreSQL (``DATABASE_URL``) both commands refuse with the pg_dump / pg_restore commands to use instead
(docs/operations.md).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SQLITE_HEADER = b"SQLite format 3\x00"
# The apps whose migrations make a database a groeimodel database.
APPS = ("accounts", "companies", "scans", "initiatives", "invitations", "audit")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, for the person at the command line."""


@dataclass(frozen=True)
class Checked:
    """What a backup file holds: its applied migrations, and those this version has that it lacks."""

    path: Path
    migrations: int
    missing: tuple[str, ...]  # "app.name" this version knows and the backup has not applied yet
    tables: int


def configured_database(databases: dict[str, Any] | None = None) -> Path:
    """The configured SQLite file; for PostgreSQL a BackupError naming the pg_dump / pg_restore route."""
    if databases is None:
        from django.conf import settings

        databases = settings.DATABASES
    db = databases["default"]
    engine = db.get("ENGINE", "")
    if engine.endswith("sqlite3"):
        return Path(db["NAME"])
    if "postgresql" in engine:
        target = f"--host={db.get('HOST') or 'localhost'} --port={db.get('PORT') or 5432} --username={db.get('USER')}"
        name = db.get("NAME")
        raise BackupError(
            "the database is PostgreSQL (DATABASE_URL); back it up with PostgreSQL's own tools:\n"
            f"  pg_dump {target} --format=custom --file=groeimodel.dump {name}\n"
            f"  pg_restore {target} --clean --if-exists --no-owner --dbname={name} groeimodel.dump\n"
            "(see docs/operations.md)"
        )
    raise BackupError(f"backup and restore support SQLite and PostgreSQL only, not {engine}")


def _known_migrations() -> set[tuple[str, str]]:
    from django.db.migrations.loader import MigrationLoader

    return {key for key in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}


def check_backup(path: Path, known: set[tuple[str, str]] | None = None) -> Checked:
    """Whether ``path`` is an intact groeimodel database that this version can restore; BackupError if not."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    with path.open("rb") as f:
        if f.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path}: not a SQLite database, so not a groeimodel backup")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{path}: cannot be opened as a SQLite database ({exc})") from None
    try:
        if con.execute("PRAGMA quick_check").fetchone() != ("ok",):
            raise BackupError(f"{path}: the database is damaged (PRAGMA quick_check failed)")
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "django_migrations" not in tables:
            raise BackupError(f"{path}: a SQLite database, but not a groeimodel one (no django_migrations table)")
        applied = set(con.execute("SELECT app, name FROM django_migrations").fetchall())
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: not a readable SQLite database ({exc})") from None
    finally:
        con.close()
    if not {app for app, _name in applied} >= set(APPS):
        raise BackupError(f"{path}: a SQLite database, but not a groeimodel one (its migrations are not groeimodel's)")
    known = _known_migrations() if known is None else known
    newer = sorted(f"{app}.{name}" for app, name in applied - known)
    if newer:
        raise BackupError(
            f"{path}: made by a newer version of groeimodel (migrations this version does not know: "
            f"{', '.join(newer[:5])}{', …' if len(newer) > 5 else ''}); restore it with that version"
        )
    missing = tuple(sorted(f"{app}.{name}" for app, name in known - applied if app in APPS))
    return Checked(path=path, migrations=len(applied), missing=missing, tables=len(tables))


_serving: list[int] = []  # the open lock file of this server process, held until it exits


def _serving_lock_file(database: Path) -> Path:
    return database.with_name(f"{database.name}.serving")


def hold_serving_lock(databases: dict[str, Any] | None = None) -> None:
    """Called by ``groeimodel serve``: a shared lock that ``restore`` checks, held until the process exits (the
    gunicorn workers inherit it). Nothing to do for PostgreSQL."""
    try:
        database = configured_database(databases)
    except BackupError:
        return
    fd = os.open(_serving_lock_file(database), os.O_CREAT | os.O_RDWR, 0o600)
    fcntl.flock(fd, fcntl.LOCK_SH)
    _serving.append(fd)


def _no_server_running(database: Path) -> int:
    """An exclusive lock on the database's serving lock, held through the restore; BackupError while a server
    holds its shared one."""
    fd = os.open(_serving_lock_file(database), os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise BackupError(f"a server is running on {database} (groeimodel serve); stop it, then restore") from None
    return fd


def _copy(source: Path, target: Path, *, one_file: bool = False) -> None:
    """SQLite's online backup of ``source`` into ``target`` (a consistent snapshot, whatever else is writing);
    ``one_file`` turns the copy's write-ahead log off, so the backup is one self-contained file."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        if one_file:
            dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()


def backup_database(target: Path, *, database: Path | None = None) -> Checked:
    """Copy the configured database (or ``database``) to ``target``, mode 0600; refuses an existing ``target``."""
    source = configured_database() if database is None else database
    if not source.is_file():
        raise BackupError(f"{source}: the database does not exist yet (nothing to back up)")
    if target.exists():
        raise BackupError(f"{target}: exists already; choose a new file name")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent}: no such directory")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)  # the data is personal: owner only
    os.close(fd)
    try:
        _copy(source, partial, one_file=True)
        checked = check_backup(partial)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Checked(path=target, migrations=checked.migrations, missing=checked.missing, tables=checked.tables)


def restore_database(source: Path, *, yes: bool, database: Path | None = None) -> tuple[Checked, Path | None]:
    """Replace the configured database (or ``database``) with the backup ``source``, after checking it; the
    replaced database is kept as ``<name>.before-restore``, whose path is returned (None when there was none)."""
    target = configured_database() if database is None else database
    checked = check_backup(source)
    if source.resolve() == target.resolve():
        raise BackupError(f"{source}: that is the configured database itself")
    if not yes:
        raise BackupError(
            f"this replaces every record in {target} with the contents of {source}; stop the server, then run "
            "the command again with --yes"
        )
    from django.db import connections

    lock = _no_server_running(target)
    try:
        connections.close_all()
        kept: Path | None = None
        if target.is_file():
            kept = target.with_name(f"{target.name}.before-restore")
            kept.unlink(missing_ok=True)
            _copy(target, kept, one_file=True)
            os.chmod(kept, 0o600)
        _copy(source, target)
    finally:
        os.close(lock)  # closing the file releases the lock
    return checked, kept
