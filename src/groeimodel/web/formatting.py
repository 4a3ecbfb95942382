"""Template filters that format through the core's :mod:`groeimodel.formats` in the active language.

Registered as template builtins (settings.TEMPLATES), so every template can write ``{{ x|amount }}``,
``{{ rate|percent }}``, ``{{ x|number:1 }}`` and ``{{ day|longdate }}``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template
from django.utils import timezone

from groeimodel import formats
from groeimodel.web.i18n import current_lang

register = template.Library()

Number = float | int | Decimal


@register.filter
def amount(value: Number | None, decimals: int = 0) -> str:
    """``20000`` as nl ``€ 20.000``, en ``€20,000``; empty for no value."""
    return "" if value is None or value == "" else formats.amount(float(value), current_lang(), int(decimals))


@register.filter
def percent(fraction: Number | None, decimals: int = 1) -> str:
    """A fraction (``0.05``) as nl ``5,0%``, en ``5.0%``."""
    return "" if fraction is None or fraction == "" else formats.percent(float(fraction), current_lang(), int(decimals))


@register.filter
def number(value: Number | None, decimals: int = 0) -> str:
    return "" if value is None or value == "" else formats.number(float(value), current_lang(), int(decimals))


@register.filter
def longdate(value: dt.date | dt.datetime | None) -> str:
    """nl ``1 maart 2026``, en ``1 March 2026``."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return formats.date(value, current_lang())
