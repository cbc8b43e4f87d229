"""Marks: judges of the group only, recusal, ranges, aggregation, disagreement and sign-off."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.choices import OrgKind, Role
from accounts.models import AuditEvent
from competitions import actions, scoring, selectors
from competitions.models import Aggregation
from tests.competitions.conftest import score_all


def test_the_mean_of_the_judges_is_used() -> None:
    assert scoring.aggregate([Decimal(1), Decimal(2), Decimal(3)], Aggregation.MEAN) == Decimal(2)


def test_the_trimmed_mean_drops_the_highest_and_lowest_with_five_judges() -> None:
    marks = [Decimal(v) for v in (0, 2, 2, 3, 3)]
    assert scoring.aggregate(marks, Aggregation.TRIMMED) == Decimal(7) / 3
    assert scoring.aggregate(marks[:4], Aggregation.TRIMMED) == Decimal(7) / 4


def test_a_judge_outside_the_group_may_not_score(contestants, scheme, make_person, make_org) -> None:
    stranger = make_person(Role.JUDGE, org=make_org("外组学院", "济南", OrgKind.SCHOOL))
    with pytest.raises(PermissionDenied, match="不是赛项"):
        actions.record_mark(judge=stranger, registration=contestants[0], item=scheme["measured"], value="10")


def test_a_judge_may_not_score_a_contestant_of_their_own_organization(contestants, scheme, judges, make_person) -> None:
    colleague = make_person(Role.LEARNER, org=judges[1].organization)
    from competitions.models import RegistrationStatus

    registration = actions.register(
        person=colleague, contest=contestants[0].contest, event_group=contestants[0].event_group, actor=colleague
    )
    registration.status = RegistrationStatus.APPROVED
    registration.save()
    with pytest.raises(PermissionDenied, match="回避"):
        actions.record_mark(judge=judges[1], registration=registration, item=scheme["judged"], value="2")


@pytest.mark.parametrize(
    ("item", "value", "reason"),
    [
        ("measured", "41", "0 到 40"),
        ("measured", "-1", "0 到 40"),
        ("judged", "4", "0 到 3"),
        ("judged", "1.5", "0、1、2、3"),
        ("measured", "abc", "数字"),
    ],
)
def test_marks_outside_the_scheme_are_refused(contestants, scheme, judges, item, value, reason) -> None:
    with pytest.raises(ValidationError, match=reason):
        actions.record_mark(judge=judges[0], registration=contestants[0], item=scheme[item], value=value)


def test_every_mark_is_audited(contestants, scheme, judges) -> None:
    actions.record_mark(judge=judges[0], registration=contestants[0], item=scheme["judged"], value="2")
    actions.record_mark(judge=judges[0], registration=contestants[0], item=scheme["judged"], value="3")
    events = AuditEvent.objects.filter(action="contest.mark").order_by("id")
    assert [e.after["value"] for e in events] == ["2", "3"]
    assert events.last().before == {"value": "2.00"}


def test_practical_score_weights_items_by_points(contestants, scheme, judges, group) -> None:
    score_all(contestants[:1], judges, scheme, [("30", "2")])
    # 30 of 40 measured + (2 / 3) × 60 judged = 70 of 100
    assert selectors.practical_scores(group)[contestants[0].pk] == Decimal("70.00")


def test_large_disagreement_is_flagged_and_needs_a_note_to_sign(contestants, scheme, judges, group) -> None:
    score_all(contestants, judges, scheme, [("30", "2")] * 4)
    actions.record_mark(judge=judges[2], registration=contestants[0], item=scheme["judged"], value="0")
    flagged = selectors.disagreements(group)
    assert [(f.registration_id, f.low, f.high) for f in flagged] == [(contestants[0].pk, Decimal(0), Decimal(2))]
    with pytest.raises(ValidationError, match="复核说明"):
        actions.sign_off(group, actor=judges[0])
    actions.sign_off(group, actor=judges[0], note="复看录像，维持三名裁判原评分")
    assert AuditEvent.objects.filter(action="contest.signoff").exists()


def test_only_the_chief_judge_signs_and_only_when_marks_are_complete(contestants, scheme, judges, group) -> None:
    score_all(contestants[:3], judges, scheme, [("30", "2")] * 3)
    with pytest.raises(PermissionDenied, match="裁判长"):
        actions.sign_off(group, actor=judges[1])
    with pytest.raises(ValidationError, match="评分未完成"):
        actions.sign_off(group, actor=judges[0])


def test_marks_are_locked_after_sign_off(contestants, scheme, judges, group) -> None:
    score_all(contestants, judges, scheme, [("30", "2")] * 4)
    actions.sign_off(group, actor=judges[0])
    with pytest.raises(ValidationError, match="已锁定"):
        actions.record_mark(judge=judges[1], registration=contestants[0], item=scheme["judged"], value="3")
