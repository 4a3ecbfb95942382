# The level and block scores of every scored response once more as one mapping on the response (Response.scores),
# filled from its score rows in one statement per database: the keys as scans.models.score_key makes them
# ("2" a level, "2:l2.strategie" a block), the values exactly the rows' floats.

from typing import Any

from django.db import migrations, models

POSTGRESQL = [
    # Floats as their shortest exact text (the default from PostgreSQL 12 on; set here whatever the server's is).
    "SET LOCAL extra_float_digits = 1",
    """
    UPDATE scans_response r SET scores = s.scores
    FROM (
        SELECT response_id,
               jsonb_object_agg(CASE WHEN block = '' THEN level::text ELSE level::text || ':' || block END, score)
                   AS scores
        FROM scans_scorerow
        GROUP BY response_id
    ) s
    WHERE r.id = s.response_id
    """,
]

# SQLite's JSON functions write a float with 15 significant digits, which does not always give the same float
# back; printf's %!.17g does (17 digits always do).
SQLITE = [
    """
    UPDATE scans_response SET scores = (
        SELECT json_group_object(
                   CASE WHEN block = '' THEN CAST(level AS TEXT) ELSE CAST(level AS TEXT) || ':' || block END,
                   CASE WHEN score IS NULL THEN NULL ELSE json(printf('%!.17g', score)) END)
        FROM scans_scorerow WHERE response_id = scans_response.id
    )
    WHERE EXISTS (SELECT 1 FROM scans_scorerow WHERE response_id = scans_response.id)
    """,
]


def fill(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        for sql in POSTGRESQL if vendor == "postgresql" else SQLITE:
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("scans", "0007_monitor_cells"),
    ]

    operations = [
        migrations.AddField(
            model_name="response",
            name="scores",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
