from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """An advisory organisation, or one firm on its own. Holds users and companies."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    BEHEERDER = "beheerder", _("administrator")
    ADVISEUR = "adviseur", _("advisor")
    ONDERNEMER = "ondernemer", _("entrepreneur")
    ANALIST = "analist", _("analyst")


class Membership(models.Model):
    """A user's place: one organisation, one role; an entrepreneur also has their own company."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="entrepreneurs",
        verbose_name=_("own company"),
    )

    class Meta:
        verbose_name = _("membership")

    def __str__(self) -> str:
        return f"{self.user} ({self.role}, {self.organisation})"
