"""Field checks shared by the web forms."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Format characters (zero-width space and joiners, word joiner, byte-order mark, bidi marks), controls, spaces and
# separators, and combining marks with nothing to sit on show nothing; so do a few letters that are blank fillers.
_INVISIBLE_CATEGORIES = {"Cf", "Cc", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"}
_BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}


def has_visible_character(value: str) -> bool:
    return any(ch not in _BLANK_LETTERS and unicodedata.category(ch) not in _INVISIBLE_CATEGORIES for ch in value)


def validate_visible(value: str) -> None:
    """A name (of a company, a person, an initiative) must show something: refuses one of only invisible
    characters, which would stand in every list as an empty, unclickable line."""
    if value and not has_visible_character(value):
        raise ValidationError(
            _("Enter at least one visible character; spaces and invisible characters alone do not make a name."),
            code="invisible",
        )


def is_ascii_digits(value: str) -> bool:
    """Only 0-9: ``str.isdigit`` and the regex ``\\d`` also take other scripts' digits ('١٢٣')."""
    return value.isascii() and value.isdigit()
