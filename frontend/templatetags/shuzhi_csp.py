"""`{% csp_nonce %}`: the current response's CSP nonce, for templates rendered without the
request (Wagtail's form widgets and panels); see config/csp.py."""

from __future__ import annotations

from typing import Any

from django import template

from config.csp import current_nonce

register = template.Library()


@register.simple_tag(takes_context=True)
def csp_nonce(context: Any) -> str:
    request = context.get("request")
    nonce = getattr(request, "csp_nonce", None) if request is not None else None
    if nonce is None:
        nonce = current_nonce.get()
    return str(nonce) if nonce is not None else ""
