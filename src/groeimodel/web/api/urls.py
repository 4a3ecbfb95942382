"""The API under /api/v1/ and the page where a user makes and revokes tokens.

Every API view runs in the language ``Accept-Language`` prefers (Dutch unless English comes first), and answers a
wrong method or an unknown path under /api/v1/ with the same JSON error shape as everything else.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, path, re_path
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.csrf import csrf_exempt

from groeimodel.web.api import views
from groeimodel.web.api.errors import error_response
from groeimodel.web.api.main import api


def language_of(request: HttpRequest) -> str:
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")[:500]):
        base = code.split("-")[0].lower()
        if base in ("nl", "en"):
            return base
    return "nl"


def api_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = language_of(request)
        with translation.override(language):
            try:
                response = view(request, *args, **kwargs)
            except Http404:  # raised outside an operation (the API's root)
                response = error_response(404, _("Not found."))
            if isinstance(response, HttpResponseNotAllowed):
                allowed = response["Allow"]
                response = error_response(405, _("This method is not allowed here."))
                response["Allow"] = allowed
        response["Content-Language"] = language
        response["Vary"] = "Accept-Language, Authorization"
        response["Cache-Control"] = "private, no-store"
        return response

    return wrapped


@csrf_exempt
def unknown(request: HttpRequest, rest: str) -> HttpResponse:
    return error_response(404, _("Not found."))


def _api_patterns() -> list[Any]:
    patterns, _app_name, _namespace = api.urls
    out: list[Any] = []
    for p in patterns:
        assert isinstance(p, URLPattern)
        out.append(URLPattern(p.pattern, api_view(p.callback), p.default_args, p.name))
    out.append(re_path(r"^(?P<rest>.*)$", api_view(unknown)))
    return out


urlpatterns = [
    path("api/v1/", (_api_patterns(), "api", "api")),
    path("account/tokens/", views.token_list, name="api-tokens"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke, name="api-token-revoke"),
]
