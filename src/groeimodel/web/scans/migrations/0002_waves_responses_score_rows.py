"""Scans become responses in waves, and their scores are stored as rows too.

Every existing scan becomes the owner's/management response of a wave with the same number (T0 -> 0, T1 -> 1)
and the scan's model; the wave's date is the day the scan was submitted (or started). Nothing is lost: answers
move with their response, and every submitted result gets its block and level rows.
"""

import re
from typing import Any

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import migrations, models


def scans_into_waves(apps: Any, schema_editor: Any) -> None:
    Response = apps.get_model("scans", "Response")
    Wave = apps.get_model("scans", "Wave")
    ScoreRow = apps.get_model("scans", "ScoreRow")
    for response in Response.objects.order_by("pk").iterator():
        match = re.fullmatch(r"T(\d+)", response.wave_label or "")
        number = int(match.group(1)) if match else 0
        day = response.submitted_at or response.created_at or django.utils.timezone.now()
        wave, _ = Wave.objects.get_or_create(
            company_id=response.company_id,
            number=number,
            defaults={
                "date": django.utils.timezone.localtime(day).date(),
                "model_id": response.model_id,
                "model_version": response.model_version,
                "created_by_id": response.created_by_id,
            },
        )
        response.wave = wave
        response.respondent = "management"
        response.save(update_fields=["wave", "respondent"])
        if response.status == "submitted" and response.result:
            rows = []
            for level in response.result["levels"]:
                common = {
                    "response": response,
                    "wave": wave,
                    "company_id": response.company_id,
                    "respondent": "management",
                    "model_id": response.model_id,
                    "level": level["level"],
                }
                rows.append(
                    ScoreRow(**common, block="", score=level["score"], band=level["band"], achieved=level["achieved"])
                )
                rows += [
                    ScoreRow(**common, block=b["id"], score=b["score"], band=b["band"], achieved=None)
                    for b in level["blocks"]
                ]
            ScoreRow.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0002_archive_and_unique_kvk"),
        ("scans", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Wave",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveSmallIntegerField()),
                ("date", models.DateField(default=django.utils.timezone.localdate, verbose_name="date")),
                ("model_id", models.CharField(max_length=64)),
                ("model_version", models.CharField(max_length=32)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "employees_fte",
                    models.DecimalField(
                        blank=True, decimal_places=1, max_digits=8, null=True,
                        validators=[MinValueValidator(0)], verbose_name="employees (FTE)",
                    ),
                ),
                (
                    "revenue",
                    models.DecimalField(
                        blank=True, decimal_places=2, max_digits=14, null=True,
                        validators=[MinValueValidator(0)], verbose_name="revenue (EUR)",
                    ),
                ),
                (
                    "added_value",
                    models.DecimalField(
                        blank=True, decimal_places=2, max_digits=14, null=True, verbose_name="added value (EUR)"
                    ),
                ),
                (
                    "profit",
                    models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name="profit (EUR)"),
                ),
                (
                    "export_share",
                    models.DecimalField(
                        blank=True, decimal_places=2, max_digits=5, null=True,
                        validators=[MinValueValidator(0), MaxValueValidator(100)],
                        verbose_name="export share of revenue (%)",
                    ),
                ),
                ("level_indicators", models.JSONField(blank=True, default=dict)),
                (
                    "company",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="waves", to="companies.company"
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["company", "number"],
                "constraints": [
                    models.UniqueConstraint(fields=("company", "number"), name="one_wave_number_per_company")
                ],
            },
        ),
        migrations.RemoveConstraint(model_name="scan", name="one_scan_per_company_wave"),
        migrations.RemoveConstraint(model_name="answer", name="one_answer_per_item"),
        migrations.RenameModel(old_name="Scan", new_name="Response"),
        migrations.RenameField(model_name="response", old_name="wave", new_name="wave_label"),
        migrations.RenameField(model_name="answer", old_name="scan", new_name="response"),
        migrations.AddField(
            model_name="response",
            name="wave",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="responses", to="scans.wave"
            ),
        ),
        migrations.AddField(
            model_name="response",
            name="respondent",
            field=models.CharField(
                choices=[("management", "owner or management"), ("employee", "employee")],
                default="management",
                max_length=12,
            ),
        ),
        migrations.AddField(model_name="response", name="leads_people", field=models.BooleanField(blank=True, null=True)),
        migrations.CreateModel(
            name="ScoreRow",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "respondent",
                    models.CharField(
                        choices=[("management", "owner or management"), ("employee", "employee")], max_length=12
                    ),
                ),
                ("model_id", models.CharField(max_length=64)),
                ("level", models.PositiveSmallIntegerField()),
                ("block", models.CharField(blank=True, max_length=64)),
                ("score", models.FloatField(null=True)),
                ("band", models.CharField(max_length=32, null=True)),
                ("achieved", models.BooleanField(null=True)),
                (
                    "company",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="score_rows", to="companies.company"
                    ),
                ),
                (
                    "response",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="score_rows", to="scans.response"
                    ),
                ),
                (
                    "wave",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="score_rows", to="scans.wave"
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["model_id", "respondent", "level", "block"], name="scans_score_model_i_idx"),
                    models.Index(fields=["company", "wave"], name="scans_score_company_idx"),
                ],
            },
        ),
        migrations.RunPython(scans_into_waves, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(model_name="response", name="company"),
        migrations.RemoveField(model_name="response", name="wave_label"),
        migrations.AlterField(
            model_name="response",
            name="wave",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="responses", to="scans.wave"
            ),
        ),
        migrations.AlterModelOptions(name="response", options={"ordering": ["wave", "pk"]}),
        migrations.AddConstraint(
            model_name="answer",
            constraint=models.UniqueConstraint(fields=("response", "item_id"), name="one_answer_per_item"),
        ),
        migrations.AddConstraint(
            model_name="response",
            constraint=models.UniqueConstraint(
                condition=models.Q(("respondent", "management")),
                fields=("wave",),
                name="one_management_response_per_wave",
            ),
        ),
        migrations.AddIndex(
            model_name="response",
            index=models.Index(fields=["wave", "respondent", "status"], name="scans_respo_wave_id_idx"),
        ),
    ]
