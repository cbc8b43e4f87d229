"""Reading one-time codes in tests. The test run sends text messages through
`accounts.sms.FileBackend` (tests/conftest.py), so the code a view sent — in this process or in the
browser tests' forked server — is read back from the file."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse


def last_code(mobile: str) -> str:
    """The code in the latest message sent to `mobile` ('' when none)."""
    path = Path(settings.SMS_FILE_PATH)
    if not path.exists():
        return ""
    for line in reversed(path.read_text(encoding="utf-8").splitlines()):
        sent = json.loads(line)
        if sent["mobile"] == mobile:
            found = re.search(r"\d{6}", sent["message"])
            return found.group(0) if found else ""
    return ""


def with_sms_code(client: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Press "获取验证码" on the registration form for data["mobile"] and return the data with
    the code that arrived."""
    client.post(reverse("accounts:register"), {**data, "send_code": "1"})
    return {**data, "sms_code": last_code(data["mobile"])}
