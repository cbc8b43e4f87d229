"""Every change of state in accounts: registration, profile, roles, ID numbers, PII reveals.

Views, admin, imports and commands call these so that validation, permission checks and audit
records happen in one place. It is also the facade over the topical modules, re-exported here:
`auditing` (the audit record), `employment` (who a person works for), `verification` (SMS codes,
changing the mobile number) and `notifications` (notices).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts import pii
from accounts.auditing import audit as audit  # every app audits through accounts.actions
from accounts.auditing import audit_many as audit_many
from accounts.choices import SHANDONG_CITIES, RegionKind, Role
from accounts.employment import decide_employment_request as decide_employment_request
from accounts.employment import end_employment as end_employment
from accounts.employment import may_decide_employment as may_decide_employment
from accounts.employment import request_employment as request_employment
from accounts.employment import set_employment as set_employment
from accounts.employment import withdraw_employment_request as withdraw_employment_request
from accounts.models import (
    CalendarFeed,
    ConflictStatus,
    IdentityConflict,
    Organization,
    Region,
    RoleGrant,
    User,
    new_feed_token,
)
from accounts.notifications import Message as Message
from accounts.notifications import in_language_of as in_language_of
from accounts.notifications import is_offered as is_offered
from accounts.notifications import mark_all_read as mark_all_read
from accounts.notifications import mark_read as mark_read
from accounts.notifications import notify as notify  # every app notifies through accounts.actions
from accounts.notifications import notify_many as notify_many
from accounts.notifications import set_language as set_language
from accounts.notifications import set_preferences as set_preferences
from accounts.ratelimits import count_event
from accounts.roles import groups_for_role
from accounts.validators import (
    normalize_credit_code,
    normalize_id_number,
    normalize_mobile,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
)
from accounts.verification import change_mobile as change_mobile
from accounts.verification import send_sms_code as send_sms_code
from accounts.verification import sms_code_minutes as sms_code_minutes
from accounts.verification import verify_sms_code as verify_sms_code


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
