"""Skill-level evaluations (技能等级评价): proposed by an evaluator, a contest award (以赛代评) or
the shortlist, decided by an administrator in scope; an approval writes the level and its
certificate into the ledger."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actions import audit, in_language_of, notify
from accounts.choices import NoticeKind, NoticeLevel, Role, SkillDomain
from accounts.models import User
from accounts.selectors import people_visible_to
from talent.ledger import record_achievement
from talent.models import (
    AchievementKind,
    Evaluation,
    EvaluationRoute,
    EvaluationStatus,
    SkillLevel,
    TalentCategory,
)


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
    record unchanged if it is pending, approved or rejected, so retries of a contest's 以赛代评
    promotion are safe. A record its source withdrew (`withdraw_evaluation`) is proposed again:
    it is pending once more with what is proposed now (audited as `evaluation.repropose`).
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
    existing = Evaluation.objects.select_for_update().filter(**key).first()
    if existing is not None and existing.status == EvaluationStatus.WITHDRAWN:
        before = {"status": existing.status, "level": existing.level, "category": existing.category}
        existing.level, existing.category, existing.domain, existing.route = level, category, domain, route
        existing.body, existing.evidence = body.strip()[:120], evidence or {}
        existing.status, existing.reason, existing.decided_by, existing.decided_at = (
            EvaluationStatus.PENDING,
            "",
            None,
            None,
        )
        existing.save()
        audit(
            actor,
            "evaluation.repropose",
            existing,
            before=before,
            after={"status": existing.status, "level": level, "category": category, "source": source},
        )
        return existing
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
    _notify_evaluation(locked)
    evaluation.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked


def _notify_evaluation(evaluation: Evaluation) -> None:
    """Tell the person their evaluation was decided (approved with its certificate, or rejected with the reason)."""
    approved = evaluation.status == EvaluationStatus.APPROVED
    with in_language_of(evaluation.person):
        values = {"subject": evaluation.subject_display, "no": evaluation.certificate_no, "reason": evaluation.reason}
        notify(
            evaluation.person,
            NoticeKind.EVALUATION,
            title=(_("认定通过：%(subject)s") if approved else _("认定未通过：%(subject)s")) % values,
            body=(_("证书编号 %(no)s，可在人才档案中查看和核验。") if approved else _("理由：%(reason)s")) % values,
            url=reverse("talent:me"),
            dedupe_key=f"{evaluation.pk}:{evaluation.status}",
            level=NoticeLevel.SUCCESS if approved else NoticeLevel.WARNING,
        )


@transaction.atomic
def reject_evaluation(evaluation: Evaluation, *, actor: User, reason: str) -> Evaluation:
    """Reject a pending evaluation; a reason is required because the person is owed one."""
    if not reason or not reason.strip():
        raise ValidationError(_("驳回时必须填写理由。"))
    locked = _close(_locked_pending(evaluation, actor), EvaluationStatus.REJECTED, actor, reason, "evaluation.reject")
    _notify_evaluation(locked)
    evaluation.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked


@transaction.atomic
def withdraw_evaluation(
    *, person: User, source: str, source_id: str | int, reason: str, actor: User | None = None
) -> Evaluation | None:
    """The source app withdraws its own proposal because its basis is gone (a contest award
    taken away on appeal). Only a pending proposal is withdrawn (status `withdrawn`, with the
    reason, audited); an approved or rejected one is returned unchanged, because the evaluator
    has decided and a certificate may exist: undoing that is the evaluator's act, not the
    source's. Returns the record, or None if the source never proposed one."""
    if not reason.strip():
        raise ValidationError(_("撤回时必须填写理由。"))
    evaluation = (
        Evaluation.objects.select_for_update().filter(person=person, source=source, source_id=str(source_id)).first()
    )
    if evaluation is None or evaluation.status != EvaluationStatus.PENDING:
        return evaluation
    return _close(evaluation, EvaluationStatus.WITHDRAWN, actor, reason, "evaluation.withdraw", source=source)


def _close(
    evaluation: Evaluation, status: str, actor: User | None, reason: str, action: str, **after: Any
) -> Evaluation:
    """A locked pending evaluation ends (rejected or withdrawn) with its reason, audited."""
    evaluation.status = status
    evaluation.reason = reason.strip()
    evaluation.decided_by = actor
    evaluation.decided_at = timezone.now()
    evaluation.save()
    audit(
        actor,
        action,
        evaluation,
        before={"status": EvaluationStatus.PENDING},
        after={"status": status, **after},
        reason=evaluation.reason,
    )
    return evaluation
