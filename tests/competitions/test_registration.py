"""Self-registration, nomination, review and admission tickets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.choices import JobGroup
from accounts.models import AuditEvent
from competitions import actions, selectors
from competitions.models import RegistrationStatus, Ticket


def test_a_learner_registers_and_an_organizer_approves_with_a_ticket(contest, group, learner, organizer) -> None:
    registration = actions.register(person=learner, contest=contest, event_group=group, actor=learner)
    assert registration.status == RegistrationStatus.PENDING
    actions.review_registration(registration, actor=organizer, approve=True)
    ticket = Ticket.objects.get(registration=registration)
    assert len(ticket.number) == 14 and ticket.number.startswith(str(selectors.contest_year(contest)))
    assert ticket.number.endswith("010001")
    assert len(ticket.access_code) == 6
    assert actions.issue_ticket(registration) == ticket
    assert AuditEvent.objects.filter(action="contest.registration.approve", target_id=str(registration.pk)).exists()
    assert AuditEvent.objects.filter(action="contest.ticket.issue").exists()


def test_an_enterprise_admin_nominates_her_staff_but_not_others(
    contest, group, learner, enterprise_admin, outsider
) -> None:
    registration = actions.register(person=learner, contest=contest, event_group=group, actor=enterprise_admin)
    assert registration.nominated_by == enterprise_admin
    with pytest.raises(PermissionDenied):
        actions.register(person=outsider, contest=contest, event_group=group, actor=enterprise_admin)


def test_a_second_registration_is_refused(contest, group, learner) -> None:
    actions.register(person=learner, contest=contest, event_group=group, actor=learner)
    with pytest.raises(ValidationError, match="不能重复报名"):
        actions.register(person=learner, contest=contest, event_group=group, actor=learner)


def test_registration_after_the_window_is_refused(contest, group, learner, organizer) -> None:
    actions.update_contest(
        contest,
        actor=organizer,
        registration_closes=timezone.now() - timedelta(minutes=1),
        registration_opens=timezone.now() - timedelta(days=2),
    )
    with pytest.raises(ValidationError, match="报名已于"):
        actions.register(person=learner, contest=contest, event_group=group, actor=learner)


def test_an_ineligible_city_or_job_group_is_refused_with_a_reason(
    contest, group, learner, outsider, organizer, city
) -> None:
    actions.update_contest(
        contest, actor=organizer, eligible_cities=[city("济南")], eligible_job_groups=[JobGroup.OPERATOR]
    )
    with pytest.raises(ValidationError, match="仅限以下城市"):
        actions.register(person=outsider, contest=contest, event_group=group, actor=outsider)
    learner.job_group = JobGroup.MANAGER
    learner.save()
    with pytest.raises(ValidationError, match="岗位类别"):
        actions.register(person=learner, contest=contest, event_group=group, actor=learner)


def test_a_level_range_uses_the_talent_ledger(contest, group, learner, organizer) -> None:
    from talent.actions import record_achievement
    from talent.models import AchievementKind

    actions.update_contest(contest, actor=organizer, max_level="l4")
    record_achievement(
        person=learner,
        kind=AchievementKind.SKILL_LEVEL,
        source="test",
        source_id=1,
        title="高级工",
        data={"level": "l3"},
    )
    with pytest.raises(ValidationError, match="超出范围"):
        actions.register(person=learner, contest=contest, event_group=group, actor=learner)


def test_returning_needs_a_reason_and_the_person_may_resubmit(contest, group, learner, organizer) -> None:
    registration = actions.register(person=learner, contest=contest, event_group=group, actor=learner)
    with pytest.raises(ValidationError, match="退回理由"):
        actions.review_registration(registration, actor=organizer, approve=False)
    actions.review_registration(registration, actor=organizer, approve=False, reason="请补充单位证明")
    assert registration.status == RegistrationStatus.RETURNED
    again = actions.register(person=learner, contest=contest, event_group=group, actor=learner)
    assert again.pk == registration.pk and again.status == RegistrationStatus.PENDING


def test_only_the_contests_organizers_review(contest, group, learner, judge) -> None:
    registration = actions.register(person=learner, contest=contest, event_group=group, actor=learner)
    with pytest.raises(PermissionDenied):
        actions.review_registration(registration, actor=judge, approve=True)


def test_an_event_group_of_another_contest_is_refused(contest, learner, organizer) -> None:
    other = actions.create_contest(actor=organizer, title="另一个竞赛", slug="other", status="open")
    foreign = actions.add_event_group(other, actor=organizer, name="数据分析")
    with pytest.raises(ValidationError, match="不属于本竞赛"):
        actions.register(person=learner, contest=contest, event_group=foreign, actor=learner)
