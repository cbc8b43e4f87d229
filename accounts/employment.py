"""Who a person works for: requests to join an organization, their decision, and leaving.

Part of the accounts actions (re-exported by `accounts.actions`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.auditing import audit
from accounts.choices import Role
from accounts.models import EmploymentRequest, EmploymentStatus, Organization, User
from accounts.selectors import enterprise_admin_org_ids

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
