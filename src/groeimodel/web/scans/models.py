from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from groeimodel.web.companies.models import Company


class Scan(models.Model):
    """One filled-in questionnaire of a company in a wave (T0, T1, ...), scored when it is submitted."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("in progress")
        SUBMITTED = "submitted", _("submitted")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="scans")
    wave = models.CharField(_("wave"), max_length=8)
    model_id = models.CharField(max_length=64)
    model_version = models.CharField(max_length=32)
    model_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Stored at submission by the core (DESIGN §4): the monitor and benchmark aggregate these, never re-score.
    position = models.PositiveSmallIntegerField(null=True, blank=True)
    next_level = models.PositiveSmallIntegerField(null=True, blank=True)
    result: models.JSONField[Any] = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["company", "wave"]
        constraints = [models.UniqueConstraint(fields=["company", "wave"], name="one_scan_per_company_wave")]

    def __str__(self) -> str:
        return f"{self.company} {self.wave}"

    @property
    def submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class Answer(models.Model):
    """An answer to one statement: 1..5, or None for "weet niet / n.v.t."; no row means not answered yet."""

    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="answers")
    item_id = models.CharField(max_length=64)
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scan", "item_id"], name="one_answer_per_item")]
