# Response.scores rounded as the exports write them (4 decimals, half away from zero on the decimal text, as
# groeimodel.monitor.export.round_score does on submit from now on), each value stored as the text Python prints
# for that float ("70.0", "49.1667"): PostgreSQL then writes the wave-data CSV of them as text, without rounding.
# On PostgreSQL the mapping is also kept uncompressed in the row (storage PLAIN: at most about 1 kB for a model's
# levels and blocks): the export reads every one of them, and decompressing them cost it about 2 s of the
# database's CPU per 500,000 scans (bench/README.md). The UPDATE below writes every value anew, so in that form.

import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import migrations

POSTGRESQL = """
    UPDATE scans_response SET scores = (
        SELECT jsonb_object_agg(e.key, CASE WHEN jsonb_typeof(e.value) <> 'number' THEN e.value ELSE (
                   SELECT to_jsonb(CASE WHEN x = trunc(x) THEN round(x, 1) ELSE trim_scale(x) END)
                   FROM (SELECT round(e.value::numeric, 4) AS x) r) END)
        FROM jsonb_each(scores) e
    )
    WHERE scores IS NOT NULL AND scores <> '{}'::jsonb
"""

_QUANTUM = Decimal("0.0001")


def _rounded(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return float(Decimal(repr(float(value))).quantize(_QUANTUM, ROUND_HALF_UP))


def fill(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE scans_response ALTER COLUMN scores SET STORAGE PLAIN")
            cursor.execute(POSTGRESQL)
            return
        cursor.execute("SELECT id, scores FROM scans_response WHERE scores IS NOT NULL")
        rows = cursor.fetchall()
        updates = []
        for pk, text in rows:
            scores = json.loads(text)
            if isinstance(scores, dict):
                updates.append((json.dumps({k: _rounded(v) for k, v in scores.items()}), pk))
        cursor.executemany("UPDATE scans_response SET scores = %s WHERE id = %s", updates)


class Migration(migrations.Migration):
    dependencies = [
        ("scans", "0008_response_scores"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
