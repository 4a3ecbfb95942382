"""Plain rows into a table in one ``INSERT``, for the hot write paths (an API submission writes 60 answers and 19
score rows): ``bulk_create`` builds a model instance per row and prepares every field of every row in Python, which
costs more than the database's own work (bench/README.md, "The API scenario"). Nothing else differs: no signals
(``bulk_create`` sends none either), the same columns, values and defaults written by the caller.

On PostgreSQL the rows go in as one array per column (``INSERT ... SELECT * FROM UNNEST(%s::bigint[], ...)``, as
Django's own ``bulk_create`` does there): a statement of a few placeholders, whose text psycopg converts once and
keeps, where 60 rows of four columns would be 240 placeholders parsed again on every submission."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models

# Rows per statement: far below SQLite's limit of 32,766 parameters even for wide rows.
CHUNK = 500


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field), f"{model.__name__}.{name} is not a column"
    return field


def db_value(model: type[models.Model], field: str, value: Any) -> Any:
    """``value`` as the database takes it for ``model.field`` (e.g. a datetime for SQLite's text column)."""
    return _field(model, field).get_db_prep_save(value, connection)


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` (values in the order of ``fields``, as the database takes them: ints, floats, strings,
    booleans, None, or :func:`db_value`) into ``model``'s table."""
    if not rows:
        return
    qn = connection.ops.quote_name
    meta = model._meta
    columns = ", ".join(qn(str(_field(model, f).column)) for f in fields)
    types = [_field(model, f).db_type(connection) for f in fields]
    if connection.vendor == "postgresql" and len(rows) > 1 and None not in types:
        # The column's type without its length (varchar[], not varchar(40)[]), as Django's UNNEST insert does.
        arrays = ", ".join(f"%s::{str(t).split('(')[0]}[]" for t in types)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {qn(meta.db_table)} ({columns}) SELECT * FROM UNNEST({arrays})",
                [list(column) for column in zip(*rows, strict=True)],
            )
        return
    marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            cursor.execute(
                f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES {', '.join([marks] * len(chunk))}",
                [value for row in chunk for value in row],
            )
