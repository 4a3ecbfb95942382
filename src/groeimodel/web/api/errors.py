"""One JSON error shape for every failure: ``{"detail": "...", "errors": [{"field": "...", "message": "..."}]}``."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError

logger = logging.getLogger("groeimodel.api")

# The parts of a pydantic location that name where the value came from, not the field itself.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file", "payload", "filters"}


class ApiError(Exception):
    """An error a router raises with its place: status, a message and field errors."""

    def __init__(self, status: int, detail: str, errors: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = list(errors)


def error_response(status: int, detail: str, errors: Iterable[tuple[str, str]] = ()) -> JsonResponse:
    body = {"detail": detail, "errors": [{"field": f, "message": m} for f, m in errors]}
    return JsonResponse(body, status=status)


def _field(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc]
    while parts and parts[0] in _SOURCES:
        parts.pop(0)
    return ".".join(parts)


def form_errors(form: Any) -> list[tuple[str, str]]:
    """A Django form's errors as (field, message) pairs, text only (the web app's messages may hold a link)."""
    out = []
    for field, errors in form.errors.items():
        for message in errors:
            out.append(("" if field == "__all__" else field, strip_tags(str(message))))
    return out


def install(api: NinjaAPI) -> None:
    """The exception handlers of ``api``."""

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [(_field(e.get("loc", ())), str(e.get("msg", ""))) for e in exc.errors]
        return error_response(422, _("The request is not valid."), errors)

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(exc.status, exc.detail, exc.errors)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = error_response(401, _("A valid API token is needed: Authorization: Bearer <token>."))
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(AuthorizationError)
    def forbidden(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return error_response(403, _("You may not do this."))

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        response = error_response(429, _("Too many requests; please wait a moment."))
        if getattr(exc, "wait", None):
            response["Retry-After"] = str(int(exc.wait or 1))
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:  # ninja's only own HttpError: a body that is not JSON
            return error_response(400, _("The request body is not valid JSON."))
        return error_response(exc.status_code, str(exc.message))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(404, _("Not found."))

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        return error_response(500, _("Something went wrong on our side; it has been logged."))


def invalid(errors: Iterable[tuple[str, str]]) -> ApiError:
    """422 with the fields at fault."""
    return ApiError(422, _("The request is not valid."), errors)
