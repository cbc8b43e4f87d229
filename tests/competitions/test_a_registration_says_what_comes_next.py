"""The contest page tells a registered person what happens next, not just a bare 已通过: waiting
for review, the ticket issued (and when the theory exam is), or returned with what to do."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from competitions import actions

pytestmark = pytest.mark.django_db


def _next_step(person, contest) -> str:
    client = Client()
    client.force_login(person)
    page = client.get(f"/contests/{contest.slug}/").content.decode()
    start = page.index('id="reg-next"')
    return page[start : page.index("</p>", start)]


def test_each_status_says_what_comes_next(contest, group, organizer, learner) -> None:
    registration = actions.register(person=learner, contest=contest, event_group=group, actor=learner)
    assert "等待组委会审核" in _next_step(learner, contest)

    actions.review_registration(registration, actor=organizer, approve=False, reason="请补充单位证明")
    assert "按审核意见修改后重新报名" in _next_step(learner, contest)

    contest.theory_at = timezone.localtime() + timedelta(days=3)
    contest.save(update_fields=["theory_at"])
    registration.refresh_from_db()
    registration = actions.register(person=learner, contest=contest, event_group=group, actor=learner)
    actions.review_registration(registration, actor=organizer, approve=True)
    text = _next_step(learner, contest)
    assert "准考证已发放" in text and contest.theory_at.strftime("%Y-%m-%d") in text


def test_a_schedule_without_dates_says_to_be_decided_not_dashes(contest, learner) -> None:
    contest.registration_opens = contest.theory_at = contest.practical_at = None
    contest.save(update_fields=["registration_opens", "theory_at", "practical_at"])
    client = Client()
    client.force_login(learner)
    page = client.get(f"/contests/{contest.slug}/").content.decode()
    assert "— — —" not in page and "待定" in page
    assert "截至 " + timezone.localtime(contest.registration_closes).strftime("%Y-%m-%d %H:%M") in page
