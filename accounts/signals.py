"""Audit records for logins, login failures, lockouts and logouts on every login door.

The counting and locking itself is django-axes' (see accounts.login_throttle); these receivers
only write the audit trail (and count failures and lockouts for /metrics), so a failure on any
form that calls `authenticate` is recorded.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts import pii
from accounts.actions import audit
from accounts.login_throttle import account_key, client_address
from config import metrics


def client_ip(request: Any) -> str | None:
    """The client's address for audit records: the same rule the login throttle uses."""
    return client_address(request) if request is not None else None


def _masked(account: str | None) -> str:
    return pii.mask_mobile(account) if account else ""


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit(user, "login.success", user, ip=client_ip(request))


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # axes' receiver runs first (importing axes.signals above connects it before this one) and
    # its handler notes whether the client was locked already: then the attempt was refused
    # without a password check ("login.refused"); otherwise the password was wrong.
    locked = getattr(request, "axes_was_locked", False)
    if not locked:
        metrics.LOGINS_FAILED.inc()
    audit(
        None,
        "login.refused" if locked else "login.failure",
        after={"mobile": _masked(account_key(request, credentials)), "path": getattr(request, "path", "")},
        ip=client_ip(request),
    )


@receiver(user_locked_out)
def on_locked_out(sender: Any, request: Any, username: str | None, ip_address: str | None, **kwargs: Any) -> None:
    # axes signals on every failure past the limit; record the moment the lock starts once.
    if getattr(request, "axes_was_locked", False):
        return
    metrics.LOGIN_LOCKOUTS.inc()
    audit(
        None,
        "login.lockout",
        after={
            "mobile": _masked(username),
            "address": ip_address or "",
            "failures": getattr(request, "axes_failures_since_start", None),
        },
        ip=ip_address,
    )


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit(user, "logout", user, ip=client_ip(request))
