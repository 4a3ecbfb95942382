from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from groeimodel.web import access


def membership(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's membership and what they may do (``can``), for the navigation and every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"membership": None, "can": access.capabilities(user) if user is not None else None}
    return {"membership": getattr(user, "membership", None), "can": access.capabilities(user)}
