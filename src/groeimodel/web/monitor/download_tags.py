"""``{% monitor_downloads as downloads %}``: the monitor's download links for the page's current choice (its GET
parameters, filters included), for ``monitor/_downloads.html``; registered in the settings' template libraries."""

from __future__ import annotations

from typing import Any

from django import template

from groeimodel.web.monitor.exports import download_links

register = template.Library()


@register.simple_tag(takes_context=True)
def monitor_downloads(context: template.Context) -> list[dict[str, Any]]:
    request = context["request"]
    return download_links(dict(request.GET.lists()))
