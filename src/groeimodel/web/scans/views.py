from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from groeimodel.model import DEFAULT_MODEL, Lang, Model, list_models
from groeimodel.reports.charts import Series, radar_svg
from groeimodel.web import access
from groeimodel.web.i18n import current_lang
from groeimodel.web.scans.models import Scan
from groeimodel.web.scans.services import (
    ScanError,
    answers_of,
    missing_items,
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
    model = model_of(scan)
    lang = current_lang()
    try:
        index = int(request.GET.get("block", request.POST.get("block", "0")))
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
    except ScanError as exc:
        if request.htmx:  # type: ignore[attr-defined]
            return render(request, "scans/_saved.html", {"error": str(exc)}, status=400)
        return JsonResponse({"error": str(exc), "item": item}, status=400)
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


def _render_review(request: HttpRequest, scan: Scan, error: str | None = None) -> HttpResponse:
    model = model_of(scan)
    lang = current_lang()
    answers = answers_of(scan)
    missing = set(missing_items(scan, answers))
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
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def scan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    scan = access.get_scan(request.user, pk)
    try:
        submit_scan(scan=scan)
    except ScanError as exc:
        if scan.submitted:
            return redirect("scan-result", pk=scan.pk)
        return _render_review(request, scan, error=str(exc))
    messages.success(request, _("The scan has been submitted and scored."))
    return redirect("scan-result", pk=scan.pk)


@login_required
def scan_result(request: HttpRequest, pk: int) -> HttpResponse:
    scan = access.get_scan(request.user, pk)
    if not scan.submitted or scan.result is None or scan.submitted_at is None:
        return redirect("scan-fill", pk=scan.pk)
    lang = current_lang()
    # A submitted scan's result never changes: its rendered body is cached per scan, model and language.
    key = f"scan-result:{scan.pk}:{scan.model_hash}:{scan.submitted_at.timestamp()}:{lang}"
    body = cache.get(key)
    if body is None:
        body = render_to_string("scans/_result_body.html", _result_context(scan, lang))
        cache.set(key, body, timeout=None)
    # Initiatives of the company that work on the blocks the advice names, or on the next level (not cached).
    advised = [a["block"] for a in scan.result["advice"]]
    next_level = scan.result["next_level"]
    related = [
        i
        for i in scan.company.initiatives.order_by("-created_at")
        if set(i.blocks) & set(advised) or (next_level is not None and i.level == next_level)
    ]
    return render(
        request,
        "scans/result.html",
        {
            "scan": scan,
            "company": scan.company,
            "model_name": model_of(scan).name(lang),
            "body": mark_safe(body),
            "related_initiatives": related,
            "can_register": access.can_register_initiatives(request.user),
        },
    )


def _result_context(scan: Scan, lang: Lang) -> dict[str, Any]:
    model = model_of(scan)
    result = scan.result
    assert result is not None
    band_names = {b.id: b.name.get(lang) for b in model.bands}
    insufficient = model.data.scoring.insufficient.get(lang)
    levels = []
    for lv in result["levels"]:
        data = model.level(lv["level"])
        levels.append(
            {
                **lv,
                "name": data.name.get(lang),
                "subtitle": data.subtitle.get(lang),
                "key_question": data.key_question.get(lang),
                "reconstruction": data.reconstruction,
                "band_name": band_names.get(lv["band"], insufficient),
                "is_position": lv["level"] == result["position"],
                "is_next": lv["level"] == result["next_level"],
                "blocks": [
                    {
                        **b,
                        "name": model.blocks[model.block_index[b["id"]]].data.name.get(lang),
                        "band_name": band_names.get(b["band"], insufficient),
                    }
                    for b in lv["blocks"]
                ],
            }
        )
    advice = []
    for a in result["advice"]:
        block = model.blocks[model.block_index[a["block"]]]
        text = block.data.advice[a["band"]] if a["band"] else model.data.scoring.insufficient_advice
        advice.append(
            {
                "block": block.data.name.get(lang),
                "score": a["score"],
                "band_name": band_names.get(a["band"], insufficient),
                "text": text.get(lang),
            }
        )
    blocks = [b for lv in levels for b in lv["blocks"]]
    radar = radar_svg(
        [f"{b['id'].split('.')[0][1:]}. {b['name']}" for b in blocks],
        [Series(name=_("Score"), values=[b["score"] for b in blocks])],
        threshold=model.threshold,
        title=_("Scores per building block, 0 to 100"),
        described_by="scores-table",
    )
    next_level = model.level(result["next_level"]) if result["next_level"] else None
    return {
        "position": result["position"],
        "position_name": model.level(result["position"]).name.get(lang) if result["position"] else None,
        "next_level": next_level,
        "next_level_name": next_level.name.get(lang) if next_level else None,
        "levels": list(reversed(levels)),
        "levels_up": levels,
        "has_reconstruction": any(lv["reconstruction"] for lv in levels),
        "threshold": model.threshold,
        "advice": advice,
        "radar": radar,
    }
