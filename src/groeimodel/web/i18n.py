from __future__ import annotations

from django.utils.translation import get_language

from groeimodel.model import Lang


def current_lang() -> Lang:
    """The active UI language as a model language, for the model's own texts."""
    return "en" if (get_language() or "nl").startswith("en") else "nl"
