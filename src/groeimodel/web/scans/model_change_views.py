"""Carrying a draft over to the current model version (see :mod:`groeimodel.web.scans.model_change`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groeimodel.web import access
from groeimodel.web.scans.model_change import carry_over_draft
from groeimodel.web.scans.services import ScanError


@login_required
@require_POST
def scan_carry_over(request: HttpRequest, pk: int) -> HttpResponse:
    scan = access.get_scan(request.user, pk)
    try:
        dropped = carry_over_draft(user=request.user, scan=scan)
    except ScanError as exc:
        messages.error(request, str(exc))
        return redirect("scan-review", pk=scan.pk)
    done = _("The scan now uses version %(version)s of the model.") % {"version": scan.model_version}
    if dropped:
        messages.warning(
            request,
            done
            + " "
            + _("These answers were dropped: the statements are no longer in the model: %(items)s.")
            % {"items": ", ".join(dropped)},
        )
    else:
        messages.success(request, done)
    return redirect("scan-review", pk=scan.pk)
