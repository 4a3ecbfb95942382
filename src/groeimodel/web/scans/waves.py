"""A wave's own page: its date and the growth figures of the Innovatie Groei Model at that moment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from groeimodel.model.fallback import closest_model
from groeimodel.web import access
from groeimodel.web.i18n import current_lang
from groeimodel.web.scans.forms import WaveGrowthForm
from groeimodel.web.scans.services import record_growth


@login_required
@require_http_methods(["GET", "POST"])
def wave_growth(request: HttpRequest, pk: int) -> HttpResponse:
    wave = access.get_wave_to_record(request.user, pk)
    lang = current_lang()
    # The wave's own model version, or the closest one that loads when its file is gone.
    model = closest_model(wave.model_id, wave.model_version).model
    form = WaveGrowthForm(request.POST if request.method == "POST" else None, instance=wave, model=model, lang=lang)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        record_growth(user=request.user, wave=wave, data=data, indicators=form.indicator_values())
        messages.success(request, _("The growth figures of %(wave)s have been saved.") % {"wave": wave.label})
        return redirect("company-detail", pk=wave.company_id)
    return render(
        request,
        "waves/growth.html",
        {"wave": wave, "company": wave.company, "form": form},
        status=400 if form.errors else 200,
    )
