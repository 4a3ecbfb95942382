"""The employee round: the advisor's page to open, share and close it, and the public questionnaire at /e/<token>/.

The public pages know only the round's token: no login, no session, no link into the app. They are rate-limited
per client address, and a browser that answered gets a signed cookie (scoped to the round's path) and cannot
answer again. Nothing that identifies the employee is stored.
"""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.signing import BadSignature
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from groeimodel.web import access, clientaddr
from groeimodel.web.i18n import current_lang
from groeimodel.web.invitations.forms import EmployeeAnswersForm, SendLinkForm
from groeimodel.web.invitations.models import EmployeeRound
from groeimodel.web.invitations.services import (
    RoundClosed,
    RoundError,
    answer_round,
    close_round,
    open_round,
    open_round_of,
    questionnaire_of,
    send_round_link,
)
from groeimodel.web.scans.models import Respondent, Response, Wave

ANSWERED_COOKIE = "groeimodel_answered"
COOKIE_SALT = "groeimodel.employee-round"
RATE_GROUP = "employee-round"
GET_RATE = "30/m"
POST_RATE = "10/m"


# --- the advisor's side ------------------------------------------------------------------------------------------


def _link(request: HttpRequest, round_: EmployeeRound) -> str:
    return request.build_absolute_uri(reverse("employee-answer", args=[round_.token]))


def _qr_svg(link: str, scale: int) -> str:
    return segno.make(link, error="m").svg_inline(scale=scale, border=2, omitsize=False)


def _scan_of(wave: Wave) -> Response | None:
    return wave.responses.filter(respondent=Respondent.MANAGEMENT).first()


