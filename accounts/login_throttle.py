"""One throttle for every login door, built on django-axes.

axes listens to Django's authentication signals, so every form that calls
`django.contrib.auth.authenticate` is counted by construction, and its
`AxesStandaloneBackend` (first in AUTHENTICATION_BACKENDS) refuses a locked
client before any password is checked. This module supplies the project's rules:

- The account is the normalized mobile number ("138 0000 0001" and "13800000001" count together).
- The client address is REMOTE_ADDR, or the X-Forwarded-For entry written by our own proxies
  when `TRUSTED_PROXY_HOPS` says how many there are (a client cannot forge it then).
- Two limits, each over `LOGIN_LOCKOUT_SECONDS` since the last failure:
  `LOGIN_FAILURE_LIMIT` failures for one (account, address) pair lock that pair only, so an
  attacker's failures do not stop the owner signing in from another address; and
  `LOGIN_ADDRESS_FAILURE_LIMIT` failures from one address over any accounts lock the address.
  A failure while locked is counted too, so a client that keeps trying stays locked.
- A successful login clears nothing (`AXES_RESET_ON_SUCCESS = False`): only the lock's expiry
  or a province admin's audited unlock (`unlock`) ends it.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.core import signing
from django.db.models import Max, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import pii
from accounts.models import User
from accounts.validators import normalize_mobile

# AccessAttempt.username holds at most this much of what a client typed (a mobile is 11 digits).
_USERNAME_MAX = 32


# --- What axes asks us: who, from where, how many, how long ------------------------------------


def account_key(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the normalized mobile from the credentials (or the POSTed form)."""
    raw: Any = None
    if credentials:
        raw = credentials.get("username") or credentials.get("mobile")
    if raw is None and request is not None and request.method == "POST":
        raw = request.POST.get("username")
    if not raw:
        return None
    return normalize_mobile(str(raw))[:_USERNAME_MAX] or None


def client_address(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, unless TRUSTED_PROXY_HOPS proxies stand in front.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For, so
    with n proxies the client is the n-th entry from the right; anything left of it was written
    by the client and is ignored. A malformed value falls back to REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    hops = settings.TRUSTED_PROXY_HOPS
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= hops:
            candidate = forwarded[-hops]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote


def failure_limit(request: HttpRequest | None, credentials: dict[str, Any] | None) -> int:
    """AXES_FAILURE_LIMIT: the per-(account, address) limit (read at call time, so tests can tune it)."""
    return settings.LOGIN_FAILURE_LIMIT


def lockout_period(request: HttpRequest | None = None) -> timedelta:
    """AXES_COOLOFF_TIME: how long failures are remembered and a lock lasts after the last one."""
    return timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)


def _recent(now: datetime | None = None) -> QuerySet[AccessAttempt]:
    return AccessAttempt.objects.filter(attempt_time__gt=(now or timezone.now()) - lockout_period())


@dataclass(frozen=True)
class LoginState:
    """Failures counted against each limit for one (account, address), and when each lock ends."""

    pair_failures: int
    address_failures: int
    pair_until: datetime | None
    address_until: datetime | None

    @property
    def locked_until(self) -> datetime | None:
        ends = [t for t in (self.pair_until, self.address_until) if t is not None]
        return max(ends) if ends else None


def login_state(account: str | None, address: str | None, *, now: datetime | None = None) -> LoginState:
    """Count the recent failures of (account, address) and of the address over all accounts."""
    recent = _recent(now)
    period = lockout_period()
    pair = recent.filter(username=account, ip_address=address).aggregate(
        n=Sum("failures_since_start"), last=Max("attempt_time")
    )
    by_address = (
        recent.filter(ip_address=address).aggregate(n=Sum("failures_since_start"), last=Max("attempt_time"))
        if address
        else {"n": 0, "last": None}
    )
    pair_n, address_n = pair["n"] or 0, by_address["n"] or 0
    return LoginState(
        pair_failures=pair_n,
        address_failures=address_n,
        pair_until=pair["last"] + period if pair_n >= settings.LOGIN_FAILURE_LIMIT else None,
        address_until=(by_address["last"] + period if address_n >= settings.LOGIN_ADDRESS_FAILURE_LIMIT else None),
    )


