"""The administrator's changes to one user: name, role, own company, active state, and a password-reset link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from groeimodel.web import access
from groeimodel.web.accounts.forms import UserEditForm, last_beheerder_message
from groeimodel.web.accounts.models import Role
from groeimodel.web.accounts.services import LastAdministratorError, send_password_reset, update_user
from groeimodel.web.accounts.throttle import reset_mail_allowed


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.get_user_to_manage(request.user, pk)
    form = UserEditForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            update_user(actor=request.user, user=user, **form.cleaned_data)
        except LastAdministratorError:
            field = "role" if form.cleaned_data["role"] != Role.BEHEERDER else "is_active"
            form.add_error(field, last_beheerder_message())
        else:
            messages.success(request, _("User %(name)s updated.") % {"name": user.get_username()})
            return redirect("user-list")
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "managed": user, "can_send_reset": bool(user.email) and user.is_active},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def user_send_reset(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.get_user_to_manage(request.user, pk)
    if not user.email:
        messages.error(request, _("%(name)s has no e-mail address; add one first.") % {"name": user.get_username()})
    elif not user.is_active:
        messages.error(request, _("%(name)s is deactivated; activate the user first.") % {"name": user.get_username()})
    elif not reset_mail_allowed(request, user.email):
        messages.error(
            request,
            _("A link was already sent to %(email)s a short while ago; try again later.") % {"email": user.email},
        )
    else:
        send_password_reset(actor=request.user, user=user, domain=request.get_host(), use_https=request.is_secure())
        messages.success(
            request, _("A link to choose a new password has been sent to %(email)s.") % {"email": user.email}
        )
    return redirect("user-edit", pk=user.pk)
