"""Who did what to which object, and when: one row per action that creates, changes, submits, exports, archives,
restores or removes something another user would miss. The label keeps the object's name readable after the object
is gone. Employees' answers are never recorded: they are anonymous, and a time stamp per answer could name them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from groeimodel.web.accounts.models import Organisation


class AuditRecord(models.Model):
    class Action(models.TextChoices):
        ARCHIVE = "archive", _("archived")
        RESTORE = "restore", _("restored")
        DELETE = "delete", _("deleted")
        UPDATE = "update", _("changed")
        PASSWORD_RESET = "password-reset", _("password reset link sent")
        CREATE = "create", _("created")
        SUBMIT = "submit", _("submitted")
        EXPORT = "export", _("exported")
        OPEN = "open", _("opened")
        CLOSE = "close", _("closed")
        IMPORT = "import", _("imported")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="audit_records")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_name = models.CharField(max_length=150)  # the username, kept when the user is removed
    action = models.CharField(max_length=20, choices=Action.choices)
    object_kind = models.CharField(max_length=40)  # "company", "scan", "wave", "initiative", "user", "round"
    object_id = models.PositiveBigIntegerField()
    label = models.CharField(max_length=300)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "object_kind", "object_id"]),
            models.Index(fields=["organisation", "-at"], name="audit_org_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_kind} {self.object_id}"
