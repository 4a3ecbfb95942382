"""The page where a user makes and revokes their personal API tokens (a new token is shown once)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from django.views.decorators.http import require_http_methods

from groeimodel.web.api.models import ApiToken
from groeimodel.web.api.tokens import DEFAULT_EXPIRY_DAYS, EXPIRY_DAYS, create_token, revoke_token


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=100, help_text=gettext_lazy("What the token is for, e.g. “CRM link”.")
    )
    days = forms.TypedChoiceField(
        label=gettext_lazy("Valid for"),
        coerce=int,
        initial=DEFAULT_EXPIRY_DAYS,
        choices=[(d, ngettext_lazy("%(days)d day", "%(days)d days", d) % {"days": d}) for d in EXPIRY_DAYS],
    )


def _user_id(request: HttpRequest) -> int:
    pk: int = request.user.pk  # type: ignore[assignment]  # behind login_required
    return pk


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST if request.method == "POST" else None)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            created = create_token(user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"])
            form = TokenForm()
        else:
            status = 400
    tokens = ApiToken.objects.filter(user_id=_user_id(request))
    response = render(
        request,
        "api/tokens.html",
        {"form": form, "created": created, "tokens": tokens, "docs_url": reverse("api:openapi-view")},
        status=status,
    )
    response["Cache-Control"] = "private, no-store"  # the new token is on this page once
    return response


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(user_id=_user_id(request), pk=pk, revoked_at__isnull=True).first()
    if token is None:
        raise Http404
    if request.method == "POST":
        revoke_token(user=request.user, pk=pk)
        messages.success(request, _("Token %(name)s revoked: it no longer works.") % {"name": token.name})
        return redirect("api-tokens")
    return render(
        request,
        "confirm.html",
        {
            "title": _("Revoke the token %(name)s?") % {"name": token.name},
            "text": _("Programs that use this token can no longer reach the API. This cannot be undone."),
            "details": [],
            "button": _("Revoke the token"),
            "cancel_url": reverse("api-tokens"),
            "danger": True,
        },
    )
