"""Contestants hear of their results and appeals: one notice each when results are published
(figures, rank, award, or 缺考), one more only when a later publication changes their own figures
(成绩已更新), and the appellant hears the arbitration's decision. Sent in one batch, in a bounded
number of queries, each delivered after commit."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import notifications
from accounts.actions import Message, notify_many
from accounts.choices import NoticeKind
from accounts.models import Notice
from competitions import actions
from competitions.models import Mark, Result
from tests.competitions.test_appeals import publish_four
from tests.notice_helpers import with_email

pytestmark = pytest.mark.django_db


def _results_notices(registration) -> list[Notice]:
    return list(Notice.objects.filter(person=registration.person, kind=NoticeKind.RESULTS).order_by("pk"))


def test_each_contestant_hears_their_result_once_and_again_only_when_it_changes(
    contestants, judges, scheme, group, organizer, contest, django_capture_on_commit_callbacks
) -> None:
    for registration in contestants:
        with_email(registration.person)
    with django_capture_on_commit_callbacks(execute=True):
        publish_four(contestants, judges, scheme, group, organizer, contest)
    for registration in contestants:
        (notice,) = _results_notices(registration)
        result = Result.objects.get(registration=registration)
        assert notice.title == f"成绩已公布：{contest.title}" and notice.url == f"/contests/{contest.slug}/results/"
        assert f"总成绩 {result.final}，第 {result.rank} 名" in notice.body and "申诉" in notice.body
        if result.award:
            assert result.get_award_display() in notice.body
        assert notice.emailed_at is not None  # delivered after commit, in the batch's task
    actions.publish_results(contest, actor=organizer)  # the same figures again: nothing new
    assert all(len(_results_notices(r)) == 1 for r in contestants)

    # An upheld appeal lifts the last contestant past the third: both of them hear, nobody else.
    last = contestants[3]
    appeal = actions.file_appeal(last, actor=last.person, reason="采集点位漏计")
    marks = [
        (m, {"measurement": "40", "judgement": "3"}[m.item.kind], "复核录像")
        for m in Mark.objects.filter(registration=last)
    ]
    actions.decide_appeal(appeal, actor=judges[0], uphold=True, decision="漏计属实。", rescores=marks)
    decided, updated = _results_notices(last)[1:]
    assert decided.title == f"申诉已处理：{contest.title}" and "申诉成立，成绩已按复核结果更新" in decided.body
    assert decided.url == f"/contests/{contest.slug}/appeal/"
    assert updated.title == f"成绩已更新：{contest.title}"
    moved = [r for r in contestants[:3] if len(_results_notices(r)) == 2]
    assert moved and all(_results_notices(r)[1].title.startswith("成绩已更新") for r in moved)
    for registration in contestants[:3]:
        rank_now = Result.objects.get(registration=registration).rank
        assert (registration in moved) == (f"第 {rank_now} 名" not in _results_notices(registration)[0].body)


def test_a_rejected_appeal_is_answered_and_no_result_changes(
    contestants, judges, scheme, group, organizer, contest
) -> None:
    publish_four(contestants, judges, scheme, group, organizer, contest)
    registration = contestants[2]
    appeal = actions.file_appeal(registration, actor=registration.person, reason="评判偏低")
    actions.decide_appeal(appeal, actor=judges[0], uphold=False, decision="评分符合标准。")
    notices = _results_notices(registration)
    assert [n.title for n in notices] == [f"成绩已公布：{contest.title}", f"申诉已处理：{contest.title}"]
    assert "维持原成绩" in notices[1].body
    assert all(len(_results_notices(r)) == 1 for r in contestants if r != registration)


def test_an_absent_contestant_is_told_they_were_absent(contestants, judges, scheme, group, organizer, contest) -> None:
    from tests.competitions.conftest import score_all

    score_all(contestants[:3], judges, scheme, [("40", "3"), ("30", "2"), ("20", "1")])
    actions.set_practical_absence(group, actor=judges[0], absent=True, registration=contestants[3])
    actions.sign_off(group, actor=judges[0])
    actions.publish_results(contest, actor=organizer)
    (notice,) = _results_notices(contestants[3])
    assert "缺考" in notice.body and "总成绩" not in notice.body and "申诉" not in notice.body


def test_notify_many_costs_the_same_queries_for_three_people_or_thirty(make_person, acme) -> None:
    def send(people, tag):
        with CaptureQueriesContext(connection) as queries:
            stored = notify_many(
                NoticeKind.SYSTEM, [Message(person=p, title="维护通知", dedupe_key=f"{tag}:{p.pk}") for p in people]
            )
        assert len(stored) == len(people)
        return len(queries)

    few = [make_person(org=acme) for _ in range(3)]
    many = [make_person(org=acme) for _ in range(30)]
    assert send(few, "a") == send(many, "a")
    assert (
        notify_many(NoticeKind.SYSTEM, [Message(person=p, title="维护通知", dedupe_key=f"a:{p.pk}") for p in many])
        == []
    )
    doubled = notify_many(NoticeKind.SYSTEM, [Message(person=few[0], title="x", dedupe_key="b")] * 2)
    assert len(doubled) == 1
    with pytest.raises(ValueError):
        notify_many(NoticeKind.SYSTEM, [Message(person=few[0], title="x", url="https://evil.example/")])


def test_a_batch_that_meets_a_concurrent_sender_falls_back_to_one_by_one(make_person, acme, monkeypatch) -> None:
    people = [make_person(org=acme) for _ in range(3)]
    # Another sender stores the first person's notice after the batch looked for sent keys.
    notifications.notify(people[0], NoticeKind.SYSTEM, title="维护通知", dedupe_key="race")
    real = Notice.objects.filter

    def blind(*args, **kwargs):
        return Notice.objects.none() if "dedupe_key__in" in kwargs else real(*args, **kwargs)

    monkeypatch.setattr(Notice.objects, "filter", blind)
    stored = notify_many(NoticeKind.SYSTEM, [Message(person=p, title="维护通知", dedupe_key="race") for p in people])
    assert sorted(n.person_id for n in stored) == sorted(p.pk for p in people[1:])
    assert Notice.objects.filter(dedupe_key="system:race").count() == 3


def test_a_batch_is_delivered_in_tasks_of_a_bounded_size_and_pushed_with_each_readers_count(
    make_person, acme, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from accounts.consumers import user_group

    people = [make_person(org=acme) for _ in range(5)]
    notifications.notify(people[0], NoticeKind.SYSTEM, title="早先的通知")  # one unread already
    batches: list[list[int]] = []
    pushed: list[tuple[str, int]] = []

    class Queue:
        def using(self, **options):
            return self

        def enqueue(self, ids):
            batches.append(list(ids))

    class Layer:
        async def group_send(self, group, frame):
            pushed.append((group, frame["notice"]["unread"]))

    monkeypatch.setattr(notifications, "DELIVERY_BATCH", 2)
    monkeypatch.setattr(notifications, "deliver_notices", Queue())
    monkeypatch.setattr(notifications, "get_channel_layer", Layer)
    with django_capture_on_commit_callbacks(execute=True):
        stored = notify_many(NoticeKind.SYSTEM, [Message(person=p, title="维护通知") for p in people])
    assert [len(batch) for batch in batches] == [2, 2, 1]
    assert sorted(pk for batch in batches for pk in batch) == sorted(n.pk for n in stored)
    assert sorted(pushed) == sorted((user_group(p.pk), 2 if p == people[0] else 1) for p in people)
