"""以赛代评: award + current level → a pending evaluation in talent, never applied silently."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from competitions import actions, scoring
from competitions.models import Award, Promotion, PromotionRule
from tests.competitions.conftest import score_all


def test_a_rule_applies_only_below_the_target_and_within_the_current_level_cap() -> None:
    rules = [PromotionRule(award=Award.FIRST, target_level="l2", max_current_level="l3")]
    assert scoring.promotion_for(Award.FIRST, rules, "") == "l2"
    assert scoring.promotion_for(Award.FIRST, rules, "l3") == "l2"
    assert scoring.promotion_for(Award.FIRST, rules, "l2") == ""
    assert scoring.promotion_for(Award.SECOND, rules, "") == ""


def test_unknown_levels_are_refused(contest, organizer) -> None:
    with pytest.raises(ValidationError):
        actions.set_promotion_rule(contest, actor=organizer, award="first", target_level="grandmaster")


def test_publishing_sends_pending_evaluations_to_talent(contestants, judges, scheme, group, organizer, contest) -> None:
    from talent.models import Achievement, AchievementKind, Evaluation, EvaluationStatus

    actions.set_promotion_rule(contest, actor=organizer, award="first", target_level="l3")
    score_all(contestants, judges, scheme, [("40", "3"), ("30", "2"), ("20", "1"), ("10", "0")])
    actions.sign_off(group, actor=judges[0])
    actions.publish_results(contest, actor=organizer)
    evaluation = Evaluation.objects.get(person=contestants[0].person)
    assert evaluation.status == EvaluationStatus.PENDING and evaluation.level == "l3" and evaluation.route == "contest"
    assert evaluation.domain == "industrial_internet"
    assert Promotion.objects.get(registration=contestants[0]).evaluation_id == evaluation.pk
    assert not Achievement.objects.filter(person=contestants[0].person, kind=AchievementKind.SKILL_LEVEL).exists()
    actions.publish_results(contest, actor=organizer)
    assert Evaluation.objects.filter(person=contestants[0].person).count() == 1
