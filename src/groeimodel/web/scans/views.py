from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from groeimodel.errors import InputError
from groeimodel.model import DEFAULT_MODEL, Lang, Model, list_models
from groeimodel.model.fallback import closest_model
from groeimodel.reports.charts import Series, radar_svg, strip_svg
from groeimodel.reports.view import build_view
from groeimodel.respondents import employee_view
from groeimodel.scoring import Role, ScanResult, combine
from groeimodel.web import access
from groeimodel.web.i18n import current_lang, level_label
from groeimodel.web.invitations.models import EmployeeRound
from groeimodel.web.scans.benchmark import benchmark_for
from groeimodel.web.scans.model_change import draft_status, result_model
from groeimodel.web.scans.models import Respondent, Response
from groeimodel.web.scans.services import (
    ScanError,
    answers_of,
    model_of,
    parse_value,
    save_answers,
    start_scan,
    submit_scan,
)


def _progress(model: Model, answers: dict[str, int | None]) -> dict[str, Any]:
    done = sum(1 for item in model.items if item.id in answers)
    total = len(model.items)
    return {"done": done, "total": total, "percent": round(100 * done / total)}


def _blocks_status(model: Model, answers: dict[str, int | None], lang: Lang) -> list[dict[str, Any]]:
    out = []
    for b in model.blocks:
        answered = sum(1 for i in b.item_indices if model.items[i].id in answers)
        out.append(
            {
                "index": b.index,
                "id": b.id,
                "level": b.level,
                "name": b.data.name.get(lang),
                "answered": answered,
                "items": len(b.item_indices),
                "complete": answered == len(b.item_indices),
            }
        )
    return out


@login_required
@require_POST
def scan_start(request: HttpRequest, company_pk: int) -> HttpResponse:
    company = access.get_company(request.user, company_pk)
    shipped = {m.id for m in list_models()}
    model_id = request.POST.get("model", DEFAULT_MODEL)
    if model_id not in shipped:
        return JsonResponse({"error": f"unknown model {model_id!r}", "field": "model"}, status=400)
    scan = start_scan(company=company, user=request.user, model_id=model_id)
    return redirect("scan-fill", pk=scan.pk)


