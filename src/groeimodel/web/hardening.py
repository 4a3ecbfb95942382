"""Defaults that keep a session's pages private: no caching of signed-in pages, an idle timeout, the branded CSRF
failure page, and a one-line log of requests for hosts we do not serve."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control

LAST_SEEN = "groeimodel_last_seen"
TOUCH_SECONDS = 60  # a session in use is renewed (written) at most once a minute


class PrivatePagesMiddleware:
    """Every page a signed-in user gets is ``Cache-Control: private, no-store``: a shared computer's browser or a
    proxy keeps no copy of a firm's data. Static files (served before this) and public pages are left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class IdleSessionMiddleware:
    """Ends a session that saw no request for GROEIMODEL_SESSION_IDLE_MINUTES; a session in use is renewed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            if isinstance(last, int) and now - last > settings.SESSION_IDLE_MINUTES * 60:
                logout(request)  # the page then asks to log in again, as for anyone signed out
            elif not isinstance(last, int) or now - last >= TOUCH_SECONDS:
                request.session[LAST_SEEN] = now  # saved with a fresh expiry (SESSION_COOKIE_AGE)
        return self.get_response(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: our own 403 page (an expired form, usually) instead of Django's plain one."""
    return render(request, "403_csrf.html", status=403)


class NoTracebackFilter(logging.Filter):
    """Drops the traceback of a record and keeps its message on one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = message.replace("\r", "\\r").replace("\n", "\\n")
        record.args = ()
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True
