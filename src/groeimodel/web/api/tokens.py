"""Making, checking and revoking personal API tokens.

A token reads ``gm_<8 characters>_<43 characters>``: the first part (the prefix) is stored as it is, to find the
row and to show the user which token is which; of the whole token only its SHA-256 is stored, so a copy of the
database gives nobody a usable token. SHA-256 (not a slow password hash) is enough for 256 random bits.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from groeimodel.web.api.models import ApiToken

PREFIX = "gm_"
EXPIRY_DAYS = (30, 90, 180, 365)
DEFAULT_EXPIRY_DAYS = 90
# last_used_at is written at most this often per token, so that a busy client does not write on every request.
LAST_USED_EVERY = timedelta(minutes=1)


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # the whole token, shown once


@transaction.atomic
def create_token(*, user: Any, name: str, days: int = DEFAULT_EXPIRY_DAYS) -> NewToken:
    if days not in EXPIRY_DAYS:
        raise ValueError(f"expiry must be one of {EXPIRY_DAYS} days")
    while True:
        prefix = PREFIX + secrets.token_hex(4)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    secret = f"{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, digest=digest_of(secret), expires_at=timezone.now() + timedelta(days=days)
    )
    return NewToken(token=token, secret=secret)


def revoke_token(*, user: Any, pk: int) -> bool:
    """Revoke one of ``user``'s own tokens; False when there is no such active token."""
    return bool(ApiToken.objects.filter(user=user, pk=pk, revoked_at__isnull=True).update(revoked_at=timezone.now()))


def user_for_token(secret: str) -> Any | None:
    """The active user a valid, unexpired, unrevoked token belongs to, or None."""
    prefix = secret[: len(PREFIX) + 8]
    if not secret.startswith(PREFIX) or secret[len(prefix) : len(prefix) + 1] != "_" or len(secret) > 100:
        return None
    token = ApiToken.objects.select_related("user", "user__membership").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.digest, digest_of(secret)):
        return None
    now = timezone.now()
    if token.revoked_at is not None or token.expires_at <= now or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