def _round_page(request: HttpRequest, wave: Wave, form: SendLinkForm | None = None) -> HttpResponse:
    current = open_round_of(wave)
    link = _link(request, current) if current else None
    closed = list(EmployeeRound.objects.filter(wave=wave, closed_at__isnull=False).order_by("-opened_at"))
    return render(
        request,
        "invitations/round.html",
        {
            "wave": wave,
            "company": wave.company,
            "scan": _scan_of(wave),
            "round": current,
            "link": link,
            "qr": mark_safe(_qr_svg(link, scale=5)) if link else None,  # segno's own SVG, no user text in it
            "closed_rounds": closed,
            "employees_min": settings.EMPLOYEES_MIN,
            "form": form or SendLinkForm(initial={"language": current_lang()}),
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Medewerkers uitnodigen: the open round's link, QR code and count, or a button to open one."""
    return _round_page(request, access.get_wave_for_round(request.user, pk))


@login_required
@require_POST
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    wave = access.get_wave_for_round(request.user, pk)
    try:
        open_round(wave=wave, user=request.user)
    except RoundError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The round is open: share the link or the QR code with the employees."))
    return redirect("employee-round", pk=wave.pk)


@login_required
@require_http_methods(["GET", "POST"])
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    wave = access.get_wave_for_round(request.user, pk)
    if request.method == "POST":
        if close_round(wave=wave, user=request.user) is not None:
            messages.success(request, _("The round is closed: its link no longer accepts answers."))
        return redirect("employee-round", pk=wave.pk)
    current = open_round_of(wave)
    if current is None:
        return redirect("employee-round", pk=wave.pk)
    return render(
        request,
        "confirm.html",
        {
            "title": _("Close the employee round of %(wave)s?") % {"wave": wave.label},
            "text": _("After closing, the link says the round is closed and accepts no more answers."),
            "details": [
                ngettext("%(count)d employee has answered.", "%(count)d employees have answered.", current.answered)
                % {"count": current.answered}
            ],
            "button": _("Close the round"),
            "cancel_url": reverse("employee-round", args=[wave.pk]),
            "danger": False,
        },
    )


@login_required
def round_print(request: HttpRequest, pk: int) -> HttpResponse:
    """A page to print or show on a screen: the QR code, large, with the link beneath it."""
    wave = access.get_wave_for_round(request.user, pk)
    current = open_round_of(wave)
    if current is None:
        return redirect("employee-round", pk=wave.pk)
    link = _link(request, current)
    return render(
        request,
        "invitations/print.html",
        {"wave": wave, "company": wave.company, "link": link, "qr": mark_safe(_qr_svg(link, scale=10))},
    )


@login_required
@require_POST
def round_send(request: HttpRequest, pk: int) -> HttpResponse:
    """E-mail the open round's link, one mail per address; the addresses are not kept."""
    wave = access.get_wave_for_round(request.user, pk)
    current = open_round_of(wave)
    if current is None:
        messages.error(request, _("Open a round first: there is no link to send."))
        return redirect("employee-round", pk=wave.pk)
    form = SendLinkForm(request.POST)
    if not form.is_valid():
        return _round_page(request, wave, form)
    user: Any = request.user
    result = send_round_link(
        wave=wave,
        link=_link(request, current),
        addresses=form.cleaned_data["addresses"],
        language=form.cleaned_data["language"],
        sender=user.get_full_name() or user.get_username(),
    )
    if result.sent:
        messages.success(
            request,
            ngettext(
                "The link was sent to %(count)d address.", "The link was sent to %(count)d addresses.", result.sent
            )
            % {"count": result.sent},
        )
    if result.failed:
        messages.error(
            request,
            ngettext(
                "%(count)d mail could not be sent; check the mail settings and try again.",
                "%(count)d mails could not be sent; check the mail settings and try again.",
                result.failed,
            )
            % {"count": result.failed},
        )
    return redirect("employee-round", pk=wave.pk)


# --- the employee's side (public) --------------------------------------------------------------------------------


def client_address(group: str, request: HttpRequest) -> str:
    """The client's address for the rate limits (groeimodel.web.clientaddr: X-Forwarded-For only as far as our
    trusted proxies wrote it). The limiter keeps only a hash of it, for a minute."""
    return clientaddr.client_address(request)


def _round_by_token(token: str) -> EmployeeRound:
    try:
        return EmployeeRound.objects.select_related("wave", "wave__company").get(token=token)
    except EmployeeRound.DoesNotExist:
        raise Http404 from None


def _has_answered(request: HttpRequest, round_: EmployeeRound) -> bool:
    try:
        value = request.get_signed_cookie(ANSWERED_COOKIE, salt=COOKIE_SALT)
    except (KeyError, BadSignature):
        return False
    return value == str(round_.pk)


def _public(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _too_many(request: HttpRequest) -> HttpResponse:
    return _public(request, "invitations/public_429.html", {}, status=429)


def _closed(request: HttpRequest, round_: EmployeeRound) -> HttpResponse:
    return _public(request, "invitations/public_closed.html", {"company": round_.wave.company.name}, status=410)


def _blocks(form: EmployeeAnswersForm, lang: str) -> list[dict[str, Any]]:
    model = form.model
    out = []
    for block in model.blocks:
        out.append(
            {
                "name": block.data.name.get(lang),  # type: ignore[arg-type]
                "items": [form[model.items[i].id] for i in block.item_indices],
            }
        )
    return out


@ratelimit(key=client_address, rate=GET_RATE, method="GET", group=RATE_GROUP, block=False)
@ratelimit(key=client_address, rate=POST_RATE, method="POST", group=RATE_GROUP, block=False)
@require_http_methods(["GET", "POST"])
def employee_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The questionnaire in employee wording, all blocks on one page; POST scores and stores it at once."""
    if getattr(request, "limited", False):
        return _too_many(request)
    round_ = _round_by_token(token)
    company = round_.wave.company.name
    if _has_answered(request, round_):
        return _public(request, "invitations/public_answered.html", {"company": company}, status=403)
    if not round_.is_open:
        return _closed(request, round_)
    lang = current_lang()
    try:
        questionnaire = questionnaire_of(round_.wave)
    except RoundError:  # the wave's model version is no longer installed: the round can not be answered
        return _public(request, "invitations/public_unavailable.html", {"company": company}, status=410)
    form = EmployeeAnswersForm(request.POST if request.method == "POST" else None, model=questionnaire, lang=lang)
    if request.method == "POST" and form.is_valid():
        try:
            answer_round(round_pk=round_.pk, answers=form.answers(), leads_people=form.leads_people())
        except RoundClosed:
            return _closed(request, round_)
        response = redirect("employee-thanks", token=token)
        response.set_signed_cookie(
            ANSWERED_COOKIE,
            str(round_.pk),
            salt=COOKIE_SALT,
            max_age=365 * 24 * 3600,
            path=reverse("employee-answer", args=[token]),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response
    return _public(
        request,
        "invitations/public_form.html",
        {"company": company, "form": form, "blocks": _blocks(form, lang), "token": token},
        status=400 if form.is_bound else 200,
    )


@ratelimit(key=client_address, rate=GET_RATE, method="GET", group=RATE_GROUP, block=False)
@require_http_methods(["GET"])
def employee_thanks(request: HttpRequest, token: str) -> HttpResponse:
    if getattr(request, "limited", False):
        return _too_many(request)
    round_ = _round_by_token(token)
    if not _has_answered(request, round_):
        return redirect("employee-answer", token=token)
    return _public(request, "invitations/public_thanks.html", {"company": round_.wave.company.name})
