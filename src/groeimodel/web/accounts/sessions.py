"""A deactivated user's sessions end at once, and `migrate` makes the table of the shared rate-limit counters."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone


def end_sessions(user: Any) -> int:
    """Deletes every live session of ``user``; returns how many there were."""
    user_id = str(user.pk)
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == user_id
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def end_sessions_of_deactivated_user(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """post_save of the user model: the account was saved inactive (through any form, service or command)."""
    if instance.is_active or (update_fields is not None and "is_active" not in update_fields):
        return
    end_sessions(instance)


def make_cache_table(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """post_migrate: the database cache's table (createcachetable; it leaves an existing table alone)."""
    call_command("createcachetable", database=using, verbosity=0)
