"""/live/ lists to a contestant the rounds of her own event group (and rounds open to every group
of her contest); the contest's organizers see every round to host (issue #14)."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.choices import Role
from competitions import actions as contest_actions
from competitions.live import authoring, setup

pytestmark = pytest.mark.django_db(transaction=True)


def page_for(user) -> str:
    client = Client()
    client.force_login(user)
    return client.get("/live/").content.decode()


def test_each_contestant_sees_her_groups_round_and_the_organizer_hosts_both(
    arena, organizer, make_person, acme
) -> None:
    contest = arena.round.contest
    own_group = contest.event_groups.get(name="工业互联网运维")
    other_group = contest_actions.add_event_group(contest, actor=organizer, name="数据分析")
    authoring.create_round(organizer, contest, title="运维专场", event_group=own_group)
    authoring.create_round(organizer, contest, title="数据分析专场", event_group=other_group)
    analyst = make_person(Role.LEARNER, org=acme, name="丁分析")
    setup.seat(organizer, contest, other_group, analyst)

    mine = page_for(arena.people[0])
    assert "运维专场" in mine and "数据分析专场" not in mine
    theirs = page_for(analyst)
    assert "数据分析专场" in theirs and "运维专场" not in theirs
    hosted = page_for(organizer)
    assert "运维专场" in hosted and "数据分析专场" in hosted
