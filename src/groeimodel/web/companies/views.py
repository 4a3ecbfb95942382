from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from groeimodel.model import list_models
from groeimodel.web import access
from groeimodel.web.companies.forms import CompanyFilterForm, CompanyForm
from groeimodel.web.companies.services import create_company
from groeimodel.web.i18n import current_lang


@login_required
def company_list(request: HttpRequest) -> HttpResponse:
    if access.role_of(request.user) is None or access.role_of(request.user) == "analist":
        raise Http404
    companies = access.companies_for(request.user)
    form = CompanyFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            companies = companies.filter(Q(name__icontains=data["q"]) | Q(kvk_number__startswith=data["q"]))
        for field in ("sbi_section", "size_class", "province"):
            if data[field]:
                companies = companies.filter(**{field: data[field]})
    companies = companies.annotate(scan_count=Count("scans"), last_submitted=Max("scans__submitted_at"))
    page = Paginator(companies.order_by("name"), 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "companies/list.html",
        {
            "page": page,
            "form": form,
            "query": query.urlencode(),
            "can_create": access.can_create_company(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def company_create(request: HttpRequest) -> HttpResponse:
    if not access.can_create_company(request.user):
        raise Http404
    form = CompanyForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "advisors"}
        company = create_company(user=request.user, data=data, advisors=list(form.cleaned_data.get("advisors", [])))
        messages.success(request, _("Company %(name)s added.") % {"name": company.name})
        return redirect("company-detail", pk=company.pk)
    return render(request, "companies/form.html", {"form": form, "company": None})


@login_required
@require_http_methods(["GET", "POST"])
def company_edit(request: HttpRequest, pk: int) -> HttpResponse:
    company = access.get_company_to_edit(request.user, pk)
    form = CompanyForm(request.POST if request.method == "POST" else None, instance=company, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Changes saved."))
        return redirect("company-detail", pk=company.pk)
    return render(request, "companies/form.html", {"form": form, "company": company})


@login_required
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    company = access.get_company(request.user, pk)
    scans = company.scans.order_by("-created_at")
    return render(
        request,
        "companies/detail.html",
        {
            "company": company,
            "scans": scans,
            "has_draft": any(not s.submitted for s in scans),
            "can_edit": access.role_of(request.user) in ("beheerder", "adviseur"),
            "models": [(m.id, m.name(current_lang()), m.version) for m in list_models()],
        },
    )
