"""Removing things: a draft scan, an initiative, a company (archived first, then restored or deleted for good).

Every action is a confirmation page (GET) and a POST; access goes through the selectors in ``access`` (404 for
anyone out of reach), and every action is recorded in the audit log by its service.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from groeimodel.web import access
from groeimodel.web.audit.models import AuditRecord
from groeimodel.web.companies.models import Company
from groeimodel.web.companies.services import archive_company, delete_company, restore_company
from groeimodel.web.initiatives.services import delete_initiative
from groeimodel.web.scans.services import ScanError, delete_draft_scan


class ConfirmNameForm(forms.Form):
    """Deleting a company for good: its name, typed exactly."""

    name = forms.CharField(label=gettext_lazy("Company name"), strip=False)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.company = company

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        if name != self.company.name:
            raise forms.ValidationError(
                _("Type the company name exactly as shown (%(name)s) to delete it for good.")
                % {"name": self.company.name},
                code="mismatch",
            )
        return name


def _confirm(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, "confirm.html", {"danger": True, "form": None, **context}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def scan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    scan = access.get_draft_scan_to_delete(request.user, pk)
    company = scan.company
    if request.method == "POST":
        try:
            delete_draft_scan(user=request.user, scan=scan)
        except ScanError as exc:
            messages.error(request, str(exc))
            return redirect("company-detail", pk=company.pk)
        messages.success(request, _("The draft scan %(wave)s has been deleted.") % {"wave": scan.wave.label})
        return redirect("company-detail", pk=company.pk)
    return _confirm(
        request,
        {
            "title": _("Delete the draft scan %(wave)s of %(company)s?")
            % {"wave": scan.wave.label, "company": company},
            "text": _("The answers given so far are deleted with it. This cannot be undone."),
            "button": _("Delete draft scan"),
            "cancel_url": reverse("company-detail", args=[company.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def initiative_delete(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = access.get_initiative_to_delete(request.user, pk)
    company = initiative.company
    if request.method == "POST":
        delete_initiative(user=request.user, initiative=initiative)
        messages.success(request, _("Initiative %(title)s has been deleted.") % {"title": initiative.title})
        return redirect("company-detail", pk=company.pk)
    return _confirm(
        request,
        {
            "title": _("Delete the initiative %(title)s?") % {"title": initiative.title},
            "text": _("Its level, business case and indicators are deleted with it. This cannot be undone."),
            "button": _("Delete initiative"),
            "cancel_url": reverse("initiative-detail", args=[initiative.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def company_archive(request: HttpRequest, pk: int) -> HttpResponse:
    company = access.get_company_to_archive(request.user, pk)
    if request.method == "POST":
        archive_company(user=request.user, company=company)
        messages.success(request, _("%(name)s has been archived.") % {"name": company.name})
        return redirect("company-list")
    return _confirm(
        request,
        {
            "title": _("Archive %(name)s?") % {"name": company.name},
            "text": _(
                "An archived company disappears from the lists, counts and the overview; its scans and initiatives "
                "are kept. The administrator can restore it, or delete it for good."
            ),
            "button": _("Archive company"),
            "cancel_url": reverse("company-detail", args=[company.pk]),
            "danger": False,
        },
    )


@login_required
def archived_list(request: HttpRequest) -> HttpResponse:
    if not access.can_restore_companies(request.user):
        raise Http404
    last_archive = AuditRecord.objects.filter(
        object_kind="company", object_id=OuterRef("pk"), action=AuditRecord.Action.ARCHIVE
    ).order_by("-at", "-pk")
    companies = access.archived_companies_for(request.user).annotate(
        archived_by=Subquery(last_archive.values("actor_name")[:1])
    )
    return render(request, "companies/archived.html", {"companies": companies.order_by("name", "pk")})


@login_required
@require_http_methods(["GET", "POST"])
def company_restore(request: HttpRequest, pk: int) -> HttpResponse:
    company = access.get_archived_company(request.user, pk)
    if request.method == "POST":
        restore_company(user=request.user, company=company)
        messages.success(request, _("%(name)s has been restored.") % {"name": company.name})
        return redirect("company-detail", pk=company.pk)
    return _confirm(
        request,
        {
            "title": _("Restore %(name)s?") % {"name": company.name},
            "text": _("The company returns to the lists, counts and the overview with all its scans and initiatives."),
            "button": _("Restore company"),
            "cancel_url": reverse("company-archived-list"),
            "danger": False,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def company_delete(request: HttpRequest, pk: int) -> HttpResponse:
    company = access.get_archived_company(request.user, pk)
    form = ConfirmNameForm(request.POST if request.method == "POST" else None, company=company)
    scans, initiatives = company.waves.count(), company.initiatives.count()
    if request.method == "POST" and form.is_valid():
        name = company.name
        delete_company(user=request.user, company=company)
        messages.success(request, _("%(name)s and all its data have been deleted.") % {"name": name})
        return redirect("company-archived-list")
    return _confirm(
        request,
        {
            "title": _("Delete %(name)s for good?") % {"name": company.name},
            "text": _("Deleted with it, and this cannot be undone:"),
            "details": [
                ngettext("%(n)d scan with its answers", "%(n)d scans with their answers", scans) % {"n": scans},
                ngettext(
                    "%(n)d initiative with its business case",
                    "%(n)d initiatives with their business cases",
                    initiatives,
                )
                % {"n": initiatives},
            ],
            "button": _("Delete for good"),
            "cancel_url": reverse("company-archived-list"),
            "form": form,
        },
        status=400 if form.errors else 200,
    )
