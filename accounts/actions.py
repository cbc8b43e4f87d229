"""Every change of state in accounts: registration, profile, roles, PII reveals, audit.

Views, admin, imports and commands call these so that validation, permission checks and audit
records happen in one place.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts import pii
from accounts.choices import SHANDONG_CITIES, RegionKind, Role
from accounts.models import (
    AuditEvent,
    CalendarFeed,
    ConflictStatus,
    EmploymentRequest,
    EmploymentStatus,
    IdentityConflict,
    Organization,
    Region,
    RoleGrant,
    SmsCode,
    User,
    new_feed_token,
)
from accounts.notifications import mark_all_read as mark_all_read
from accounts.notifications import mark_read as mark_read
from accounts.notifications import notify as notify  # every app notifies through accounts.actions
from accounts.notifications import set_preferences as set_preferences
from accounts.ratelimits import count_event
from accounts.roles import groups_for_role
from accounts.selectors import enterprise_admin_org_ids
from accounts.validators import (
    normalize_credit_code,
    normalize_id_number,
    normalize_mobile,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
)

audit_logger = logging.getLogger("shuzhi.audit")


def audit(
    actor: User | None,
    action: str,
    target: Any = None,
    *,
    before: Any = None,
    after: Any = None,
    reason: str = "",
    ip: str | None = None,
) -> AuditEvent:
    """Write one audit record. `target` is a model instance (or None for events about no record).

    Once the record is committed, one `shuzhi.audit` log line names the action, actor and target
    (docs/operations.md); the before/after values and the reason stay in the database only.
    """
    event = AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        before=before,
        after=after,
        reason=reason,
        ip=ip,
    )
    fields = {
        "event": "audit",
        "action": action,
        "actor_id": event.actor_id,
        "target_type": event.target_type,
        "target_id": event.target_id,
    }
    transaction.on_commit(lambda: audit_logger.info("audit %s", action, extra=fields))
    return event


def ensure_regions() -> Region:
    """Create the province and its 16 cities if missing; return the province. Idempotent."""
    province, _created = Region.objects.get_or_create(
        code="370000", defaults={"name": "山东省", "name_en": "Shandong", "kind": RegionKind.PROVINCE}
    )
    for code, name, name_en in SHANDONG_CITIES:
        Region.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "kind": RegionKind.CITY, "parent": province}
        )
    return province


# --- ID numbers ----------------------------------------------------------------------------------
# Whether an ID number belongs to someone is not answered to whoever submits it: a number another
# account holds is accepted by the form like any other, kept off her account (only its masked copy
# is shown, as for any number) and put to a province admin as an IdentityConflict. Submissions are
# counted per person and per client address and every one is audited (`identity.submit`).

# The one message for every newly submitted ID number, conflicting or not.
ID_SUBMITTED_MESSAGE = _lazy("身份证号已提交。如需人工核验，核验结果将通知您。")


def _id_limits() -> tuple[tuple[int, int], tuple[int, int]]:
    """((submissions, seconds) per person, (submissions, seconds) per client address)."""
    return settings.ID_SUBMISSIONS_PER_PERSON, settings.ID_SUBMISSIONS_PER_ADDRESS


def count_id_submission(*, person_key: str, ip: str | None, actor: User | None, masked: str) -> None:
    """Count one submission of a well-formed ID number; past either limit, audit it as throttled
    and raise ValidationError on `id_number`. Call outside the transaction that stores it, so the
    audit of a refused attempt is kept. The answer does not depend on the number."""
    (per_person, person_window), (per_address, address_window) = _id_limits()
    person_over = count_event(
        "accounts.id_submit.person", pii.fingerprint(person_key), limit=per_person, seconds=person_window
    )
    address_over = bool(
        ip and count_event("accounts.id_submit.address", pii.fingerprint(ip), limit=per_address, seconds=address_window)
    )
    if person_over or address_over:
        audit(actor, "identity.submit", actor, after={"outcome": "throttled", "id": masked}, ip=ip)
        if person_over:
            message = _("身份证号提交次数过多，请 %(h)s 小时后再试；如需帮助请联系管理员。") % {
                "h": max(1, person_window // 3600)
            }
        else:
            message = _("您所在网络提交身份证号过于频繁，请 %(h)s 小时后再试。") % {"h": max(1, address_window // 3600)}
        raise ValidationError({"id_number": message})


def _apply_id_number(user: User, id_number: str | None) -> str:
    """Set the person's ID fields from a submitted number; return the outcome: "cleared",
    "unchanged", "accepted" or "conflict" (another account holds it: only the masked copy is
    kept, and the caller records an IdentityConflict once the person is saved)."""
    if not id_number:
        user.id_number_hash = None
        user.id_number_cipher = ""
        user.id_number_masked = ""
        return "cleared"
    number = normalize_id_number(id_number)
    validate_id_number(number)
    digest = pii.fingerprint(number)
    if user.id_number_hash == digest:
        return "unchanged"
    user.id_number_masked = pii.mask_id_number(number)
    if User.objects.filter(id_number_hash=digest).exclude(pk=user.pk).exists():
        user.id_number_hash = None
        user.id_number_cipher = ""
        return "conflict"
    user.id_number_hash = digest
    user.id_number_cipher = pii.encrypt(number)
    return "accepted"


def _save_with_id(user: User, outcome: str) -> str:
    """Save `user`; if another account took the same number meanwhile (unique fingerprint), the
    number becomes a conflict instead of an error that would tell the submitter."""
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        if (
            outcome != "accepted"
            or not User.objects.filter(id_number_hash=user.id_number_hash).exclude(pk=user.pk).exists()
        ):
            raise
        user.id_number_hash, user.id_number_cipher = None, ""
        user.save()
        return "conflict"
    return outcome


def _record_id_submission(user: User, number: str, outcome: str, *, actor: User | None, ip: str | None) -> None:
    """Audit the submission; for a conflict, open the case for a province admin."""
    normalized = normalize_id_number(number)
    digest = pii.fingerprint(normalized)
    already_open = IdentityConflict.objects.filter(person=user, id_number_hash=digest, status=ConflictStatus.OPEN)
    if outcome == "conflict" and not already_open.exists():
        IdentityConflict.objects.create(
            person=user,
            id_number_hash=digest,
            id_number_cipher=pii.encrypt(normalized),
            id_number_masked=pii.mask_id_number(normalized),
            ip=ip,
        )
    audit(actor, "identity.submit", user, after={"outcome": outcome, "id": user.id_number_masked}, ip=ip)


@transaction.atomic
def resolve_identity_conflict(
    conflict: IdentityConflict, *, actor: User, confirmed: bool, reason: str, ip: str | None = None
) -> IdentityConflict:
    """A province admin settles a conflict after checking the documents, with a reason.

    Confirmed (the submitter owns the number): the number moves to her account and leaves the
    account that held it (both audited; the holder is contacted by the admin). Rejected: her
    account keeps no trace of the number (the masked copy shown to her is cleared)."""
    if not (actor.is_superuser or actor.has_role(Role.PROVINCE_ADMIN)):
        raise PermissionDenied(_("只有省级管理员可以处理身份证号核验。"))
    locked = IdentityConflict.objects.select_for_update().select_related("person").get(pk=conflict.pk)
    if locked.status != ConflictStatus.OPEN:
        raise ValidationError(_("该核验已处理（%(s)s），无需再次处理。") % {"s": locked.get_status_display()})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写处理说明（例如核对了哪些证件）。")})
    person = User.objects.select_for_update().get(pk=locked.person_id)
    if confirmed:
        for holder in (
            User.objects.select_for_update().filter(id_number_hash=locked.id_number_hash).exclude(pk=person.pk)
        ):
            masked = holder.id_number_masked
            holder.id_number_hash, holder.id_number_cipher, holder.id_number_masked = None, "", ""
            holder.save(update_fields=["id_number_hash", "id_number_cipher", "id_number_masked"])
            audit(actor, "identity.revoke", holder, before={"id": masked}, reason=reason, ip=ip)
        person.id_number_hash = locked.id_number_hash
        person.id_number_cipher = locked.id_number_cipher
        person.id_number_masked = locked.id_number_masked
        person.save(update_fields=["id_number_hash", "id_number_cipher", "id_number_masked"])
    elif person.id_number_hash is None and person.id_number_masked == locked.id_number_masked:
        person.id_number_masked = ""
        person.save(update_fields=["id_number_masked"])
    locked.status = ConflictStatus.CONFIRMED if confirmed else ConflictStatus.REJECTED
    locked.resolved_by, locked.resolved_at, locked.reason = actor, timezone.now(), reason.strip()
    locked.save(update_fields=["status", "resolved_by", "resolved_at", "reason"])
    audit(actor, "identity.resolve", person, after={"outcome": locked.status, "id": locked.id_number_masked},
          reason=reason, ip=ip)  # fmt: skip
    return locked


def register_user(
    *,
    mobile: str,
    real_name: str,
    password: str | None,
    id_number: str | None = None,
    email: str = "",
    region: Region | None = None,
    organization: Organization | None = None,
    job_group: str = "",
    industry: str = "",
    roles: tuple[str, ...] = (Role.LEARNER,),
    ip: str | None = None,
) -> User:
    """Create a person with the given roles (learner by default).

    Raises ValidationError (with field keys) for a bad or already registered mobile, a malformed
    ID number, or too many ID submissions (per mobile and per `ip`). An ID number another account
    holds is not an error: see `_apply_id_number`.
    """
    if id_number:
        number = normalize_id_number(id_number)
        validate_id_number(number)
        count_id_submission(person_key="mobile:" + normalize_mobile(mobile), ip=ip, actor=None,
                            masked=pii.mask_id_number(number))  # fmt: skip
    return _register_user(
        mobile=mobile, real_name=real_name, password=password, id_number=id_number, email=email, region=region,
        organization=organization, job_group=job_group, industry=industry, roles=roles, ip=ip,
    )  # fmt: skip


@transaction.atomic
def _register_user(
    *,
    mobile: str,
    real_name: str,
    password: str | None,
    id_number: str | None,
    email: str,
    region: Region | None,
    organization: Organization | None,
    job_group: str,
    industry: str,
    roles: tuple[str, ...],
    ip: str | None,
) -> User:
    mobile = normalize_mobile(mobile)
    errors: dict[str, str] = {}
    try:
        validate_mobile(mobile)
    except ValidationError as exc:
        errors["mobile"] = exc.messages[0]
    if not errors and User.objects.filter(mobile=mobile).exists():
        errors["mobile"] = _("该手机号已注册，请直接登录或找回密码。")
    if not real_name.strip():
        errors["real_name"] = _("请填写姓名。")
    if errors:
        raise ValidationError(errors)
    if region is None and organization is not None:
        region = organization.region
    user = User(
        mobile=mobile,
        real_name=real_name.strip(),
        email=email,
        region=region,
        organization=organization,
        job_group=job_group,
        industry=industry or (organization.industry if organization else ""),
    )
    outcome = _apply_id_number(user, id_number)
    user.set_password(password)
    try:
        outcome = _save_with_id(user, outcome)
    except IntegrityError:
        # A concurrent registration with the same mobile won the race.
        raise ValidationError({"mobile": _("该手机号已注册，请直接登录或找回密码。")}) from None
    for role in roles:
        grant_role(None, user, role, region=region.city if region and role == Role.CITY_ADMIN else None)
    audit(user, "account.register", user, ip=ip)
    if id_number:
        _record_id_submission(user, id_number, outcome, actor=user, ip=ip)
    return user


def _forget_roles(user: User) -> None:
    """Drop the per-instance caches of roles and permissions after a change."""
    for attr in ("_role_set", "_grants", "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(attr, None)


# Fields a person changes on her own profile. Not here: `organization` (an employment record,
# changed by `decide_employment_request`/`end_employment`) and `mobile` (verified by SMS).
PROFILE_FIELDS = frozenset({"real_name", "email", "region", "job_group", "industry", "id_number"})


def update_profile(user: User, *, actor: User, ip: str | None = None, **fields: Any) -> User:
    """Change a person's own profile fields; `id_number` is validated, fingerprinted and encrypted.

    Only `PROFILE_FIELDS`; anything else (the employer, the mobile number) raises ValueError, so
    no caller can turn a profile form into a way round the employment and SMS checks. A new ID
    number is counted against the submission limits (per person, per `ip`) before anything is
    written; one that another account holds is kept off this account and opens an
    IdentityConflict (the caller answers the same either way)."""
    if actor.pk != user.pk and not actor.has_role(Role.PROVINCE_ADMIN):
        raise PermissionDenied(_("只能修改自己的资料。"))
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise ValueError(f"update_profile does not change {sorted(unknown)}")
    number = fields.get("id_number")
    if number:
        normalized = normalize_id_number(number)
        validate_id_number(normalized)
        if user.id_number_hash != pii.fingerprint(normalized):
            count_id_submission(person_key=f"user:{user.pk}", ip=ip, actor=actor, masked=pii.mask_id_number(normalized))
    return _update_profile(user, actor=actor, ip=ip, fields=fields)


@transaction.atomic
def _update_profile(user: User, *, actor: User, ip: str | None, fields: dict[str, Any]) -> User:
    fields = dict(fields)
    before = {k: str(getattr(user, k, "")) for k in fields if k != "id_number"}
    number = fields.pop("id_number", None)
    outcome = ""
    if "id_number" in before or number is not None:
        outcome = _apply_id_number(user, number)
        before["id_number"] = "(changed)"
    for key, value in fields.items():
        setattr(user, key, value)
    user.full_clean(exclude=["password"])
    outcome = _save_with_id(user, outcome)
    audit(actor, "account.profile_update", user, before=before, after={k: str(v) for k, v in fields.items()}, ip=ip)
    if number and outcome != "unchanged":
        _record_id_submission(user, number, outcome, actor=actor, ip=ip)
    return user


@transaction.atomic
def grant_role(
    actor: User | None,
    user: User,
    role: str,
    *,
    region: Region | None = None,
    organization: Organization | None = None,
    reason: str = "",
) -> RoleGrant:
    """Give `user` a role with its scope; only province admins (or the system, actor=None) may.

    The grant is the scope: a city admin's names the city, an enterprise admin's or mentor's
    names the organization explicitly (it is never taken from the person's profile; the
    database refuses an enterprise grant without one too)."""
    if actor is not None and not actor.has_role(Role.PROVINCE_ADMIN):
        raise PermissionDenied(_("只有省级管理员可以分配角色。"))
    if role == Role.CITY_ADMIN and (region is None or region.kind != RegionKind.CITY):
        raise ValidationError(_("市级管理员必须指定所管辖的地级市。"))
    if role in (Role.ENTERPRISE_ADMIN, Role.MENTOR) and organization is None:
        raise ValidationError(_("分配企业管理员或企业导师角色时必须指定所属单位，请选择单位后重试。"))
    grant, _created = RoleGrant.objects.update_or_create(
        user=user, role=role, defaults={"region": region, "organization": organization, "granted_by": actor}
    )
    user.groups.add(*groups_for_role(role))
    _forget_roles(user)
    audit(
        actor,
        "account.role_grant",
        user,
        after={
            "role": role,
            "region": region.code if region else None,
            "organization": organization.pk if organization else None,
        },
        reason=reason,
    )
    return grant


@transaction.atomic
def revoke_role(actor: User | None, user: User, role: str, *, reason: str = "") -> None:
    if actor is not None and not actor.has_role(Role.PROVINCE_ADMIN):
        raise PermissionDenied(_("只有省级管理员可以撤销角色。"))
    deleted, _details = RoleGrant.objects.filter(user=user, role=role).delete()
    user.groups.remove(*groups_for_role(role))
    _forget_roles(user)
    if deleted:
        audit(actor, "account.role_revoke", user, before={"role": role}, reason=reason)


# --- Employment --------------------------------------------------------------------------------
# Who a person works for decides recusals, nominations and which enterprise admin sees her, so
# only an authorised person changes it: the new organization's enterprise admin accepting her
# request, an administrator in scope (imports, Django admin), or a seed.


def may_decide_employment(actor: User, organization: Organization) -> bool:
    """An enterprise admin of `organization` (by grant), a province admin or a superuser."""
    return (
        actor.is_superuser or actor.has_role(Role.PROVINCE_ADMIN) or organization.pk in enterprise_admin_org_ids(actor)
    )


def set_employment(
    person: User, organization: Organization | None, *, actor: User | None, reason: str = "", ip: str | None = None
) -> User:
    """Record who `person` works for, audited with before/after. Callers are authorised paths
    only: `decide_employment_request`, `end_employment`, seeds (actor=None)."""
    before = person.organization_id
    person.organization = organization
    person.save(update_fields=["organization"])
    audit(
        actor,
        "employment.set",
        person,
        before={"organization": before},
        after={"organization": organization.pk if organization else None},
        reason=reason,
        ip=ip,
    )
    return person


@transaction.atomic
def request_employment(person: User, organization: Organization, *, ip: str | None = None) -> EmploymentRequest:
    """`person` asks to join `organization`. An earlier pending request is withdrawn (one at a
    time). Refused when she already works there. Nothing changes until an admin accepts."""
    if person.organization_id == organization.pk:
        raise ValidationError({"organization": _("您已是该单位的人员，无需再次申请。")})
    EmploymentRequest.objects.filter(person=person, status=EmploymentStatus.PENDING).update(
        status=EmploymentStatus.WITHDRAWN, decided_at=timezone.now(), decided_by=person
    )
    created = EmploymentRequest.objects.create(person=person, organization=organization)
    audit(person, "employment.request", created, after={"organization": organization.pk}, ip=ip)
    return created


@transaction.atomic
def withdraw_employment_request(request: EmploymentRequest, *, actor: User) -> EmploymentRequest:
    """The person withdraws her own pending request."""
    locked = EmploymentRequest.objects.select_for_update().get(pk=request.pk)
    if locked.person_id != actor.pk:
        raise PermissionDenied(_("只能撤回本人的任职申请。"))
    if locked.status != EmploymentStatus.PENDING:
        raise ValidationError(_("该申请已处理，不能撤回。"))
    locked.status = EmploymentStatus.WITHDRAWN
    locked.decided_by, locked.decided_at = actor, timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    audit(actor, "employment.withdraw", locked)
    return locked


@transaction.atomic
def decide_employment_request(
    request: EmploymentRequest, *, actor: User, accept: bool, reason: str = "", ip: str | None = None
) -> EmploymentRequest:
    """An enterprise admin of the requested organization (or a province admin) accepts or
    rejects a pending request. Accepting sets the person's organization (`set_employment`,
    audited before/after); rejecting needs a reason, which the person sees."""
    locked = EmploymentRequest.objects.select_for_update().select_related("person", "organization").get(pk=request.pk)
    if not may_decide_employment(actor, locked.organization):
        raise PermissionDenied(_("只有该单位的企业管理员可以处理加入本单位的申请。"))
    if locked.status != EmploymentStatus.PENDING:
        raise ValidationError(_("该申请已处理（%(s)s），无需再次处理。") % {"s": locked.get_status_display()})
    if not accept and not reason.strip():
        raise ValidationError({"reason": _("拒绝申请时请填写原因，申请人会看到该原因。")})
    locked.status = EmploymentStatus.ACCEPTED if accept else EmploymentStatus.REJECTED
    locked.decided_by, locked.decided_at, locked.reason = actor, timezone.now(), reason.strip()
    locked.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    audit(actor, f"employment.{locked.status}", locked, after={"organization": locked.organization_id}, reason=reason)
    if accept:
        set_employment(locked.person, locked.organization, actor=actor, reason=reason, ip=ip)
    return locked


@transaction.atomic
def end_employment(person: User, *, actor: User, reason: str, ip: str | None = None) -> User:
    """An enterprise admin of the person's current organization (or a province admin) records
    that she no longer works there. A person cannot remove her own employer (a judge would
    escape his recusals)."""
    if person.organization is None:
        raise ValidationError(_("该人员当前没有登记工作单位。"))
    if not may_decide_employment(actor, person.organization):
        raise PermissionDenied(_("只有该单位的企业管理员可以登记人员离职。"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写离职原因。")})
    return set_employment(person, None, actor=actor, reason=reason.strip(), ip=ip)


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


def reveal_pii(viewer: User, person: User, *, ip: str | None = None) -> dict[str, str]:
    """Return the person's full ID and mobile numbers, auditing the view. Needs `accounts.view_pii`."""
    if not viewer.has_perm("accounts.view_pii"):
        raise PermissionDenied(_("您没有查看完整个人信息的权限。"))
    audit(viewer, "pii.view", person, ip=ip)
    return {
        "id_number": pii.decrypt(person.id_number_cipher) if person.id_number_cipher else "",
        "mobile": person.mobile,
    }


def create_organization(
    *,
    name: str,
    credit_code: str,
    region: Region,
    kind: str,
    industry: str,
    size_class: str = "",
    actor: User | None = None,
) -> Organization:
    code = normalize_credit_code(credit_code)
    validate_credit_code(code)
    if Organization.objects.filter(credit_code=code).exists():
        raise ValidationError({"credit_code": _("该统一社会信用代码已登记。")})
    org = Organization.objects.create(
        name=name, credit_code=code, region=region, kind=kind, industry=industry, size_class=size_class
    )
    audit(actor, "organization.create", org)
    return org


@transaction.atomic
def rotate_calendar_feed(person: User) -> CalendarFeed:
    """Give the person a new secret calendar feed URL (the first one, or a replacement): the old
    URL stops working at once, so a feed that leaked is closed by the person alone. Audited
    without the token itself."""
    token = new_feed_token()
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(person=person, defaults={"token": token})
    if not created:
        feed.token = token
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
    audit(person, "calendar.feed.create" if created else "calendar.feed.rotate", feed)
    return feed
