"""Employee rounds: one invitation link per wave, kept apart from the responses (DESIGN §4).

A round knows how many answered, never who: no e-mail address, IP address or user agent is stored, and an
employee's response is not linked to the round or to anyone. The token in the link is the only key.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from groeimodel.web.scans.models import Wave


def new_token() -> str:
    return secrets.token_urlsafe(24)


class EmployeeRound(models.Model):
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="employee_rounds")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    answered = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["wave", "opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["wave"], condition=Q(closed_at__isnull=True), name="one_open_round_per_wave"
            )
        ]

    def __str__(self) -> str:
        return f"{self.wave} employee round"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
