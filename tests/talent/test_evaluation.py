from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from talent.actions import approve_evaluation, propose_evaluation, reject_evaluation
from talent.models import Achievement, AchievementKind, EvaluationStatus, SkillLevel

pytestmark = pytest.mark.django_db


def propose(person, **overrides):
    values = {
        "person": person,
        "level": SkillLevel.L3,
        "domain": "industrial_internet",
        "route": "contest",
        "body": "省工业互联网技能大赛组委会",
        "evidence": {"contest": "2026 省赛", "award": "first"},
        "source": "competitions.award",
        "source_id": 9,
    }
    values.update(overrides)
    return propose_evaluation(**values)


def test_proposing_the_same_promotion_twice_keeps_one_pending_record(learner) -> None:
    first = propose(learner)
    second = propose(learner)
    assert first.pk == second.pk and first.status == EvaluationStatus.PENDING
    assert AuditEvent.objects.filter(action="evaluation.propose").count() == 1


def test_a_proposal_needs_exactly_one_of_level_and_category(learner) -> None:
    with pytest.raises(ValidationError):
        propose(learner, level="", category="")
    with pytest.raises(ValidationError):
        propose(learner, level="l3", category="leader")
    with pytest.raises(ValidationError):
        propose(learner, level="l9")


def test_approval_writes_the_level_into_the_ledger_and_issues_a_certificate(learner, province_admin) -> None:
    evaluation = propose(learner)
    approve_evaluation(evaluation, actor=province_admin, reason="省赛一等奖")
    assert evaluation.status == EvaluationStatus.APPROVED and evaluation.certificate_no and evaluation.verify_code
    row = Achievement.objects.get(person=learner, kind=AchievementKind.SKILL_LEVEL)
    assert row.data["level"] == "l3" and row.data["rank"] == SkillLevel.rank("l3")
    assert AuditEvent.objects.filter(action="evaluation.approve", reason="省赛一等奖").exists()


def test_a_category_approval_writes_a_talent_category_achievement(learner, province_admin) -> None:
    evaluation = propose(learner, level="", category="solution_designer", source="talent.manual", source_id=1)
    approve_evaluation(evaluation, actor=province_admin)
    assert Achievement.objects.get(kind=AchievementKind.TALENT_CATEGORY).data["category"] == "solution_designer"


def test_rejection_needs_a_reason_and_writes_nothing_into_the_ledger(learner, province_admin) -> None:
    evaluation = propose(learner)
    with pytest.raises(ValidationError):
        reject_evaluation(evaluation, actor=province_admin, reason=" ")
    reject_evaluation(evaluation, actor=province_admin, reason="佐证材料不全")
    assert evaluation.status == EvaluationStatus.REJECTED and evaluation.reason == "佐证材料不全"
    assert not Achievement.objects.filter(kind=AchievementKind.SKILL_LEVEL).exists()


def test_a_decided_evaluation_cannot_be_decided_again(learner, province_admin) -> None:
    evaluation = propose(learner)
    approve_evaluation(evaluation, actor=province_admin)
    with pytest.raises(ValidationError):
        reject_evaluation(evaluation, actor=province_admin, reason="改判")


def test_city_admins_decide_only_people_of_their_city_and_learners_never(learner, outsider, city_admin, mentor) -> None:
    with pytest.raises(PermissionDenied):
        approve_evaluation(propose(outsider), actor=city_admin)
    with pytest.raises(PermissionDenied):
        approve_evaluation(propose(learner, source_id=10), actor=mentor)
    approve_evaluation(propose(learner, source_id=11), actor=city_admin)


def test_a_source_withdraws_only_its_pending_proposal_with_a_reason_and_may_propose_again(
    learner, province_admin, client
) -> None:
    from django.urls import reverse

    from talent.actions import withdraw_evaluation

    key = {"person": learner, "source": "competitions.award", "source_id": 9}
    assert withdraw_evaluation(**key, reason="奖项撤销") is None  # nothing proposed yet
    evaluation = propose(learner)
    with pytest.raises(ValidationError, match="理由"):
        withdraw_evaluation(**key, reason=" ")
    withdrawn = withdraw_evaluation(**key, reason="申诉改判后不再获奖")
    assert withdrawn.pk == evaluation.pk and withdrawn.status == EvaluationStatus.WITHDRAWN
    with pytest.raises(ValidationError, match="已审核"):
        approve_evaluation(withdrawn, actor=province_admin)
    client.force_login(learner)
    assert "申诉改判后不再获奖" in client.get(reverse("talent:me")).content.decode()
    client.force_login(province_admin)
    page = client.get(reverse("talent:evaluations") + "?status=withdrawn").content.decode()
    assert "已撤回" in page and "申诉改判后不再获奖" in page

    again = propose(learner, level=SkillLevel.L2, evidence={"award": "first"})
    assert again.pk == evaluation.pk and again.status == EvaluationStatus.PENDING and again.level == "l2"
    assert again.reason == "" and again.decided_at is None
    approve_evaluation(again, actor=province_admin)
    assert withdraw_evaluation(**key, reason="迟到的撤回").status == EvaluationStatus.APPROVED  # decided: unchanged
    assert AuditEvent.objects.filter(action="evaluation.withdraw").count() == 1