class LoginThrottleHandler(AxesDatabaseHandler):
    """axes' database handler (shared by every daphne process) with two limits instead of one.

    axes compares one number with one limit; `get_failures` returns the pair's failures, or at
    least the pair limit once the address alone has reached the per-address limit, so axes' own
    comparison (`>= AXES_FAILURE_LIMIT`) locks exactly when either limit is reached.
    """

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        # django-axes sets axes_ip_address on the request before it asks for failures.
        state = login_state(account_key(request, credentials), request.axes_ip_address)  # type: ignore[attr-defined]
        if state.address_failures >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(state.pair_failures, settings.LOGIN_FAILURE_LIMIT)
        return state.pair_failures

    def user_login_failed(self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
        # Remember whether this failure found the client already locked, so the audit receiver
        # records the moment of locking once rather than every refused attempt as a new lockout.
        if request is not None:
            request.axes_was_locked = self.is_locked(request, credentials)
        super().user_login_failed(sender, credentials, request, **kwargs)


# --- The lockout page ---------------------------------------------------------------------------


def lockout_message(state: LoginState) -> str:
    until = timezone.localtime(state.locked_until or timezone.now())
    minutes = max(1, round(((state.locked_until or timezone.now()) - timezone.now()).total_seconds() / 60))
    when = until.strftime("%H:%M")
    if state.address_until is not None and (state.pair_until is None or state.address_until >= state.pair_until):
        return _(
            "此网络地址登录失败次数过多，已暂时停止从这里登录。请在 %(when)s（约 %(minutes)s 分钟后）再试；"
            "如需尽快恢复，请联系省级管理员解除锁定。"
        ) % {"when": when, "minutes": minutes}
    return _(
        "登录失败次数过多，该账户在此网络地址上已暂时锁定。请在 %(when)s（约 %(minutes)s 分钟后）再试，"
        "或通过“忘记密码”重设密码；换用其他网络登录不受影响。"
    ) % {"when": when, "minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page with the reason and the time to retry, status 429.

    The login view's own form is reused when there is one (so the typed mobile stays); axes'
    async middleware passes the credentials in the second argument, hence the type check.
    """
    from accounts.forms import LoginForm

    if isinstance(original_response, dict):
        credentials, original_response = original_response, None
    account = account_key(request, credentials or getattr(request, "axes_credentials", None))
    message = lockout_message(login_state(account, getattr(request, "axes_ip_address", None)))
    context: dict[str, Any] = dict(getattr(original_response, "context_data", None) or {})
    form = context.get("form")
    if not isinstance(form, LoginForm):
        # Unbound: validating a form here would call authenticate() and count another failure.
        form = LoginForm(request, initial={"username": account or ""})
    form.add_error(None, message)
    context.update(form=form, next=context.get("next", ""), locked_out=True)
    response = TemplateResponse(request, "accounts/login.html", context, status=429)
    response["Retry-After"] = str(settings.LOGIN_LOCKOUT_SECONDS)
    return response.render()


# --- Province admins: see and lift lockouts -----------------------------------------------------


@dataclass(frozen=True)
class Lockout:
    kind: str  # "pair": one account from one address; "address": one address over all accounts
    account: str | None
    address: str | None
    failures: int
    until: datetime

    @property
    def masked_account(self) -> str:
        return pii.mask_mobile(self.account) if self.account else ""

    @property
    def token(self) -> str:
        """What the unlock button posts: signed, so the page shows only the masked number."""
        return signing.dumps({"kind": self.kind, "account": self.account, "address": self.address}, salt=_UNLOCK_SALT)

    @property
    def holder(self) -> User | None:
        return User.objects.filter(mobile=self.account).first() if self.account else None


_UNLOCK_SALT = "accounts.login_throttle.unlock"


def read_unlock_token(token: str) -> dict[str, Any] | None:
    """The lockout a token names (kind, account, address), or None if forged or a day old."""
    try:
        found = signing.loads(token, salt=_UNLOCK_SALT, max_age=86400)
    except signing.BadSignature:
        return None
    if not isinstance(found, dict) or found.get("kind") not in ("pair", "address"):
        return None
    return found


def current_lockouts(*, now: datetime | None = None) -> list[Lockout]:
    """Every (account, address) pair and every address that is locked now, latest first."""
    period = lockout_period()
    recent = _recent(now)
    found: list[Lockout] = []
    for row in (
        recent.values("username", "ip_address")
        .annotate(n=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(n__gte=settings.LOGIN_FAILURE_LIMIT)
    ):
        found.append(Lockout("pair", row["username"], row["ip_address"], row["n"], row["last"] + period))
    for row in (
        recent.exclude(ip_address=None)
        .values("ip_address")
        .annotate(n=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(n__gte=settings.LOGIN_ADDRESS_FAILURE_LIMIT)
    ):
        found.append(Lockout("address", None, row["ip_address"], row["n"], row["last"] + period))
    return sorted(found, key=lambda lock: lock.until, reverse=True)


def unlock(actor: User, *, kind: str, account: str | None, address: str | None, ip: str | None) -> int:
    """Lift a lockout (province admins only) and audit it; returns the failure records removed.

    "pair" forgets one account's failures from one address; "address" forgets every failure
    from that address. Raises PermissionDenied for anyone else and ValueError for an unknown kind.
    """
    from django.core.exceptions import PermissionDenied

    from accounts.actions import audit
    from accounts.choices import Role

    if not actor.has_role(Role.PROVINCE_ADMIN):
        raise PermissionDenied(_("只有省级管理员可以解除登录锁定。"))
    if kind == "pair":
        rows = AccessAttempt.objects.filter(username=account, ip_address=address)
    elif kind == "address" and address:
        rows = AccessAttempt.objects.filter(ip_address=address)
    else:
        raise ValueError(f"unknown lockout kind {kind!r}")
    removed, _detail = rows.delete()
    audit(
        actor,
        "login.unlock",
        after={"kind": kind, "mobile": pii.mask_mobile(account) if account else "", "address": address or ""},
        ip=ip,
    )
    return removed
