"""Employee rounds of a wave: open, close, and how many answered; never an employee's answers."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from groeimodel.web import access
from groeimodel.web.api.deps import user_of
from groeimodel.web.api.errors import ApiError
from groeimodel.web.api.schemas import responses
from groeimodel.web.invitations.models import EmployeeRound
from groeimodel.web.invitations.services import RoundError, close_round, open_round
from groeimodel.web.scans.models import Respondent, Response, Wave

router = Router(tags=["employee rounds"])


class RoundOut(Schema):
    wave_id: int
    open: bool
    link: str | None = Field(description="the open round's link for the employees; null when no round is open")
    opened_at: datetime | None
    closed_at: datetime | None
    answered: int = Field(description="answers in the latest round")
    answered_in_wave: int = Field(description="employees' answers in the wave, over all its rounds")
    shown_from: int = Field(description="employees' scores are shown from this many answers on")


def round_out(request: HttpRequest, wave: Wave) -> RoundOut:
    latest = EmployeeRound.objects.filter(wave=wave).order_by("-opened_at", "-pk").first()
    link = None
    if latest is not None and latest.is_open:
        link = request.build_absolute_uri(reverse("employee-answer", args=[latest.token]))
    answered = Response.objects.filter(
        wave=wave, respondent=Respondent.EMPLOYEE, status=Response.Status.SUBMITTED
    ).count()
    return RoundOut(
        wave_id=wave.pk,
        open=latest is not None and latest.is_open,
        link=link,
        opened_at=latest.opened_at if latest else None,
        closed_at=latest.closed_at if latest else None,
        answered=latest.answered if latest else 0,
        answered_in_wave=answered,
        shown_from=settings.EMPLOYEES_MIN,
    )


@router.get("/waves/{wave_id}/employee-round", response=responses(RoundOut), summary="The wave's employee round")
def round_detail(request: HttpRequest, wave_id: int) -> RoundOut:
    return round_out(request, access.get_wave_for_round(user_of(request), wave_id))


@router.post("/waves/{wave_id}/employee-round/open", response=responses(RoundOut, 409), summary="Open a round")
def round_open(request: HttpRequest, wave_id: int) -> RoundOut:
    """A new round with a new link, or the round that is already open."""
    user = user_of(request)
    wave = access.get_wave_for_round(user, wave_id)
    try:
        open_round(wave=wave, user=user)
    except RoundError as exc:
        raise ApiError(409, str(exc)) from None
    return round_out(request, wave)


@router.post("/waves/{wave_id}/employee-round/close", response=responses(RoundOut, 409), summary="Close the round")
def round_close(request: HttpRequest, wave_id: int) -> RoundOut:
    wave = access.get_wave_for_round(user_of(request), wave_id)
    if close_round(wave=wave) is None:
        raise ApiError(409, _("No round is open."))
    return round_out(request, wave)
