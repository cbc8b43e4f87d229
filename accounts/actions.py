"""Every change of state in accounts: registration, profile, roles, PII reveals, audit.

Views, admin, imports and commands call these so that validation, permission checks and audit
records happen in one place.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts import pii
from accounts.choices import SHANDONG_CITIES, RegionKind, Role
from accounts.models import AuditEvent, Organization, Region, RoleGrant, User
from accounts.roles import groups_for_role
from accounts.validators import (
    normalize_credit_code,
    normalize_id_number,
    normalize_mobile,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
)


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
    """Write one audit record. `target` is a model instance (or None for events about no record)."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        before=before,
        after=after,
        reason=reason,
        ip=ip,
    )


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


def _apply_id_number(user: User, id_number: str | None) -> None:
    if not id_number:
        user.id_number_hash = None
        user.id_number_cipher = ""
        user.id_number_masked = ""
        return
    number = normalize_id_number(id_number)
    validate_id_number(number)
    digest = pii.fingerprint(number)
    if User.objects.filter(id_number_hash=digest).exclude(pk=user.pk).exists():
        raise ValidationError({"id_number": _("该身份证号已被其他账户使用；如有疑问请联系管理员。")})
    user.id_number_hash = digest
    user.id_number_cipher = pii.encrypt(number)
    user.id_number_masked = pii.mask_id_number(number)


@transaction.atomic
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
) -> User:
    """Create a person with the given roles (learner by default).

    Raises ValidationError (with field keys) for a bad or already registered mobile or ID number.
    """
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
    _apply_id_number(user, id_number)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # A concurrent registration with the same mobile or ID number won the race.
        raise ValidationError({"mobile": _("该手机号或身份证号已注册，请直接登录或找回密码。")}) from None
    for role in roles:
        grant_role(None, user, role, region=region.city if region and role == Role.CITY_ADMIN else None)
    audit(user, "account.register", user)
    return user


def _forget_roles(user: User) -> None:
    """Drop the per-instance caches of roles and permissions after a change."""
    for attr in ("_role_set", "_grants", "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(attr, None)


@transaction.atomic
def update_profile(user: User, *, actor: User, **fields: Any) -> User:
    """Change a person's own profile fields; `id_number` is validated, fingerprinted and encrypted."""
    if actor.pk != user.pk and not actor.has_role(Role.PROVINCE_ADMIN):
        raise PermissionDenied(_("只能修改自己的资料。"))
    before = {k: str(getattr(user, k, "")) for k in fields if k != "id_number"}
    if "id_number" in fields:
        _apply_id_number(user, fields.pop("id_number"))
        before["id_number"] = "(changed)"
    for key, value in fields.items():
        setattr(user, key, value)
    user.full_clean(exclude=["password"])
    user.save()
    audit(actor, "account.profile_update", user, before=before, after={k: str(v) for k, v in fields.items()})
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
    """Give `user` a role with its scope; only province admins (or the system, actor=None) may."""
    if actor is not None and not actor.has_role(Role.PROVINCE_ADMIN):
        raise PermissionDenied(_("只有省级管理员可以分配角色。"))
    if role == Role.CITY_ADMIN and (region is None or region.kind != RegionKind.CITY):
        raise ValidationError(_("市级管理员必须指定所管辖的地级市。"))
    if role in (Role.ENTERPRISE_ADMIN, Role.MENTOR):
        organization = organization or user.organization
        if organization is None:
            raise ValidationError(_("企业管理员和企业导师必须属于一个单位。"))
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

