"""Issue #15 item 5: what contests put on a person's calendar: the exam times and deadlines of
the contests they entered, the appeal window once results are out, the registration deadline of
open contests they may enter; never another person's contest, a draft, or one they may not enter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.calendar import EntryKind, entries_for, feed_window
from accounts.choices import Role
from competitions import actions
from competitions.models import ContestRules, ContestStatus
from tests.competitions.test_appeals import publish_four

pytestmark = pytest.mark.django_db


def window():
    return feed_window()


def uids(person) -> set[str]:
    return {e.uid for e in entries_for(person, *window())}


@pytest.fixture
def dated(contest, organizer):
    """The fixture contest with its theory exam in 10 days and the practical in 11."""
    now = timezone.now()
    return actions.update_contest(
        contest, actor=organizer, theory_at=now + dt.timedelta(days=10), practical_at=now + dt.timedelta(days=11)
    )


def test_a_contestant_sees_her_exam_times_and_the_registration_deadline(dated, group, learner) -> None:
    actions.register(person=learner, contest=dated, event_group=group, actor=learner)
    entries = {e.uid: e for e in entries_for(learner, *window())}
    pk = dated.pk
    assert set(entries) == {f"contest-{pk}-theory", f"contest-{pk}-practical", f"contest-{pk}-registration-closes"}
    theory = entries[f"contest-{pk}-theory"]
    assert theory.title == f"理论考试：{dated.title} · {group.name}"
    assert theory.starts == dated.theory_at and theory.kind == EntryKind.CONTEST
    assert theory.url == f"/contests/{dated.slug}/"
    assert entries[f"contest-{pk}-registration-closes"].kind == EntryKind.REGISTRATION


def test_an_eligible_person_who_has_not_entered_sees_only_the_registration_deadline(dated, learner) -> None:
    assert uids(learner) == {f"contest-{dated.pk}-registration-closes"}


def test_another_persons_contest_times_are_not_on_my_calendar(dated, group, learner, outsider) -> None:
    actions.register(person=learner, contest=dated, event_group=group, actor=learner)
    assert f"contest-{dated.pk}-theory" not in uids(outsider)


def test_a_contest_a_person_may_not_enter_is_not_offered(contest, organizer, outsider, learner, city) -> None:
    # Only 济南 may enter: the 青岛 outsider is not shown its deadline, the 济南 learner is.
    actions.update_contest(contest, actor=organizer, eligible_cities=[city("济南")])
    assert uids(outsider) == set()
    assert uids(learner) == {f"contest-{contest.pk}-registration-closes"}


def test_a_withdrawn_registration_leaves_the_exam_times_off(dated, group, learner) -> None:
    registration = actions.register(person=learner, contest=dated, event_group=group, actor=learner)
    actions.withdraw_registration(registration, actor=learner)
    # Back to an open contest she may enter again: the deadline, not the exam times.
    assert uids(learner) == {f"contest-{dated.pk}-registration-closes"}


def test_a_draft_contest_shows_nothing(organizer, learner) -> None:
    now = timezone.now()
    actions.create_contest(
        actor=organizer,
        title="草稿竞赛",
        slug="draft-1",
        status=ContestStatus.DRAFT,
        registration_closes=now + dt.timedelta(days=3),
        theory_at=now + dt.timedelta(days=5),
    )
    assert uids(learner) == set()


def test_after_publication_a_contestant_sees_results_and_the_appeal_deadline(
    contestants, judges, scheme, group, organizer, contest, make_person
) -> None:
    publish_four(contestants, judges, scheme, group, organizer, contest)
    person = contestants[0].person
    entries = {e.uid: e for e in entries_for(person, *window())}
    rules = ContestRules.objects.get(contest=contest)
    appeal = entries[f"contest-{contest.pk}-appeal-closes"]
    assert appeal.kind == EntryKind.APPEAL and appeal.title == f"申诉截止：{contest.title}"
    assert appeal.starts == rules.results_published_at + dt.timedelta(hours=rules.appeal_hours)
    assert entries[f"contest-{contest.pk}-results"].url == f"/contests/{contest.slug}/results/"
    # Someone who did not take part has no appeal deadline.
    bystander = make_person(Role.LEARNER)
    assert not {u for u in uids(bystander) if "appeal" in u or "results" in u}


def test_the_query_count_does_not_grow_with_the_number_of_contests(organizer, learner, make_org) -> None:
    now = timezone.now()

    def open_contests(n: int, start: int) -> None:
        for i in range(start, start + n):
            c = actions.create_contest(
                actor=organizer,
                title=f"竞赛{i}",
                slug=f"c-{i}",
                status=ContestStatus.OPEN,
                registration_opens=now - dt.timedelta(days=1),
                registration_closes=now + dt.timedelta(days=5),
                theory_at=now + dt.timedelta(days=9),
                # The ones she does not enter ask for a level (read once, however many ask).
                min_level="" if i % 2 else "apprentice",
            )
            group = actions.add_event_group(c, actor=organizer, name="赛项")
            if i % 2:
                actions.register(person=learner, contest=c, event_group=group, actor=learner)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            entries_for(learner, *window())
        return len(ctx.captured_queries)

    open_contests(2, 0)
    count()  # the first read caches the person's region and organization on the instance
    few = count()
    open_contests(8, 2)
    assert count() == few


def test_the_calendar_offers_exactly_the_contests_registration_would_accept(
    contest, organizer, learner, make_person, acme
) -> None:
    from accounts.choices import JobGroup
    from competitions.selectors import eligibility_problems
    from competitions.selectors.registration import eligible_among

    actions.update_contest(contest, actor=organizer, eligible_job_groups=[JobGroup.MANAGER])
    manager = make_person(Role.LEARNER, org=acme, job_group=JobGroup.MANAGER)
    for person in (learner, manager):
        offered = bool(eligible_among(person, [type(contest).objects.get(pk=contest.pk)]))
        assert offered == (eligibility_problems(person, contest) == [])
    assert uids(learner) == set() and uids(manager) == {f"contest-{contest.pk}-registration-closes"}