@login_required
@require_http_methods(["GET", "POST"])
def scan_fill(request: HttpRequest, pk: int) -> HttpResponse:
    """One building block of the questionnaire per page; POST saves the block and moves on."""
    scan = access.get_scan(request.user, pk)
    if scan.submitted:
        return redirect("scan-result", pk=scan.pk)
    status = draft_status(scan)
    if not status.loadable:
        # The draft's model version no longer loads: the review page offers to carry it over.
        return redirect("scan-review", pk=scan.pk)
    model = model_of(scan)
    lang = current_lang()
    chosen = request.GET.get("block", request.POST.get("block"))
    if chosen is None:
        # "Verder met de scan": resume at the first block that is not finished, or review when all are
        unfinished = [b for b in _blocks_status(model, answers_of(scan), lang) if not b["complete"]]
        if not unfinished:
            return redirect("scan-review", pk=scan.pk)
        chosen = str(unfinished[0]["index"])
    try:
        index = int(chosen)
    except ValueError:
        index = 0
    index = min(max(index, 0), len(model.blocks) - 1)
    block = model.blocks[index]
    error = None
    if request.method == "POST":
        posted: dict[str, int | None] = {}
        try:
            for i in block.item_indices:
                item = model.items[i].id
                if request.POST.get(item):
                    posted[item] = parse_value(request.POST[item])
            save_answers(scan=scan, answers=posted)
        except ScanError as exc:
            error = str(exc)
        else:
            target = request.POST.get("go", "next")
            if target == "review":
                return redirect("scan-review", pk=scan.pk)
            step = -1 if target == "previous" else 1
            next_index = min(max(index + step, 0), len(model.blocks) - 1)
            if target == "next" and index == len(model.blocks) - 1:
                return redirect("scan-review", pk=scan.pk)
            return redirect(f"{reverse('scan-fill', args=[scan.pk])}?block={next_index}")
    answers = answers_of(scan)
    level = model.level(block.level)
    scale = [(p.value, p.label.get(lang)) for p in model.data.scale.points]
    items = [
        {
            "id": model.items[i].id,
            "text": model.items[i].text.get(lang),
            "value": "?" if model.items[i].id in answers and answers[model.items[i].id] is None
            else str(answers.get(model.items[i].id) or ""),
        }
        for i in block.item_indices
    ]  # fmt: skip
    return render(
        request,
        "scans/fill.html",
        {
            "scan": scan,
            "model": model,
            "block": block,
            "block_name": block.data.name.get(lang),
            "block_description": block.data.description.get(lang),
            "level": level,
            "level_name": level.name.get(lang),
            "items": items,
            "scale": scale,
            "missing_label": model.data.scale.missing.get(lang),
            "index": index,
            "is_first": index == 0,
            "is_last": index == len(model.blocks) - 1,
            "blocks": _blocks_status(model, answers, lang),
            "progress": _progress(model, answers),
            "error": error,
            "draft_status": status,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def scan_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Save one answer as it is given (HTMX); answers with the updated progress."""
    scan = access.get_scan(request.user, pk)
    item = request.POST.get("item", "")
    try:
        value = parse_value(request.POST.get(item, request.POST.get("value", "")))
        save_answers(scan=scan, answers={item: value})
    except (ScanError, InputError) as exc:
        message = str(exc) if isinstance(exc, ScanError) else _("The model has changed since this scan was started.")
        if request.htmx:  # type: ignore[attr-defined]
            return render(request, "scans/_saved.html", {"error": message}, status=400)
        return JsonResponse({"error": message, "item": item}, status=400)
    model = model_of(scan)
    answers = answers_of(scan)
    lang = current_lang()
    block = model.blocks[model.item_block[model.item_index[item]]]
    context = {
        "scan": scan,
        "progress": _progress(model, answers),
        "blocks": _blocks_status(model, answers, lang),
        "index": block.index,
        "saved_item": item,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "scans/_saved.html", context)
    return JsonResponse({"item": item, "value": value, "progress": context["progress"]})


@login_required
def scan_review(request: HttpRequest, pk: int) -> HttpResponse:
    scan = access.get_scan(request.user, pk)
    if scan.submitted:
        return redirect("scan-result", pk=scan.pk)
    return _render_review(request, scan)


def _render_review(request: HttpRequest, scan: Response, error: str | None = None) -> HttpResponse:
    status = draft_status(scan)
    # A draft whose model version no longer loads is shown with the current version until it is carried over.
    model = model_of(scan) if status.loadable else status.current
    lang = current_lang()
    answers = answers_of(scan)
    missing = {item.id for item in model.items if item.id not in answers}
    missing_by_block = []
    for b in model.blocks:
        items = [model.items[i] for i in b.item_indices if model.items[i].id in missing]
        if items:
            missing_by_block.append(
                {"index": b.index, "name": b.data.name.get(lang), "items": [i.text.get(lang) for i in items]}
            )
    return render(
        request,
        "scans/review.html",
        {
            "scan": scan,
            "missing_count": len(missing),
            "missing_by_block": missing_by_block,
            "progress": _progress(model, answers),
            "error": error,
            "draft_status": status,
        },
        status=400 if error else 200,
    )


_CARRY_OVER_FIRST = gettext_lazy("The model has changed since this scan was started; carry it over first.")


@login_required
@require_POST
def scan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    scan = access.get_scan(request.user, pk)
    if not scan.submitted and draft_status(scan).stuck:
        return _render_review(request, scan, error=str(_CARRY_OVER_FIRST))
    try:
        submit_scan(scan=scan, user=request.user)
    except ScanError as exc:
        if scan.submitted:
            return redirect("scan-result", pk=scan.pk)
        return _render_review(request, scan, error=str(exc))
    except InputError:
        # The model file changed under the draft between the check above and the scoring.
        return _render_review(request, scan, error=str(_CARRY_OVER_FIRST))
    messages.success(request, _("The scan has been submitted and scored."))
    return redirect("scan-result", pk=scan.pk)


@login_required
def scan_result(request: HttpRequest, pk: int) -> HttpResponse:
    scan = access.get_scan(request.user, pk)
    if not scan.submitted or scan.result is None or scan.submitted_at is None:
        return redirect("scan-fill", pk=scan.pk)
    lang = current_lang()
    wave = scan.wave
    earlier, employees = result_inputs(request.user, scan)
    # The page of a submitted scan changes only when an employee answers or an earlier wave changes: its body is
    # cached per scan, model, language and those.
    match = result_model(scan)
    key = ":".join(
        str(part)
        for part in ("scan-result", scan.pk, scan.model_hash, scan.submitted_at.timestamp(), lang, len(employees),
                     *(e.pk for e in earlier))
    ) + f":{match.model.content_hash}"  # fmt: skip
    body = cache.get(key)
    if body is None:
        body = render_to_string("scans/_result_body.html", _result_context(scan, earlier, employees, lang))
        cache.set(key, body, timeout=None)
    # Initiatives of the company that work on the blocks the advice names, or on the next level (not cached).
    advised = [a["block"] for a in scan.result["advice"]]
    next_level = scan.result["next_level"]
    related = [
        i
        for i in wave.company.initiatives.order_by("-created_at")
        if set(i.blocks) & set(advised) or (next_level is not None and i.level == next_level)
    ]
    for initiative in related:
        initiative.level_label = level_label(scan.model_id, initiative.level, lang) if initiative.level else None  # type: ignore[attr-defined]
    return render(
        request,
        "scans/result.html",
        {
            "scan": scan,
            "company": wave.company,
            "model_name": match.model.name(lang),
            "model_match": match,
            "body": mark_safe(body),
            # Not cached with the body: it changes whenever another firm of the organisation submits a scan.
            "benchmark": mark_safe(render_to_string("scans/_benchmark.html", _benchmark_context(scan, lang))),
            "related_initiatives": related,
            "can_register": access.can_register_initiatives(request.user),
        },
    )


def result_inputs(user: Any, scan: Response) -> tuple[list[Response], list[tuple[str, str, Any]]]:
    """What the result of ``scan`` is built from besides itself: the earlier waves' submitted scans of the same
    company that ``user`` may see (oldest first), and the employees' submitted results of its wave."""
    wave = scan.wave
    earlier = list(
        access.scans_for(user)
        .filter(wave__company_id=wave.company_id, wave__number__lt=wave.number, status=Response.Status.SUBMITTED)
        .select_related("wave")
        .order_by("wave__number")
    )
    employees = list(
        Response.objects.filter(wave=wave, respondent=Respondent.EMPLOYEE, status=Response.Status.SUBMITTED)
        .order_by("pk")
        .values_list("model_id", "model_version", "result")
    )
    return earlier, employees


def _benchmark_context(scan: Response, lang: Lang) -> dict[str, Any]:
    """The firm's level scores among its peers: the group used, and per level percentile and distribution."""
    result = benchmark_for(scan)
    levels = []
    for (level, block), m in sorted(result.measures.items()):
        if block or m.distribution is None:
            continue
        d = m.distribution
        name = level_label(scan.model_id, level, lang)
        levels.append(
            {
                "name": name,
                "score": m.score,
                "percentile": m.percentile,
                "peers": m.peers,
                "distribution": d,
                "svg": strip_svg(
                    minimum=d.minimum,
                    q1=d.q1,
                    median=d.median,
                    q3=d.q3,
                    maximum=d.maximum,
                    own=m.score,
                    title=_("Level %(level)s: scores of the comparable firms, 0 to 100") % {"level": name},
                    own_label=_("this firm"),
                    lang=lang,
                    id_prefix=f"strip-{level}",
                ),
            }
        )
    return {
        "group_label": result.group.label(lang),
        "group_size": result.group.size,
        "k": settings.BENCHMARK_MIN,
        "levels": levels,
        "fallback": result.group.kind != "sector_size",
    }


def _stored(response: Response) -> ScanResult:
    assert response.result is not None
    return ScanResult.from_dict(response.result, result_model(response).model)


def _result_context(
    scan: Response, earlier: list[Response], employees: list[tuple[str, str, Any]], lang: Lang
) -> dict[str, Any]:
    match = result_model(scan)
    model = match.model
    result = _stored(scan)
    previous = (earlier[-1].wave.label, result_model(earlier[-1]).model, _stored(earlier[-1])) if earlier else None
    first = (earlier[0].wave.label, result_model(earlier[0]).model, _stored(earlier[0])) if len(earlier) > 1 else None
    employee_results = [
        ScanResult.from_dict(data, closest_model(model_id, version).model)
        for model_id, version, data in employees
        if (model_id, version) == (scan.model_id, scan.model_version)
    ]
    staff = employee_view(employee_results, k=settings.EMPLOYEES_MIN)
    view = build_view(
        model, result, lang, previous=previous, first=first, employees=staff, gap_points=settings.GAP_POINTS
    )
    firm = None
    if staff.shown and match.exact:
        respondents: list[tuple[Role, ScanResult]] = [("management", result)]
        respondents += [("employee", r) for r in employee_results]
        combined = combine(model, respondents)
        firm = build_view(model, combined.result, lang)
    series = [Series(name=_("Score"), values=[b.score for b in view.blocks])]
    if previous is not None:
        before = {b.id: b.score for lv in previous[2].levels for b in lv.blocks}
        series.insert(
            0,
            Series(
                name=_("Score at %(wave)s") % {"wave": previous[0]},
                values=[before.get(b.id) for b in view.blocks],
                css_class="series-previous",
            ),
        )
    radar = radar_svg(
        [f"{b.number}. {b.name}" for b in view.blocks],
        series,
        threshold=model.threshold,
        title=_("Scores per building block, 0 to 100"),
        described_by="scores-table",
    )
    return {
        "view": view,
        "has_round": EmployeeRound.objects.filter(wave=scan.wave).exists(),
        "firm": firm,
        "radar": radar,
        "previous_label": previous[0] if previous else None,
        "wave_label": scan.wave.label,
    }
