"""``Authorization: Bearer <token>``: the only way into the API (a session cookie is not accepted, so the API
needs no CSRF protection: a browser never sends the header by itself)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from groeimodel.web.api.tokens import user_for_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        return user
