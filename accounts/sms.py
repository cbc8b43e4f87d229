"""Text messages (one-time codes) through a pluggable backend.

`settings.SMS_BACKEND` names the backend class by dotted path (default `ConsoleBackend`). A backend
is any class whose instances have `send(mobile: str, message: str) -> None`; it raises on failure
(`SmsError` with a Chinese message the page can show). A provider's backend (Aliyun SMS, Tencent
Cloud SMS, ...) wraps its client in that one method and reads its keys from its own settings:

    class AliyunBackend:
        def send(self, mobile: str, message: str) -> None:
            ...  # call the provider; raise SmsError(_("短信发送失败，请稍后再试。")) on an error

Backends here: `ConsoleBackend` (development: logs and prints the message, the number masked), `LocmemBackend`
(tests in one process: `accounts.sms.outbox`, like `django.core.mail.outbox`) and `FileBackend`
(appends one JSON line per message to `settings.SMS_FILE_PATH`, so a browser test reads what a
forked server sent).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from accounts.pii import mask_mobile

logger = logging.getLogger("accounts.sms")

# (mobile, message) pairs sent through LocmemBackend.
outbox: list[tuple[str, str]] = []


class SmsError(Exception):
    """Sending failed; str(exc) is a message for the person."""


class SmsBackend(Protocol):
    def send(self, mobile: str, message: str) -> None: ...


class ConsoleBackend:
    """Development and trials: the message goes to the log with the number masked (the log never
    holds a mobile number), and, with readable text logs, also to the terminal."""

    def send(self, mobile: str, message: str) -> None:
        logger.info("SMS to %s: %s", mask_mobile(mobile), message, extra={"event": "sms"})
        # JSON logs go to journald, which takes one JSON object a line: no plain line beside them.
        if settings.LOG_FORMAT == "text":
            print(f"[SMS] {mask_mobile(mobile)}: {message}", flush=True)


class LocmemBackend:
    def send(self, mobile: str, message: str) -> None:
        outbox.append((mobile, message))


class FileBackend:
    def send(self, mobile: str, message: str) -> None:
        path = Path(settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"mobile": mobile, "message": message}, ensure_ascii=False) + "\n")


def get_backend() -> SmsBackend:
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    return backend


def send(mobile: str, message: str) -> None:
    get_backend().send(mobile, message)
