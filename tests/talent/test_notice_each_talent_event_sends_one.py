"""Talent decisions reach the person: an evaluation decided, a demand's invitation and its answer,
a shortlist review; one notice each, after commit."""

from __future__ import annotations

import pytest

from accounts.choices import NoticeKind, Role
from accounts.models import Notice
from talent import actions
from talent.models import ConsentKind, SkillLevel
from tests.notice_helpers import exactly_one_after_commit, notices_of

pytestmark = pytest.mark.django_db


def _propose(person, source_id: int = 9):
    return actions.propose_evaluation(
        person=person,
        level=SkillLevel.L3,
        domain="industrial_internet",
        route="contest",
        body="省工业互联网技能大赛组委会",
        evidence={"contest": "2026 省赛"},
        source="competitions.award",
        source_id=source_id,
    )


def test_an_approved_evaluation_sends_one_notice_with_the_certificate(
    learner, province_admin, django_capture_on_commit_callbacks
) -> None:
    evaluation = _propose(learner)
    notice = exactly_one_after_commit(
        django_capture_on_commit_callbacks,
        learner,
        NoticeKind.EVALUATION,
        lambda: actions.approve_evaluation(evaluation, actor=province_admin, reason="省赛一等奖"),
    )
    evaluation.refresh_from_db()
    assert evaluation.certificate_no in notice.body and notice.url == "/talent/me/"


def test_a_rejected_evaluation_sends_one_notice_with_the_reason(
    learner, province_admin, django_capture_on_commit_callbacks
) -> None:
    evaluation = _propose(learner)
    notice = exactly_one_after_commit(
        django_capture_on_commit_callbacks,
        learner,
        NoticeKind.EVALUATION,
        lambda: actions.reject_evaluation(evaluation, actor=province_admin, reason="证明材料不全"),
    )
    assert "证明材料不全" in notice.body


@pytest.fixture
def demand(enterprise_admin, acme):
    return actions.post_demand(
        actor=enterprise_admin,
        organization=acme,
        title="工业互联网运维工程师",
        domains=["industrial_internet"],
        headcount=2,
        city=acme.region,
    )


def test_a_match_invitation_and_its_answer_each_send_one_notice(
    demand, enterprise_admin, learner, award, django_capture_on_commit_callbacks
) -> None:
    award(learner)
    actions.set_consent(learner, ConsentKind.MATCHING, True)
    invitation = exactly_one_after_commit(
        django_capture_on_commit_callbacks,
        learner,
        NoticeKind.MATCH,
        lambda: actions.invite_match(demand, learner, actor=enterprise_admin),
    )
    assert demand.title in invitation.title
    actions.invite_match(demand, learner, actor=enterprise_admin)  # idempotent: no second notice
    assert len(notices_of(learner, NoticeKind.MATCH)) == 1
    match = demand.matches.get()
    answer = exactly_one_after_commit(
        django_capture_on_commit_callbacks,
        enterprise_admin,
        NoticeKind.MATCH,
        lambda: actions.answer_match(match, person=learner, accept=True),
    )
    assert learner.real_name in answer.title and answer.url == f"/talent/demands/{demand.pk}/"


@pytest.mark.parametrize("approve", [True, False])
def test_a_province_shortlist_decision_sends_one_notice_to_the_candidate(
    approve, make_person, acme, award, province_admin, city_admin, city, django_capture_on_commit_callbacks
) -> None:
    person = make_person(Role.LEARNER, org=acme, name="济南选手")
    award(person, "province", "first")
    award(person, "national", "second")
    selection = actions.create_round(
        actor=province_admin, year=2026, name="2026 年度领军人才遴选", quotas={city("济南").pk: 1}, min_index=50
    )
    actions.generate_candidates(selection, actor=province_admin)
    candidate = selection.candidates.get()
    actions.nominate_candidate(candidate, actor=city_admin, reason="推荐")
    # The city's nomination told her first (test_shortlist.py); this is about the province's word.
    Notice.objects.filter(person=person, kind=NoticeKind.SHORTLIST).delete()
    notice = exactly_one_after_commit(
        django_capture_on_commit_callbacks,
        person,
        NoticeKind.SHORTLIST,
        lambda: actions.review_candidate(candidate, actor=province_admin, approve=approve, reason="材料不符"),
    )
    assert ("已通过" in notice.title) is approve
