"""Appeals after publication: window, arbitration, re-scores with reasons, visible outcome."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AuditEvent
from competitions import actions, selectors
from competitions.models import AppealStatus, ContestRules, Mark, Promotion, Result
from tests.competitions.conftest import score_all


def publish_four(contestants, judges, scheme, group, organizer, contest):
    """Marks 40/30/20/10 practical + 0–3 judged, theory 80 each, signed off and published.

    The contest awards no 一等奖 (share 0, so no minimum place either): these tests move the line
    between the second and the third prize, so four entrants get one 二等奖 (20 % → 1) and one
    三等奖 (30 % → 1), the ladder they were written for."""
    actions.update_contest(contest, actor=organizer, award_first=Decimal(0))
    score_all(contestants, judges, scheme, [("40", "3"), ("30", "2"), ("20", "1"), ("10", "0")])
    for registration in contestants:
        actions.set_theory_mark(registration, actor=organizer, score="80")
    actions.sign_off(group, actor=judges[0])
    actions.publish_results(contest, actor=organizer)
    return contestants


@pytest.fixture
def published(contestants, judges, scheme, group, organizer, contest):
    return publish_four(contestants, judges, scheme, group, organizer, contest)


def test_no_appeal_before_results_are_published(contestants) -> None:
    with pytest.raises(ValidationError, match="尚未公布"):
        actions.file_appeal(contestants[0], actor=contestants[0].person, reason="计分有误")


def test_an_appeal_after_the_window_is_refused(published, contest) -> None:
    ContestRules.objects.filter(contest=contest).update(results_published_at=timezone.now() - timedelta(hours=73))
    contest = type(contest).objects.get(pk=contest.pk)
    registration = type(published[0]).objects.get(pk=published[0].pk)
    with pytest.raises(ValidationError, match="申诉期已于"):
        actions.file_appeal(registration, actor=registration.person, reason="计分有误")


def test_only_the_contestant_appeals_and_needs_a_reason(published) -> None:
    with pytest.raises(PermissionDenied):
        actions.file_appeal(published[0], actor=published[1].person, reason="替人申诉")
    with pytest.raises(ValidationError, match="申诉理由"):
        actions.file_appeal(published[0], actor=published[0].person, reason=" ")


def test_an_upheld_appeal_rescores_with_reasons_and_republishes(published, judges, scheme, contest) -> None:
    registration = published[3]
    appeal = actions.file_appeal(registration, actor=registration.person, reason="采集点位漏计两处")
    mark = Mark.objects.get(registration=registration, item=scheme["measured"], judge=judges[0])
    with pytest.raises(ValidationError, match="理由"):
        actions.decide_appeal(appeal, actor=judges[0], uphold=True, decision="成立", rescores=[(mark, "20", "")])
    actions.decide_appeal(
        appeal, actor=judges[0], uphold=True, decision="复核录像，漏计属实", rescores=[(mark, "20", "漏计两处采集点位")]
    )
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.UPHELD and appeal.decision == "复核录像，漏计属实"
    assert appeal.rescores.get().before == Decimal("10.00")
    # practical: (20 + 10) / 2 = 15 of 40 measured + 0 judged → 15; final 0.3 × 80 + 0.7 × 15 = 34.50
    assert Result.objects.get(registration=registration).final == Decimal("34.50")
    assert actions.recompute_results(contest) == []
    assert AuditEvent.objects.filter(action="contest.mark.rescore").exists()
    assert AuditEvent.objects.filter(action="contest.appeal.decide").exists()


def test_a_rejected_appeal_changes_nothing_and_only_arbiters_decide(published, judges) -> None:
    registration = published[2]
    appeal = actions.file_appeal(registration, actor=registration.person, reason="我认为评判偏低")
    with pytest.raises(PermissionDenied, match="仲裁组"):
        actions.decide_appeal(appeal, actor=judges[1], uphold=False, decision="维持")
    with pytest.raises(ValidationError, match="已有一项申诉"):
        actions.file_appeal(registration, actor=registration.person, reason="再次申诉")
    before = Result.objects.get(registration=registration).final
    actions.decide_appeal(appeal, actor=judges[0], uphold=False, decision="评分符合标准，维持原成绩")
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REJECTED
    assert Result.objects.get(registration=registration).final == before


def _rescore_all(appeal, registration, judges, values: dict) -> None:
    marks = [(mark, values[mark.item.kind], "复核录像") for mark in Mark.objects.filter(registration=registration)]
    actions.decide_appeal(appeal, actor=judges[0], uphold=True, decision="复核属实", rescores=marks)


def test_an_appeal_that_moves_the_award_line_moves_certificates_and_ledger_rows(published, judges) -> None:
    from talent.models import Achievement, AchievementKind

    second, third, fourth = published[0], published[1], published[2]
    old_third = selectors.award_certificate(third)
    assert old_third is not None and "三等奖" in old_third.title
    # third → tied first place with a second prize: the third-prize certificate is revoked, a new one issued
    appeal = actions.file_appeal(third, actor=third.person, reason="评分有误")
    _rescore_all(appeal, third, judges, {"measurement": "40", "judgement": "3"})
    old_third.refresh_from_db()
    assert old_third.revoked_at is not None and "二等奖" in old_third.revoked_reason
    new = selectors.award_certificate(third)
    assert new is not None and new.pk != old_third.pk and "二等奖" in new.title
    assert selectors.award_certificate(second) is not None  # tied, keeps the second prize
    # the person now ranked third (no third prize left: 4 × 30 % = 1 place, taken by the tie) has
    # a result row only; nothing lost its history
    assert selectors.award_certificate(fourth) is None
    award = Achievement.objects.get(person=third.person, kind=AchievementKind.CONTEST_AWARD)
    assert award.revoked_at is None and award.data["award"] == "second"
    assert not Achievement.objects.filter(
        person=third.person, kind=AchievementKind.CONTEST_RESULT, revoked_at__isnull=True
    ).exists()
    assert actions.recompute_results(third.contest) == []


def test_losing_the_award_after_an_appeal_revokes_certificate_and_award_row(published, judges) -> None:
    from talent.models import Achievement, AchievementKind

    third, fourth = published[1], published[2]
    certificate = selectors.award_certificate(third)
    appeal = actions.file_appeal(fourth, actor=fourth.person, reason="评判偏低")
    _rescore_all(appeal, fourth, judges, {"measurement": "20", "judgement": "3"})
    # fourth: 20 + 60 = 80 practical → 80.00 final, passes third (73.00) and takes the third prize
    assert Result.objects.get(registration=fourth).award == "third"
    assert Result.objects.get(registration=third).award == ""
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert selectors.award_certificate(third) is None and selectors.award_certificate(fourth) is not None
    lost = Achievement.objects.get(person=third.person, kind=AchievementKind.CONTEST_AWARD)
    assert lost.revoked_at is not None
    kept = Achievement.objects.get(person=third.person, kind=AchievementKind.CONTEST_RESULT)
    assert kept.revoked_at is None and kept.data["placement"] == 3


def _evaluation(registration):
    from talent.models import Evaluation

    return Evaluation.objects.filter(person=registration.person, source="competitions.promotion").first()


@pytest.fixture
def promoted(contestants, judges, scheme, group, organizer, contest):
    """Published with 以赛代评 rules: second prize → 三级/高级工, third prize → 四级/中级工."""
    actions.set_promotion_rule(contest, actor=organizer, award="second", target_level="l3")
    actions.set_promotion_rule(contest, actor=organizer, award="third", target_level="l4")
    return publish_four(contestants, judges, scheme, group, organizer, contest)


def test_losing_the_award_withdraws_a_pending_promotion_and_the_new_awardee_gets_one(promoted, judges) -> None:
    from talent.models import EvaluationStatus

    third, fourth = promoted[1], promoted[2]
    assert _evaluation(third).status == EvaluationStatus.PENDING and _evaluation(third).level == "l4"
    assert _evaluation(fourth) is None
    appeal = actions.file_appeal(fourth, actor=fourth.person, reason="评判偏低")
    _rescore_all(appeal, fourth, judges, {"measurement": "20", "judgement": "3"})
    assert Result.objects.get(registration=third).award == ""
    lost = _evaluation(third)
    assert lost.status == EvaluationStatus.WITHDRAWN and "申诉改判" in lost.reason and "四级" in lost.reason
    assert not Promotion.objects.filter(registration=third).exists()
    gained = _evaluation(fourth)
    assert gained.status == EvaluationStatus.PENDING and gained.level == "l4"
    assert Promotion.objects.get(registration=fourth).evaluation_id == gained.pk
    assert AuditEvent.objects.filter(action="evaluation.withdraw", target_id=str(lost.pk)).exists()
    assert AuditEvent.objects.filter(action="contest.promotion.withdraw").count() == 1


def test_a_changed_award_changes_the_pending_promotion_to_the_level_it_now_earns(promoted, judges) -> None:
    from talent.models import Evaluation, EvaluationStatus

    third = promoted[1]
    before = _evaluation(third)
    appeal = actions.file_appeal(third, actor=third.person, reason="评分有误")
    _rescore_all(appeal, third, judges, {"measurement": "40", "judgement": "3"})  # tied first → second prize
    assert Result.objects.get(registration=third).award == "second"
    after = _evaluation(third)
    assert after.pk == before.pk and after.status == EvaluationStatus.PENDING and after.level == "l3"
    assert after.evidence["award"] == "second"
    assert Promotion.objects.get(registration=third).target_level == "l3"
    assert Evaluation.objects.filter(person=third.person).count() == 1
    assert AuditEvent.objects.filter(action="evaluation.repropose", target_id=str(after.pk)).exists()


def test_a_promotion_talent_already_approved_is_not_undone_by_the_contest(promoted, judges, province_admin) -> None:
    from talent.actions import approve_evaluation
    from talent.models import EvaluationStatus

    third, fourth = promoted[1], promoted[2]
    approve_evaluation(_evaluation(third), actor=province_admin, reason="核验通过")
    appeal = actions.file_appeal(fourth, actor=fourth.person, reason="评判偏低")
    _rescore_all(appeal, fourth, judges, {"measurement": "20", "judgement": "3"})
    assert Result.objects.get(registration=third).award == ""
    kept = _evaluation(third)
    assert kept.status == EvaluationStatus.APPROVED and kept.certificate_no
    assert Promotion.objects.filter(registration=third).exists()
    assert not AuditEvent.objects.filter(action="evaluation.withdraw").exists()
