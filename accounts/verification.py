"""Proving a mobile number with a one-time SMS code, and changing the number a person signs in with.

Part of the accounts actions (re-exported by `accounts.actions`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import pii
from accounts.auditing import audit
from accounts.models import SmsCode, User
from accounts.ratelimits import count_event
from accounts.validators import normalize_mobile, validate_mobile

# --- Mobile verification -------------------------------------------------------------------------
# A mobile number is proved by a one-time code sent to it (accounts.sms): on registration and when
# a person changes her number. Codes are 6 digits, stored as a keyed hash, expire, allow a few
# wrong tries, are used once; sending is limited per number and per client address; all audited.


def sms_code_minutes() -> int:
    """How many whole minutes a code stays valid (SMS_CODE_TTL), as the messages state it."""
    return max(1, settings.SMS_CODE_TTL // 60)


def _code_hash(mobile: str, purpose: str, code: str) -> str:
    return pii.fingerprint(f"sms:{purpose}:{mobile}:{code}")


def send_sms_code(mobile: str, purpose: str, *, ip: str | None, actor: User | None = None) -> None:
    """Send a new code for `purpose` to `mobile` (earlier unused codes for it stop working).

    Raises ValidationError on `mobile` for a malformed number or past the sending limits, and
    `accounts.sms.SmsError` if the backend fails. Answers the same whether or not the number is
    registered."""
    import secrets

    from accounts import sms

    mobile = normalize_mobile(mobile)
    try:
        validate_mobile(mobile)
    except ValidationError as exc:
        raise ValidationError({"mobile": exc.messages[0]}) from None
    masked = pii.mask_mobile(mobile)
    limits = [("number:" + mobile, n, w) for n, w in settings.SMS_CODE_PER_NUMBER]
    limits += [("ip:" + ip, n, w) for n, w in settings.SMS_CODE_PER_ADDRESS] if ip else []
    for key, allowed, window in limits:
        if count_event("accounts.sms_send", pii.fingerprint(key), limit=allowed, seconds=window):
            audit(actor, "sms.throttled", after={"mobile": masked, "purpose": purpose}, ip=ip)
            wait = _("1 分钟") if window <= 60 else _("%(n)s 分钟") % {"n": window // 60}
            raise ValidationError({"mobile": _("验证码发送过于频繁，请 %(w)s后再试。") % {"w": wait}})
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    SmsCode.objects.filter(mobile=mobile, purpose=purpose, used_at__isnull=True).update(used_at=now)
    SmsCode.objects.create(
        mobile=mobile,
        purpose=purpose,
        code_hash=_code_hash(mobile, purpose, code),
        expires_at=now + dt.timedelta(seconds=settings.SMS_CODE_TTL),
        ip=ip,
    )
    sms.send(
        mobile,
        _("【数智英才】您的验证码是 %(c)s，%(m)s 分钟内有效。请勿告诉他人。") % {"c": code, "m": sms_code_minutes()},
    )
    audit(actor, "sms.send", after={"mobile": masked, "purpose": purpose}, ip=ip)


def verify_sms_code(mobile: str, purpose: str, code: str, *, ip: str | None, actor: User | None = None) -> None:
    """Use the latest code sent to `mobile` for `purpose`; raise ValidationError on `sms_code` if
    there is none, it expired, it was tried too often, or `code` is wrong (each wrong try counts,
    and is kept even if the caller's transaction rolls back: call this before writing)."""
    import hmac

    mobile = normalize_mobile(mobile)
    attempts = settings.SMS_CODE_ATTEMPTS
    now = timezone.now()
    found = SmsCode.objects.filter(mobile=mobile, purpose=purpose, used_at__isnull=True).first()
    masked = pii.mask_mobile(mobile)
    if found is None or found.expires_at <= now:
        audit(actor, "sms.verify_failure", after={"mobile": masked, "purpose": purpose, "why": "expired"}, ip=ip)
        raise ValidationError({"sms_code": _("验证码已失效或尚未获取，请点击“获取验证码”重新获取。")})
    if found.attempts >= attempts:
        raise ValidationError({"sms_code": _("验证码错误次数过多，已失效，请重新获取。")})
    SmsCode.objects.filter(pk=found.pk).update(attempts=models.F("attempts") + 1)
    if not hmac.compare_digest(found.code_hash, _code_hash(mobile, purpose, (code or "").strip())):
        audit(actor, "sms.verify_failure", after={"mobile": masked, "purpose": purpose, "why": "wrong"}, ip=ip)
        left = attempts - found.attempts - 1
        if left <= 0:
            raise ValidationError({"sms_code": _("验证码错误次数过多，已失效，请重新获取。")})
        raise ValidationError({"sms_code": _("验证码不正确，还可以再试 %(n)s 次。") % {"n": left}})
    SmsCode.objects.filter(pk=found.pk).update(used_at=now)
    audit(actor, "sms.verified", after={"mobile": masked, "purpose": purpose}, ip=ip)


@transaction.atomic
def change_mobile(user: User, new_mobile: str, *, ip: str | None = None) -> User:
    """Give `user` a new login number. The caller has verified the code sent to it
    (`verify_sms_code(..., SmsPurpose.CHANGE_MOBILE)`). Audited with both numbers masked."""
    mobile = normalize_mobile(new_mobile)
    validate_mobile(mobile)
    if User.objects.filter(mobile=mobile).exclude(pk=user.pk).exists():
        raise ValidationError({"mobile": _("该手机号已注册为其他账户，请使用其他号码。")})
    before = user.mobile_masked
    user.mobile = mobile
    user.save(update_fields=["mobile"])
    audit(user, "account.mobile_change", user, before={"mobile": before}, after={"mobile": user.mobile_masked}, ip=ip)
    return user
