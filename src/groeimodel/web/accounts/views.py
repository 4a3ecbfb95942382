from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from groeimodel.web import access
from groeimodel.web.accounts.forms import UserCreateForm
from groeimodel.web.accounts.services import create_user
from groeimodel.web.audit.services import Action, record


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if access.membership_of(request.user) is None:
        return render(request, "accounts/no_membership.html", status=403)
    if not access.can_see_companies(request.user):  # the analist: aggregates only
        return redirect("overview")
    own = access.own_company_id(request.user)
    if own is not None:  # an ondernemer sees one company: land on it
        return redirect("company-detail", pk=own)
    return redirect("company-list")


def _users_of(request: HttpRequest):  # type: ignore[no-untyped-def]
    membership = access.membership_of(request.user)
    assert membership is not None
    return get_user_model().objects.filter(membership__organisation=membership.organisation)


@login_required
@require_http_methods(["GET", "POST"])
def user_list(request: HttpRequest) -> HttpResponse:
    if not access.can_manage_users(request.user):
        raise Http404
    membership = request.user.membership  # type: ignore[union-attr]
    form = UserCreateForm(request.POST if request.method == "POST" else None, organisation=membership.organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = create_user(organisation=membership.organisation, actor=request.user, **data)
        messages.success(request, _("User %(name)s added.") % {"name": user.username})
        return redirect("user-list")
    users = _users_of(request).select_related("membership", "membership__company").order_by("username")
    return render(request, "accounts/users.html", {"users": users, "form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def user_toggle_active(request: HttpRequest, pk: int) -> HttpResponse:
    if not access.can_manage_users(request.user):
        raise Http404
    try:
        user = _users_of(request).get(pk=pk)
    except get_user_model().DoesNotExist:
        raise Http404 from None
    if user == request.user:
        messages.error(request, _("You cannot deactivate yourself."))
    else:
        with transaction.atomic():
            user.is_active = not user.is_active
            user.save(update_fields=["is_active"])
            record(
                actor=request.user, organisation=user.membership.organisation_id, action=Action.UPDATE,
                object_kind="user", object_id=user.pk, label=user.get_username(),
            )  # fmt: skip
        messages.success(request, _("User %(name)s updated.") % {"name": user.username})
    return redirect("user-list")
