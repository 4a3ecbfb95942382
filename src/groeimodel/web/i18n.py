from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from groeimodel.model import Lang, ModelError, load_model


def current_lang() -> Lang:
    """The active UI language as a model language, for the model's own texts."""
    return "en" if (get_language() or "nl").startswith("en") else "nl"


def level_label(model_id: str, level: int | None, lang: Lang) -> str:
    """A ladder position or level as people read it: "2 – Innovatief vermogen vergroten"."""
    if not level:
        return "0 – " + _("no level achieved yet")
    try:
        return f"{level} – {load_model(model_id).level(level).name.get(lang)}"
    except (ModelError, KeyError, IndexError):  # a model or level no longer installed: the number alone
        return str(level)
