"""Registration posts carry an SMS code once mobile verification lands; until then, unchanged."""

from __future__ import annotations

from typing import Any


def with_sms_code(client: Any, data: dict[str, Any]) -> dict[str, Any]:
    return data
