"""The audit log page (``/audit/``): the organisation's records, for its administrator; 404 for everyone else."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from groeimodel.web import access
from groeimodel.web.audit.models import AuditRecord

PER_PAGE = 50
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y"]  # what a date input sends, and what a person types

OBJECT_KINDS = {
    "company": _("company"),
    "scan": _("scan"),
    "wave": _("wave"),
    "initiative": _("initiative"),
    "round": _("employee round"),
    "user": _("user"),
}


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *AuditRecord.Action.choices]
    )
    actor = forms.ChoiceField(label=_("User"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )  # fmt: skip
    date_to = forms.DateField(
        label=_("To"), required=False, input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )  # fmt: skip

    def __init__(self, *args: Any, actors: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actor = self.fields["actor"]
        assert isinstance(actor, forms.ChoiceField)
        actor.choices = [("", _("All users")), *((name, name) for name in actors)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not access.can_read_audit(request.user):
        raise Http404
    records = access.audit_records_for(request.user)
    actors = sorted(set(records.values_list("actor_name", flat=True)))
    form = AuditFilterForm(request.GET or None, actors=actors)
    if form.is_bound:
        form.is_valid()  # filter by the fields that are valid; the others show their message
        data = getattr(form, "cleaned_data", {})
        if data.get("action"):
            records = records.filter(action=data["action"])
        if data.get("actor"):
            records = records.filter(actor_name=data["actor"])
        if data.get("date_from"):
            records = records.filter(at__date__gte=data["date_from"])
        if data.get("date_to") and "date_to" not in form.errors:
            records = records.filter(at__date__lte=data["date_to"])
    page = Paginator(records.order_by("-at", "-pk"), PER_PAGE).get_page(request.GET.get("page"))
    actions = dict(AuditRecord.Action.choices)
    rows = [
        {
            "record": r,
            "action": actions.get(r.action, r.action),
            "kind": OBJECT_KINDS.get(r.object_kind, r.object_kind),
        }
        for r in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/log.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
        status=400 if form.errors else 200,
    )
