"""Floods of logins and password-reset mails.

django-axes locks a username after repeated failures, which a flood with random usernames never trips, and every
attempt costs an Argon2 hash (about 100 MB and a core for a moment), so a few clients could fill every app-server
worker. Here, per client address (groeimodel.web.clientaddr) and whatever the username: at most
``settings.LOGIN_RATE`` login attempts; at most ``settings.LOGIN_CONCURRENCY`` password checks at once per process,
and a login that cannot get a turn within ``settings.LOGIN_WAIT_SECONDS`` is answered "try again" at once, so the
other pages keep their workers. Password-reset mails: at most ``RESET_CLIENT_RATE`` requests per client address
and ``RESET_ADDRESS_RATE`` mails per e-mail address. The counters live in the shared "ratelimit" cache (the
database), so they hold across the app server's processes.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited

from groeimodel.web.clientaddr import ratelimit_key

RESET_CLIENT_RATE = "10/h"
RESET_ADDRESS_RATE = "3/h"

_slots_lock = threading.Lock()
_slots: threading.BoundedSemaphore | None = None


def _password_check_slots() -> threading.BoundedSemaphore:
    global _slots
    with _slots_lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(settings.LOGIN_CONCURRENCY)
        return _slots


@contextmanager
def password_check_slot() -> Iterator[bool]:
    """A turn to check a password: yields True with the turn held, or False when none came free in time."""
    slots = _password_check_slots()
    acquired = slots.acquire(timeout=settings.LOGIN_WAIT_SECONDS)
    try:
        yield acquired
    finally:
        if acquired:
            slots.release()


def _refusing(form_class: type[forms.Form], message: str) -> Any:
    """``form_class`` whose validation ends in ``message`` without checking anything (no password hashed)."""

    def clean(self: forms.Form) -> dict[str, Any]:
        raise forms.ValidationError(message, code="refused")

    return type(f"Refused{form_class.__name__}", (form_class,), {"clean": clean})


TOO_MANY_LOGINS = _("Too many login attempts from your address. Wait a minute and try again.")
BUSY = _("The server is busy checking other logins. Try again in a moment.")
TOO_MANY_RESETS = _("Too many password-reset requests from your address. Try again in an hour.")


class LoginView(auth_views.LoginView):
    """Django's login page, with the per-address limit and the bounded password checks."""

    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if is_ratelimited(
            request, group="login", key=ratelimit_key, rate=settings.LOGIN_RATE, method="POST", increment=True
        ):
            return self._refuse(str(TOO_MANY_LOGINS), status=429, retry_after=60)
        with password_check_slot() as turn:
            if not turn:
                return self._refuse(str(BUSY), status=503, retry_after=5)
            return super().post(request, *args, **kwargs)

    def _refuse(self, message: str, *, status: int, retry_after: int) -> HttpResponse:
        form = _refusing(AuthenticationForm, message)(self.request, data=self.request.POST)
        form.is_valid()
        response = self.render_to_response(self.get_context_data(form=form), status=status)
        response["Retry-After"] = str(retry_after)
        return response


def reset_mail_allowed(request: HttpRequest, email: str) -> bool:
    """Counts a password-reset mail to ``email``; False when that address had ``RESET_ADDRESS_RATE`` already."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return not is_ratelimited(
        request,
        group="password-reset-address",
        key=lambda group, request: digest,
        rate=RESET_ADDRESS_RATE,
        increment=True,
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Django's "forgot your password" page, limited per client address and per e-mail address.

    Over the address's limit no mail is sent, but the page says what it always says ("if the address is known, a
    mail is on its way"), so the limit tells no one which addresses exist."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if is_ratelimited(
            request, group="password-reset-client", key=ratelimit_key, rate=RESET_CLIENT_RATE, method="POST",
            increment=True,
        ):  # fmt: skip
            form = _refusing(PasswordResetForm, str(TOO_MANY_RESETS))(data=request.POST)
            form.is_valid()
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = "3600"
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        if not reset_mail_allowed(self.request, form.cleaned_data["email"]):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
