"""Team formation for team contests; clarifications answered to one contestant or to all."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.choices import Role
from competitions import actions, selectors
from competitions.models import Team


def test_teams_hold_two_or_three_members_of_one_event_group(contest, group, organizer, make_person, acme) -> None:
    actions.update_contest(contest, actor=organizer, team_size_min=2, team_size_max=3)
    people = [make_person(Role.LEARNER, org=acme) for _ in range(4)]
    for person in people[:3]:
        actions.register(person=person, contest=contest, event_group=group, actor=person, team="济南一队")
    team = Team.objects.get(name="济南一队")
    assert team.members.count() == 3
    with pytest.raises(ValidationError, match="已满"):
        actions.register(person=people[3], contest=contest, event_group=group, actor=people[3], team="济南一队")
    lonely = make_person(Role.LEARNER, org=acme)
    actions.register(person=lonely, contest=contest, event_group=group, actor=lonely, team="独行队")
    assert selectors.team_problems(contest) == ["队伍“独行队”人数不足 2 人。"]


def test_only_colleagues_join_an_existing_team_unless_the_organizer_places_them(
    contest, group, organizer, make_person, acme, rival
) -> None:
    actions.update_contest(contest, actor=organizer, team_size_min=2, team_size_max=3)
    founder = make_person(Role.LEARNER, org=acme)
    actions.register(person=founder, contest=contest, event_group=group, actor=founder, team="精工队")
    stranger = make_person(Role.LEARNER, org=rival)
    with pytest.raises(ValidationError, match="其他单位"):
        actions.register(person=stranger, contest=contest, event_group=group, actor=stranger, team="精工队")
    assert not Team.objects.get(name="精工队").members.filter(registration__person=stranger).exists()
    actions.register(person=stranger, contest=contest, event_group=group, actor=organizer, team="精工队")
    assert Team.objects.get(name="精工队").members.count() == 2


def test_team_sizes_outside_two_to_three_are_refused(contest, organizer) -> None:
    with pytest.raises(ValidationError, match="2—3"):
        actions.update_contest(contest, actor=organizer, team_size_min=2, team_size_max=4)


def test_an_individual_contest_refuses_a_team(contest, group, learner) -> None:
    with pytest.raises(ValidationError, match="个人赛"):
        actions.register(person=learner, contest=contest, event_group=group, actor=learner, team="一队")


def test_a_theory_weight_above_one_is_refused(organizer) -> None:
    with pytest.raises(ValidationError):
        actions.create_contest(actor=organizer, title="错误", slug="bad-weight", theory_weight=Decimal("1.5"))


def test_reserved_slugs_are_refused(organizer) -> None:
    with pytest.raises(ValidationError, match="保留"):
        actions.create_contest(actor=organizer, title="管理", slug="manage")


def test_clarifications_reach_the_asker_or_everyone(contestants, organizer, contest) -> None:
    asker, other = contestants[0].person, contestants[1].person
    private = actions.ask_clarification(contest, actor=asker, question="实操工位能否自带工具？")
    public = actions.ask_clarification(contest, actor=other, question="理论考试可以使用计算器吗？")
    actions.answer_clarification(private, actor=organizer, answer="不能，工具由赛场统一提供。", to_all=False)
    actions.answer_clarification(public, actor=organizer, answer="可以使用非编程计算器。", to_all=True)
    assert set(selectors.clarifications_for(contest, asker)) == {private, public}
    assert set(selectors.clarifications_for(contest, contestants[2].person)) == {public}


def test_only_approved_contestants_ask_and_only_the_jury_answers(contest, learner, contestants) -> None:
    with pytest.raises(PermissionDenied):
        actions.ask_clarification(contest, actor=learner, question="我能参加吗？")
    question = actions.ask_clarification(contest, actor=contestants[0].person, question="几点入场？")
    with pytest.raises(PermissionDenied):
        actions.answer_clarification(question, actor=contestants[1].person, answer="八点", to_all=True)


def test_the_console_and_public_pages_use_a_bounded_number_of_queries(
    client, contestants, organizer, contest, django_assert_max_num_queries
) -> None:
    client.force_login(organizer)
    with django_assert_max_num_queries(60):
        assert client.get(reverse("competitions:console", args=[contest.slug])).status_code == 200
    client.logout()
    with django_assert_max_num_queries(20):
        assert client.get(reverse("competitions:detail", args=[contest.slug])).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("competitions:list")).status_code == 200


def test_theory_above_thirty_percent_needs_the_cap_raised_explicitly(contest, organizer) -> None:
    with pytest.raises(ValidationError, match="超过上限"):
        actions.update_contest(contest, actor=organizer, theory_weight=Decimal("0.4"))
    contest.refresh_from_db()
    assert contest.theory_weight == Decimal("0.300")
    actions.update_contest(contest, actor=organizer, theory_weight=Decimal("0.4"), theory_cap=Decimal("0.5"))
    assert selectors.rules_for(contest).theory_cap == Decimal("0.5")
