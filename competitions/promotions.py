"""以赛代评: the contest's promotion rules and the recommendations they send to talent.

A recommendation is a *pending* evaluation that talent's approvers decide; it follows the award
while it is pending (an appeal that changes the award withdraws or replaces it) and stays as
decided once talent approved or rejected it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.actions import audit
from accounts.models import User
from competitions import scoring
from competitions.models import Award, Contest, Promotion, PromotionRule, Result, level_label
from competitions.selectors import current_level, require_manager
from talent.actions import propose_evaluation, withdraw_evaluation
from talent.models import EvaluationStatus, SkillLevel

PROMOTION_SOURCE = "competitions.promotion"


def issuer_name(contest: Contest) -> str:
    """Who issues a contest's certificates and recommendations: the organizing body, else the
    contest itself."""
    return contest.organizing_body.name if contest.organizing_body is not None else contest.title


@transaction.atomic
def set_promotion_rule(
    contest: Contest, *, actor: User, award: str, target_level: str, max_current_level: str = ""
) -> PromotionRule:
    """Set the level an award recommends (one rule per award), optionally only for people whose
    current level is at most `max_current_level`. Organizers only; audited."""
    require_manager(actor, contest)
    if award not in Award.values:
        raise ValidationError(_("未知的奖项。"))
    if target_level not in SkillLevel.values or (max_current_level and max_current_level not in SkillLevel.values):
        raise ValidationError(_("未知的技能等级。"))
    rule, _created = PromotionRule.objects.update_or_create(
        contest=contest, award=award, defaults={"target_level": target_level, "max_current_level": max_current_level}
    )
    audit(
        actor, "contest.promotion_rule", rule, after={"award": award, "target": target_level, "max": max_current_level}
    )
    return rule


def _promotion_target(result: Result, rules: list[PromotionRule]) -> tuple[str, str]:
    """(the person's current level, the level the result earns under the rules, '' for none)."""
    if not result.award or not rules:
        return "", ""
    level = current_level(result.registration.person)
    return level, scoring.promotion_for(result.award, rules, level)


def propose_promotion(result: Result, actor: User | None, rules: list[PromotionRule]) -> Promotion | None:
    """Send the recommendation the result earns under the contest's 以赛代评 `rules`, if any
    (talent's `propose_evaluation`, idempotent per registration)."""
    level, target = _promotion_target(result, rules)
    if not target:
        return None
    registration = result.registration
    contest = registration.contest
    evaluation = propose_evaluation(
        person=registration.person,
        level=target,
        category="",
        domain=result.event_group.domain or "",
        route="contest",
        body=issuer_name(contest),
        evidence={
            "contest": contest.title,
            "contest_level": contest.level,
            "event_group": result.event_group.name,
            "award": result.award,
            "rank": result.rank,
            "final": str(result.final),
            "team": result.team.name if result.team is not None else "",
            "current_level": level,
        },
        source=PROMOTION_SOURCE,
        source_id=registration.pk,
        actor=actor,
    )
    promotion, created = Promotion.objects.get_or_create(
        registration=registration, defaults={"target_level": target, "evaluation_id": evaluation.pk}
    )
    if created:
        audit(actor, "contest.promotion.propose", promotion, after={"level": target, "evaluation": evaluation.pk})
    return promotion


def withdraw_promotion(promotion: Promotion, actor: User | None, *, reason: str, now_earned: str = "") -> bool:
    """Withdraw a recommendation in talent while it is pending, with the reason, and forget it
    here; returns False (and changes nothing) when talent already approved or rejected it.
    `now_earned`: the level the result earns instead ('' for none), for the audit record."""
    registration = promotion.registration
    evaluation = withdraw_evaluation(
        person=registration.person, source=PROMOTION_SOURCE, source_id=registration.pk, reason=reason, actor=actor
    )
    if evaluation is not None and evaluation.status != EvaluationStatus.WITHDRAWN:
        return False
    audit(
        actor,
        "contest.promotion.withdraw",
        promotion,
        before={"level": promotion.target_level, "evaluation": promotion.evaluation_id},
        after={"level": now_earned},
        reason=reason,
    )
    promotion.delete()
    return True


def follow_promotion(
    result: Result, actor: User | None, rules: list[PromotionRule], promotion: Promotion | None
) -> None:
    """After results are published again (an upheld appeal), the 以赛代评 recommendation
    follows the award: one the result no longer earns (award lost, or a different level now)
    is withdrawn in talent while it is still pending, and the level it earns now, if any, is
    proposed. A recommendation talent has already decided stays as decided. `promotion`: the
    registration's current one, if any."""
    if promotion is None:
        propose_promotion(result, actor, rules)
        return
    _level, target = _promotion_target(result, rules)
    if target == promotion.target_level:
        return
    reason = _("申诉改判后奖项变更，原以赛代评推荐（%(l)s）撤回。") % {"l": level_label(promotion.target_level)}
    if withdraw_promotion(promotion, actor, reason=reason, now_earned=target) and target:
        propose_promotion(result, actor, rules)
