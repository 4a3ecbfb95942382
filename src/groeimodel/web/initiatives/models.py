from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from groeimodel.web.companies.models import Company

MONEY: dict[str, Any] = {
    "max_digits": 14,
    "decimal_places": 2,
    "null": True,
    "blank": True,
    "validators": [MinValueValidator(0)],
}


class Initiative(models.Model):
    """A social-innovation initiative of a company: its level (suggested by the classifier, decided by a person)
    and its business case."""

    class Status(models.TextChoices):
        IDEA = "idea", _("idea")
        RUNNING = "running", _("running")
        DONE = "done", _("done")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="initiatives")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.IDEA)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    blocks: models.JSONField[Any] = models.JSONField(_("building blocks it works on"), default=list, blank=True)

    # The classifier's suggestion for the description as it was saved, and who decided what.
    suggested_level = models.PositiveSmallIntegerField(null=True, blank=True)
    suggestion: models.JSONField[Any] = models.JSONField(null=True, blank=True)  # probabilities, evidence, artefact
    suggested_at = models.DateTimeField(null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    level_overridden = models.BooleanField(default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    # Business case (DESIGN §3.3); the figures are computed by the core's finance functions.
    investment = models.DecimalField(_("one-off investment (EUR)"), **MONEY)
    annual_benefit = models.DecimalField(_("yearly benefit (EUR)"), **MONEY)
    annual_cost = models.DecimalField(_("yearly cost (EUR)"), **MONEY)
    years = models.PositiveSmallIntegerField(
        _("horizon (years)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    discount_rate = models.DecimalField(
        _("discount rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    indicators: models.JSONField[Any] = models.JSONField(default=dict, blank=True)  # indicator id -> number

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["company", "-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def has_business_case(self) -> bool:
        return self.investment is not None and self.annual_benefit is not None
