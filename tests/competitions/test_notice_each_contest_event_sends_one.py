"""Contest events reach the person: one notice each, delivered after the action commits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts import reminders
from accounts.choices import NoticeKind
from accounts.models import Notice
from competitions import actions
from competitions.models import ContestRules, StaffRole
from tests.notice_helpers import exactly_one_after_commit, notices_of

pytestmark = pytest.mark.django_db


def test_an_approved_registration_sends_one_approval_and_one_ticket_notice(
    contest, group, organizer, learner, django_capture_on_commit_callbacks
) -> None:
    registration = actions.register(person=learner, contest=contest, event_group=group, actor=learner)
    approval = exactly_one_after_commit(
        django_capture_on_commit_callbacks,
        learner,
        NoticeKind.REGISTRATION,
        lambda: actions.review_registration(registration, actor=organizer, approve=True),
    )
    assert contest.title in approval.title and approval.url == f"/contests/{contest.slug}/"
    ticket = notices_of(learner, NoticeKind.TICKET)
    assert len(ticket) == 1 and registration.ticket.number in ticket[0].body
    assert ticket[0].url == f"/contests/{contest.slug}/ticket/"
    actions.issue_ticket(registration, actor=organizer)  # idempotent: no second ticket notice
    assert len(notices_of(learner, NoticeKind.TICKET)) == 1


def test_a_returned_registration_sends_one_notice_with_the_reason(
    contest, group, organizer, learner, django_capture_on_commit_callbacks
) -> None:
    registration = actions.register(person=learner, contest=contest, event_group=group, actor=learner)
    notice = exactly_one_after_commit(
        django_capture_on_commit_callbacks,
        learner,
        NoticeKind.REGISTRATION,
        lambda: actions.review_registration(registration, actor=organizer, approve=False, reason="照片不清晰"),
    )
    assert "照片不清晰" in notice.body and notices_of(learner, NoticeKind.TICKET) == []


def test_a_staff_invitation_to_someone_with_an_account_sends_one_notice(
    contest, group, organizer, judge, django_capture_on_commit_callbacks
) -> None:
    notice = exactly_one_after_commit(
        django_capture_on_commit_callbacks,
        judge,
        NoticeKind.INVITATION,
        lambda: actions.invite_staff(
            contest,
            actor=organizer,
            mobile=judge.mobile,
            real_name=judge.real_name,
            role=StaffRole.JUDGE,
            event_groups=[group],
        ),
    )
    assert notice.url == "/contests/invitations/" and "token" not in notice.url


def test_a_returned_registrant_is_reminded_once_before_registration_closes(contest, group, organizer, learner) -> None:
    registration = actions.register(person=learner, contest=contest, event_group=group, actor=learner)
    actions.review_registration(registration, actor=organizer, approve=False, reason="缺少单位证明")
    assert reminders.run()["competitions.registration_closing"] == 0  # closes in 7 days
    contest.registration_closes = timezone.now() + dt.timedelta(hours=5)
    contest.save(update_fields=["registration_closes"])
    assert reminders.run()["competitions.registration_closing"] == 1
    assert reminders.run()["competitions.registration_closing"] == 0
    reminder = Notice.objects.get(person=learner, kind=NoticeKind.DEADLINE)
    assert contest.title in reminder.title and reminder.url == f"/contests/{contest.slug}/register/"


def test_entrants_are_reminded_once_before_the_appeal_window_closes(contest, approved, learner, mentor) -> None:
    approved(learner)
    approved(mentor)
    rules, _ = ContestRules.objects.get_or_create(contest=contest)
    rules.appeal_hours = 72
    rules.results_published_at = timezone.now() - dt.timedelta(hours=60)  # window ends in 12 h
    rules.save()
    assert reminders.run()["competitions.appeal_closing"] == 2
    assert reminders.run()["competitions.appeal_closing"] == 0
    assert Notice.objects.filter(kind=NoticeKind.DEADLINE, title__contains="申诉期").count() == 2


def test_organizers_are_reminded_once_of_registrations_still_waiting_for_review(
    contest, group, organizer, learner, make_person
) -> None:
    from accounts.choices import Role

    co_organizer = make_person(Role.LEARNER, name="协办者")
    contest.organizers.add(co_organizer)
    for person in (learner, make_person(org=learner.organization)):
        actions.register(person=person, contest=contest, event_group=group, actor=person)
    assert reminders.run()["competitions.reviews_pending"] == 0  # registration closes in 7 days
    contest.registration_closes = timezone.now() + dt.timedelta(hours=5)
    contest.save(update_fields=["registration_closes"])
    assert reminders.run()["competitions.reviews_pending"] == 2  # the creator and the co-organizer
    assert reminders.run()["competitions.reviews_pending"] == 0
    for person in (organizer, co_organizer):
        notice = Notice.objects.get(person=person, kind=NoticeKind.DEADLINE)
        assert notice.title == f"报名待审核：{contest.title}" and "还有 2 份报名待审核" in notice.body
        assert notice.url == f"/contests/manage/{contest.slug}/"
    assert not Notice.objects.filter(person=learner, kind=NoticeKind.DEADLINE).exists()


def test_a_creator_who_no_longer_organizes_is_not_reminded(contest, group, organizer, learner) -> None:
    from accounts.models import RoleGrant

    contest.organizers.add(organizer)  # a member too: membership is not what lets a creator manage
    actions.register(person=learner, contest=contest, event_group=group, actor=learner)
    RoleGrant.objects.filter(user=organizer).delete()
    contest.registration_closes = timezone.now() + dt.timedelta(hours=5)
    contest.save(update_fields=["registration_closes"])
    assert reminders.run()["competitions.reviews_pending"] == 0


def test_no_review_reminder_when_every_registration_is_decided(contest, group, organizer, learner) -> None:
    registration = actions.register(person=learner, contest=contest, event_group=group, actor=learner)
    actions.review_registration(registration, actor=organizer, approve=True)
    contest.registration_closes = timezone.now() + dt.timedelta(hours=5)
    contest.save(update_fields=["registration_closes"])
    assert reminders.run()["competitions.reviews_pending"] == 0
