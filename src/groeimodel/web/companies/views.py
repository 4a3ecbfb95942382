from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from groeimodel.model import Lang, list_models, load_model
from groeimodel.reports.charts import Series, lines_svg
from groeimodel.web import access
from groeimodel.web.companies.forms import CompanyFilterForm, CompanyForm
from groeimodel.web.companies.models import Company, Province, SizeClass
from groeimodel.web.companies.services import create_company, update_company
from groeimodel.web.i18n import current_lang, level_label
from groeimodel.web.scans.models import Respondent, Response, ScoreRow


@login_required
def company_list(request: HttpRequest) -> HttpResponse:
    if not access.can_see_companies(request.user):
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
    page = Paginator(companies.order_by("name", "pk").prefetch_related("advisors"), 25).get_page(
        request.GET.get("page")
    )
    # Scans for the companies on this page only, not for the whole (filtered) list: a count, and the latest
    # submitted one with its ladder position and next step.
    on_page = [c.pk for c in page.object_list]
    owners = Response.objects.filter(wave__company__in=on_page, respondent=Respondent.MANAGEMENT)
    counts = dict(owners.values_list("wave__company").annotate(n=Count("id")).values_list("wave__company", "n"))
    latest: dict[int, Response] = {}
    for scan in (
        owners.filter(status=Response.Status.SUBMITTED)
        .select_related("wave")
        .only("wave__company_id", "submitted_at", "position", "next_level", "model_id")
        .order_by("wave__company_id", "submitted_at")
    ):
        latest[scan.wave.company_id] = scan
    sizes, provinces = dict(SizeClass.choices), dict(Province.choices)
    lang = current_lang()
    rows = []
    for c in page.object_list:
        last = latest.get(c.pk)
        rows.append(
            {
                "company": c,
                "size": sizes[c.size_class],
                "province": provinces[c.province],
                "scans": counts.get(c.pk, 0),
                "last_scan": last,
                "position": level_label(last.model_id, last.position, lang) if last else None,
                "next_step": level_label(last.model_id, last.next_level, lang) if last and last.next_level else None,
                "advisors": ", ".join(a.get_full_name() or a.username for a in c.advisors.all()),
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "companies/list.html",
        {
            "page": page,
            "rows": rows,
            "form": form,
            "selects": [form["sbi_section"], form["size_class"], form["province"]],
            "query": query.urlencode(),
            "can_create": access.can_create_company(request.user),
            "can_see_archive": access.can_restore_companies(request.user),
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
        try:
            company = create_company(user=request.user, data=data, advisors=list(form.cleaned_data.get("advisors", [])))
        except IntegrityError:
            _refuse_duplicate_kvk(form)
        else:
            messages.success(request, _("Company %(name)s added.") % {"name": company.name})
            return redirect("company-detail", pk=company.pk)
    return render(request, "companies/form.html", {"form": form, "company": None})


@login_required
@require_http_methods(["GET", "POST"])
def company_edit(request: HttpRequest, pk: int) -> HttpResponse:
    company = access.get_company_to_edit(request.user, pk)
    form = CompanyForm(request.POST if request.method == "POST" else None, instance=company, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            update_company(form=form, user=request.user)
        except IntegrityError:
            _refuse_duplicate_kvk(form)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("company-detail", pk=company.pk)
    return render(request, "companies/form.html", {"form": form, "company": company})


def _refuse_duplicate_kvk(form: CompanyForm) -> None:
    """Another save with the same KvK number won the race past the form's check: the same field message."""
    kvk = form.cleaned_data["kvk_number"]
    error = form.duplicate_kvk_error(kvk)
    form.add_error("kvk_number", error or _("This KvK number is already registered for another company."))


@login_required
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    company = access.get_company(request.user, pk)
    lang = current_lang()
    scans = list(
        access.scans_for(request.user).filter(wave__company=company).select_related("wave").order_by("-wave__number")
    )
    for scan in scans:
        scan.position_label = level_label(scan.model_id, scan.position, lang) if scan.submitted else None  # type: ignore[attr-defined]
    model = load_model("groeimodel")
    initiatives = list(company.initiatives.order_by("-created_at"))
    groups = [
        {"level": lv.level, "name": lv.name.get(lang), "items": [i for i in initiatives if i.level == lv.level]}
        for lv in reversed(model.levels)
    ]
    groups.append(
        {
            "level": 0,
            "name": model.data.not_social_innovation.name.get(lang),
            "items": [i for i in initiatives if i.level == 0],
        }
    )
    return render(
        request,
        "companies/detail.html",
        {
            "company": company,
            "scans": scans,
            "has_draft": any(not s.submitted for s in scans),
            "initiative_groups": groups,
            "has_initiatives": bool(initiatives),
            "can_register": access.can_register_initiatives(request.user),
            "can_edit": access.can_edit_companies(request.user),
            "can_archive": access.can_edit_company(request.user, company),
            "can_delete_drafts": access.can_delete_draft_scans(request.user),
            "models": [(m.id, m.name(current_lang()), m.version) for m in list_models()],
            "can_record_growth": access.can_run_scans(request.user),
            **_over_the_waves(company, scans, lang),
        },
    )


def _over_the_waves(company: Company, scans: list[Response], lang: Lang) -> dict[str, Any]:
    """The level scores over the submitted waves (from the stored score rows, in one query, never re-scored) as a
    chart and a table, and every wave's growth figures beside its ladder position."""
    by_number = sorted(scans, key=lambda s: s.wave.number)
    submitted = [s for s in by_number if s.submitted]
    scores: dict[tuple[int, int], float | None] = {}
    for wave_id, level, value in ScoreRow.objects.filter(
        company=company, respondent=Respondent.MANAGEMENT, block="", wave__in=[s.wave_id for s in submitted]
    ).values_list("wave_id", "level", "score"):
        scores[(wave_id, level)] = value
    levels = sorted({level for _wave, level in scores})
    labels = [s.wave.label for s in submitted]
    latest_model = submitted[-1].model_id if submitted else None
    rows: list[dict[str, Any]] = [
        {
            "name": level_label(latest_model or "groeimodel", level, lang),
            "scores": [scores.get((s.wave_id, level)) for s in submitted],
        }
        for level in levels
    ]
    chart = None
    if rows:
        model = load_model(latest_model or "groeimodel")
        insufficient = model.data.scoring.insufficient.get(lang)
        for row in rows:
            row["insufficient"] = insufficient
        chart = lines_svg(
            labels,
            [
                Series(r["name"], r["scores"], css_class=f"series-level-{level}")
                for level, r in zip(levels, rows, strict=True)
            ],
            title=_("Score per level over the waves, 0 to 100"),
            lang=lang,
            missing=insufficient,
            threshold=model.threshold,
            id_prefix="level-scores",
        )
    growth = [
        {
            "wave": s.wave,
            "position": s.position_label,  # type: ignore[attr-defined]
            "export_fraction": None if s.wave.export_share is None else s.wave.export_share / 100,
        }
        for s in by_number
    ]
    return {
        "score_chart": mark_safe(chart) if chart else None,
        "score_labels": labels,
        "score_rows": rows,
        "growth_rows": growth,
    }
