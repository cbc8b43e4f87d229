"""Changes of state in talent. Source apps call `record_achievement` from their own actions."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actions import audit
from accounts.choices import Role, SkillDomain
from accounts.models import User
from accounts.selectors import people_visible_to
from talent.models import (
    Achievement,
    AchievementKind,
    Evaluation,
    EvaluationRoute,
    EvaluationStatus,
    SkillLevel,
    TalentCategory,
)


def _after_change(achievement: Achievement) -> None:
    """Hook for derived state (talent index, leaderboards): runs after every ledger change."""


@transaction.atomic
def record_achievement(
    *,
    person: User,
    kind: str,
    source: str,
    source_id: str | int,
    title: str,
    occurred_at: dt.datetime | None = None,
    data: dict[str, Any] | None = None,
    actor: User | None = None,
) -> Achievement:
    """Write one result into the ledger; idempotent on (person, kind, source, source_id).

    Recording the same result again updates its title, time and data (and un-revokes it) and
    writes an audit record only when something changed. Call inside the source app's own
    transaction so the result and the ledger row commit together.
    """
    values = {"title": title, "occurred_at": occurred_at or timezone.now(), "data": data or {}}
    key = {"person": person, "kind": kind, "source": source, "source_id": str(source_id)}
    existing = Achievement.objects.select_for_update().filter(**key).first()
    if existing is None:
        try:
            with transaction.atomic():
                achievement = Achievement.objects.create(**key, **values)
        except IntegrityError:
            existing = Achievement.objects.select_for_update().get(**key)
        else:
            audit(
                actor, "achievement.record", achievement, after={"kind": kind, "title": title, "data": values["data"]}
            )
            _after_change(achievement)
            return achievement
    before = {"title": existing.title, "data": existing.data, "revoked": existing.revoked_at is not None}
    changed = existing.title != title or existing.data != values["data"] or existing.revoked_at is not None
    if occurred_at is not None and existing.occurred_at != occurred_at:
        changed = True
    if changed:
        existing.title = title
        existing.data = values["data"]
        if occurred_at is not None:
            existing.occurred_at = occurred_at
        existing.revoked_at = None
        existing.revoked_reason = ""
        existing.save()
        audit(actor, "achievement.update", existing, before=before, after={"title": title, "data": existing.data})
        _after_change(existing)
    return existing


@transaction.atomic
def revoke_achievement(
    *, person: User, kind: str, source: str, source_id: str | int, reason: str, actor: User | None = None
) -> Achievement | None:
    """Mark a result as revoked (a revoked certificate, an overturned result). Keeps the row."""
    achievement = (
        Achievement.objects.select_for_update()
        .filter(person=person, kind=kind, source=source, source_id=str(source_id))
        .first()
    )
    if achievement is None or achievement.revoked_at is not None:
        return achievement
    achievement.revoked_at = timezone.now()
    achievement.revoked_reason = reason
    achievement.save(update_fields=["revoked_at", "revoked_reason", "updated_at"])
    audit(actor, "achievement.revoke", achievement, reason=reason)
    _after_change(achievement)
    return achievement


# --- Skill evaluation -------------------------------------------------------------------------


def can_decide_evaluation(actor: User | None, person: User) -> bool:
    """Province admins decide every evaluation; city admins those of people in their city."""
    if actor is None or not actor.is_authenticated:
        return False
    if actor.is_superuser or actor.has_role(Role.PROVINCE_ADMIN):
        return True
    if actor.has_role(Role.CITY_ADMIN):
        return people_visible_to(actor).filter(pk=person.pk).exists()
    return False


@transaction.atomic
def propose_evaluation(
    *,
    person: User,
    level: str = "",
    category: str = "",
    domain: str = "",
    route: str,
    body: str,
    evidence: dict[str, Any],
    source: str,
    source_id: str | int,
    actor: User | None = None,
) -> Evaluation:
    """Propose a skill level or a talent category for a person; it waits for approval here.

    Exactly one of `level` (a `SkillLevel` code) and `category` (a `TalentCategory` code) is
    given. Idempotent by (person, source, source_id): proposing again returns the existing
    record unchanged whatever its status, so retries of a contest's 以赛代评 promotion are safe.
    """
    if bool(level) == bool(category):
        raise ValidationError(_("请在技能等级和人才类别中选择且只选择一项。"))
    if level and level not in SkillLevel.values:
        raise ValidationError(_("未知的技能等级：%(v)s") % {"v": level})
    if category and category not in TalentCategory.values:
        raise ValidationError(_("未知的人才类别：%(v)s") % {"v": category})
    if domain and domain not in SkillDomain.values:
        raise ValidationError(_("未知的技能领域：%(v)s") % {"v": domain})
    if route not in EvaluationRoute.values:
        raise ValidationError(_("未知的评价方式：%(v)s") % {"v": route})
    if not body.strip():
        raise ValidationError(_("请填写评价机构。"))
    key = {"person": person, "source": source, "source_id": str(source_id)}
    existing = Evaluation.objects.filter(**key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                **key,
                level=level,
                category=category,
                domain=domain,
                route=route,
                body=body.strip()[:120],
                evidence=evidence or {},
            )
    except IntegrityError:
        return Evaluation.objects.get(**key)
    audit(
        actor,
        "evaluation.propose",
        evaluation,
        after={"level": level, "category": category, "domain": domain, "route": route, "source": source},
    )
    return evaluation


def _locked_pending(evaluation: Evaluation, actor: User) -> Evaluation:
    locked = Evaluation.objects.select_for_update().select_related("person").get(pk=evaluation.pk)
    if not can_decide_evaluation(actor, locked.person):
        raise PermissionDenied(_("您无权审核该人员的技能评价。"))
    if locked.status != EvaluationStatus.PENDING:
        raise ValidationError(_("该评价已审核（%(s)s），不能重复审核。") % {"s": locked.get_status_display()})
    return locked


@transaction.atomic
def approve_evaluation(evaluation: Evaluation, *, actor: User, reason: str = "") -> Evaluation:
    """Approve a pending evaluation: issue the certificate and write the ledger achievement.

    Needs a province admin, or a city admin of the person's city. The achievement is
    SKILL_LEVEL (data: level, rank, domain) or TALENT_CATEGORY (data: category, domain), keyed
    by the evaluation, so the index and leaderboards update through the ledger hook.
    """
    locked = _locked_pending(evaluation, actor)
    now = timezone.now()
    locked.status = EvaluationStatus.APPROVED
    locked.reason = reason
    locked.decided_by = actor
    locked.decided_at = now
    locked.certificate_no = f"SZ{now:%Y}{locked.pk:08d}"
    locked.verify_code = secrets.token_hex(8)
    locked.save()
    audit(
        actor,
        "evaluation.approve",
        locked,
        before={"status": EvaluationStatus.PENDING},
        after={"status": locked.status, "certificate_no": locked.certificate_no},
        reason=reason,
    )
    data: dict[str, Any] = {"domain": locked.domain, "route": locked.route, "evaluation_id": locked.pk}
    if locked.level:
        data.update(level=locked.level, rank=SkillLevel.rank(locked.level))
        kind = AchievementKind.SKILL_LEVEL
    else:
        data["category"] = locked.category
        kind = AchievementKind.TALENT_CATEGORY
    record_achievement(
        person=locked.person,
        kind=kind,
        source="talent.evaluation",
        source_id=locked.pk,
        title=f"{locked.subject_display} · {locked.body}",
        occurred_at=now,
        data=data,
        actor=actor,
    )
    evaluation.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked


@transaction.atomic
def reject_evaluation(evaluation: Evaluation, *, actor: User, reason: str) -> Evaluation:
    """Reject a pending evaluation; a reason is required because the person is owed one."""
    if not reason or not reason.strip():
        raise ValidationError(_("驳回时必须填写理由。"))
    locked = _locked_pending(evaluation, actor)
    locked.status = EvaluationStatus.REJECTED
    locked.reason = reason.strip()
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.save()
    audit(
        actor,
        "evaluation.reject",
        locked,
        before={"status": EvaluationStatus.PENDING},
        after={"status": locked.status},
        reason=locked.reason,
    )
    evaluation.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked
