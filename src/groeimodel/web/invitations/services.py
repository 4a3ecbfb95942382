"""Writes for employee rounds: open, close, answer, and e-mail the link (DESIGN §4).

Nothing here stores who answered or whom the link was sent to: a round keeps only how many answered, and the
e-mail addresses live in memory while the mails are sent.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from groeimodel.model import Model, ModelError
from groeimodel.web.audit.services import Action, record
from groeimodel.web.invitations.models import EmployeeRound
from groeimodel.web.scans.models import Wave
from groeimodel.web.scans.services import model_of, submit_employee_response


class RoundError(Exception):
    """A round action that is not possible now; the message is for the user."""


def open_round_of(wave: Wave) -> EmployeeRound | None:
    return EmployeeRound.objects.filter(wave=wave, closed_at__isnull=True).first()


def questionnaire_of(wave: Wave) -> Model:
    """The questionnaire the wave's employees answer: the model version of the wave, which the owner's scan was
    scored with. RoundError when that version is no longer installed: its employees' answers could not be scored
    alike; a new wave uses the current version."""
    try:
        return model_of(wave)
    except ModelError:
        raise RoundError(
            _(
                "The questionnaire of this wave (%(model)s, version %(version)s) is no longer installed, so its "
                "employees can no longer answer it. Start a new scan to invite the employees on the current version."
            )
            % {"model": wave.model_id, "version": wave.model_version}
        ) from None


def open_round(*, wave: Wave, user: Any) -> EmployeeRound:
    """The wave's open round: a new one with a new link, or the one that is already open (RoundError when the
    wave's questionnaire is no longer installed)."""
    questionnaire_of(wave)
    for _attempt in range(3):
        current = open_round_of(wave)
        if current is not None:
            return current
        try:
            with transaction.atomic():
                by = user if getattr(user, "is_authenticated", False) else None
                opened = EmployeeRound.objects.create(wave=wave, opened_by=by)
                record(
                    actor=by, organisation=wave.company.organisation_id, action=Action.OPEN, object_kind="round",
                    object_id=opened.pk, label=f"{wave.company.name} {wave.label}",
                )  # fmt: skip
                return opened
        except IntegrityError:  # someone opened one at the same moment: take theirs
            continue
    raise RoundError(_("The round could not be opened; please try again."))


@transaction.atomic
def close_round(*, wave: Wave, user: Any = None) -> EmployeeRound | None:
    """Close the wave's open round; its link then says so. None when no round was open."""
    current = EmployeeRound.objects.select_for_update().filter(wave=wave, closed_at__isnull=True).first()
    if current is None:
        return None
    current.closed_at = timezone.now()
    current.save(update_fields=["closed_at"])
    record(
        actor=user, organisation=wave.company.organisation_id, action=Action.CLOSE, object_kind="round",
        object_id=current.pk, label=f"{wave.company.name} {wave.label}",
    )  # fmt: skip
    return current


class RoundClosed(RoundError):
    pass


@transaction.atomic
def answer_round(*, round_pk: int, answers: dict[str, int | None], leads_people: bool | None) -> None:
    """An employee's answers: scored and stored as an anonymous response of the wave; the round only counts."""
    locked = EmployeeRound.objects.select_for_update().select_related("wave").get(pk=round_pk)
    if not locked.is_open:
        raise RoundClosed(_("This round has been closed."))
    submit_employee_response(wave=locked.wave, answers=answers, leads_people=leads_people)
    EmployeeRound.objects.filter(pk=locked.pk).update(answered=F("answered") + 1)


@dataclass(frozen=True)
class Sent:
    sent: int
    failed: int


def send_round_link(*, wave: Wave, link: str, addresses: list[str], language: str, sender: str) -> Sent:
    """One mail per address (nobody sees another's address), in ``language``. The addresses are not stored or
    logged: a failure is counted, not named."""
    with translation.override(language):
        context = {"company": wave.company.name, "link": link, "sender": sender}
        subject = _("Your view on %(company)s: a short anonymous questionnaire") % {"company": wave.company.name}
        body = render_to_string("invitations/mail.txt", context)
    sent = failed = 0
    with get_connection() as connection:
        for address in addresses:
            message = EmailMessage(
                subject, body, settings.DEFAULT_FROM_EMAIL, [address], connection=connection
            )  # fmt: skip
            try:
                message.send()
            except (smtplib.SMTPException, OSError):
                failed += 1
            else:
                sent += 1
    return Sent(sent=sent, failed=failed)
