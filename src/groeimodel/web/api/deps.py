"""What every router needs from a request: the user behind the token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def user_of(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]
