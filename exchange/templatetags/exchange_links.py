"""Links from an app's pages into the data exchange, carrying the page's context and the way back.

    {% load exchange_links %}
    <a href="{% exchange_url 'upload' 'registrations' within=contest.slug %}">批量报名</a>
    {% exchange_export 'results' within=contest.slug format='csv' label='导出成绩' %}

Both add `next=<this page>` so the job page leads back here; the exchange checks the context
against the person's permissions (404 otherwise) and keeps only a local `next`. Put the export
button inside an `.actions` row: it is a form of its own.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse

register = template.Library()


def _scoped(name: str, key: str, request: Any, ref: object) -> str:
    params = {"context": str(ref)} if ref not in (None, "") else {}
    if request is not None:
        params["next"] = request.get_full_path()
    url = reverse(f"exchange:{name}", args=[key])
    return f"{url}?{urlencode(params)}" if params else url


@register.simple_tag(takes_context=True)
def exchange_url(context: template.Context, name: str, key: str, within: object = None) -> str:
    """The URL of the exchange's `name` view ("upload") for record type `key`, `within` a
    context (the reference the record type's context kind resolves), leading back here."""
    return _scoped(name, key, context.get("request"), within)


@register.inclusion_tag("exchange/includes/export_button.html", takes_context=True)
def exchange_export(
    context: template.Context, key: str, label: str, format: str = "xlsx", within: object = None
) -> dict[str, Any]:
    """A one-button form that starts the export of record type `key` `within` a context, as a
    job whose page offers the file and leads back to the current page."""
    return {
        "action": _scoped("export", key, context.get("request"), within),
        "format": format,
        "label": label,
        "csrf_token": context.get("csrf_token"),
    }
