from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from groeimodel import formats
from groeimodel.classify import ClassifierError
from groeimodel.finance import cash_flows
from groeimodel.model import Lang, load_model
from groeimodel.reports.charts import cashflow_svg
from groeimodel.web import access
from groeimodel.web.i18n import current_lang
from groeimodel.web.initiatives.forms import DESCRIPTION_MAX_LENGTH, InitiativeForm
from groeimodel.web.initiatives.models import Initiative
from groeimodel.web.initiatives.services import MODEL_ID, business_case_of, save_initiative, suggest

MIN_WORDS_FOR_SUGGESTION = 5


def _form(request: HttpRequest, instance: Initiative | None = None) -> InitiativeForm:
    data = request.POST if request.method == "POST" else None
    return InitiativeForm(data, instance=instance, model=load_model(MODEL_ID), lang=current_lang())


def _save(request: HttpRequest, form: InitiativeForm, company: Any, instance: Initiative | None) -> Initiative:
    data = {k: v for k, v in form.cleaned_data.items() if k in form.Meta.fields}
    data["blocks"] = list(form.cleaned_data.get("blocks") or [])
    return save_initiative(
        user=request.user,
        company=company,
        data=data,
        level_choice=form.cleaned_data.get("level_choice") or "",
        indicators={k: v for k, v in form.indicator_values().items() if v is not None},
        instance=instance,
    )


@login_required
@require_http_methods(["GET", "POST"])
def initiative_create(request: HttpRequest, company_pk: int) -> HttpResponse:
    if not access.can_register_initiatives(request.user):
        raise Http404
    company = access.get_company(request.user, company_pk)
    form = _form(request)
    if request.method == "POST" and form.is_valid():
        initiative = _save(request, form, company, None)
        messages.success(request, _("Initiative %(title)s added.") % {"title": initiative.title})
        return redirect("initiative-detail", pk=initiative.pk)
    return render(
        request, "initiatives/form.html", {"form": form, "company": company, "initiative": None},
        status=400 if form.errors else 200,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def initiative_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not access.can_register_initiatives(request.user):
        raise Http404
    initiative = access.get_initiative(request.user, pk)
    form = _form(request, initiative)
    if request.method == "POST" and form.is_valid():
        _save(request, form, initiative.company, initiative)
        messages.success(request, _("Changes saved."))
        return redirect("initiative-detail", pk=initiative.pk)
    return render(
        request,
        "initiatives/form.html",
        {"form": form, "company": initiative.company, "initiative": initiative},
        status=400 if form.errors else 200,
    )


@login_required
def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = access.get_initiative(request.user, pk)
    model = load_model(MODEL_ID)
    lang = current_lang()
    case = business_case_of(initiative)
    chart = None
    if case is not None:
        flows = cash_flows(case.investment, case.annual_benefit - case.annual_cost, case.years)
        chart = cashflow_svg(
            flows, title=_("Cash flow per year"), year_label=_("year"), cumulative_label=_("cumulative"), lang=lang
        )
    level = model.level(initiative.level) if initiative.level else None
    indicator_defs = [ind for lv in model.levels for ind in lv.indicators] + list(model.data.growth_indicators)
    indicators = []
    for ind in indicator_defs:
        if ind.business_case is not None:
            value = getattr(case, ind.business_case) if case is not None else None
        else:
            value = initiative.indicators.get(ind.id)
        if value is not None:
            indicators.append({"name": ind.name.get(lang), "value": _indicator_text(ind.unit, float(value), lang)})
    suggestion = initiative.suggestion or {}
    blocks = {b.id: b.data.name.get(lang) for b in model.blocks}
    return render(
        request,
        "initiatives/detail.html",
        {
            "initiative": initiative,
            "company": initiative.company,
            "level_name": _level_name(model, initiative.level, lang),
            "suggested_name": _level_name(model, initiative.suggested_level, lang),
            "key_question": level.key_question.get(lang) if level else None,
            "evidence": suggestion.get("evidence", []),
            "probabilities": _probabilities(model, suggestion.get("probabilities", {}), lang),
            "case": case,
            "chart": chart,
            "indicators": indicators,
            "block_names": [blocks[b] for b in initiative.blocks if b in blocks],
            "can_edit": access.can_register_initiatives(request.user),
        },
    )


def _indicator_text(unit: str, value: float, lang: Lang) -> str:
    decimals = 0 if value == int(value) else 2
    if unit in ("eur", "eur_per_year"):
        return formats.amount(value, lang, decimals)
    if unit == "percent":
        return formats.number(value, lang, decimals) + "%"
    return formats.number(value, lang, 1 if unit == "years" else decimals)


def _level_name(model: Any, level: int | None, lang: str) -> str | None:
    if level is None:
        return None
    if level == 0:
        return str(model.data.not_social_innovation.name.get(lang))
    return str(model.level(level).name.get(lang))


def _probabilities(model: Any, probabilities: dict[str, float], lang: str) -> list[dict[str, Any]]:
    return [
        {"level": int(k), "name": _level_name(model, int(k), lang), "percent": round(100 * v)}
        for k, v in sorted(probabilities.items(), key=lambda kv: int(kv[0]))
    ]


@login_required
@require_POST
def initiative_suggest(request: HttpRequest) -> HttpResponse:
    """The classifier's suggestion for the description being typed (HTMX)."""
    if not access.can_register_initiatives(request.user):
        raise Http404
    text = request.POST.get("description", "")
    if len(text) > DESCRIPTION_MAX_LENGTH:
        error = _("The description is too long: at most %(count)s characters.") % {"count": DESCRIPTION_MAX_LENGTH}
        return render(request, "initiatives/_suggestion.html", {"error": error}, status=400)
    context: dict[str, Any] = {"too_short": len(text.split()) < MIN_WORDS_FOR_SUGGESTION}
    if not context["too_short"]:
        lang = current_lang()
        try:
            prediction = suggest(text, lang)
        except ClassifierError as exc:
            return render(request, "initiatives/_suggestion.html", {"error": str(exc)}, status=400)
        model = load_model(MODEL_ID)
        context.update(
            {
                "prediction": prediction,
                "level_name": _level_name(model, prediction.level, lang),
                "percent": round(100 * prediction.probabilities[prediction.level]),
                "probabilities": _probabilities(model, {str(k): v for k, v in prediction.probabilities.items()}, lang),
            }
        )
    return render(request, "initiatives/_suggestion.html", context)
