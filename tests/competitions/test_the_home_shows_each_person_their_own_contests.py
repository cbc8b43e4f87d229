"""/me/ for contestants, enterprise admins, organizers and judges: their own contests with what
needs doing, nothing of contests or people outside their grants."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from accounts.choices import OrgKind, Role
from accounts.models import Organization, User
from competitions import actions
from competitions.models import Contest, ContestStatus, EventGroup, Registration

pytestmark = pytest.mark.django_db


def home(client, person: User) -> str:
    client.force_login(person)
    response = client.get("/me/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_contestant_sees_her_ticket_and_another_learner_does_not(
    client, learner: User, outsider: User, contest: Contest, approved: Callable[..., Registration]
) -> None:
    registration = approved(learner)
    ticket = actions.issue_ticket(registration)
    page = home(client, learner)
    assert contest.title in page
    assert f"准考证号 {ticket.number}" in page
    assert f'href="/contests/{contest.slug}/ticket/"' in page
    page = home(client, outsider)
    assert ticket.number not in page
    assert "正在报名" in page  # the open contest is offered to her instead


def test_an_enterprise_admin_sees_her_staffs_registrations_by_status_only(
    client,
    make_person: Callable[..., User],
    rival: Organization,
    learner: User,
    enterprise_admin: User,
    contest: Contest,
    group: EventGroup,
) -> None:
    actions.register(person=learner, contest=contest, event_group=group, actor=learner)
    page = home(client, enterprise_admin)
    assert contest.title in page
    assert "待审核 1" in page
    other = make_person(Role.ENTERPRISE_ADMIN, org=rival, name="青岛企管")
    page = home(client, other)
    assert "待审核 1" not in page
    assert "本单位员工还没有参加进行中的竞赛" in page


def test_an_organizer_sees_her_contest_under_its_stage_with_registrations_to_review(
    client,
    make_person: Callable[..., User],
    make_org: Callable[..., Organization],
    learner: User,
    organizer: User,
    contest: Contest,
    group: EventGroup,
) -> None:
    actions.register(person=learner, contest=contest, event_group=group, actor=learner)
    page = home(client, organizer)
    assert "报名中" in page
    assert contest.title in page
    assert "1 份报名待审核" in page
    assert f'href="/contests/manage/{contest.slug}/"' in page
    other = make_person(Role.ORGANIZER, org=make_org("另一组委会", "青岛", OrgKind.ASSOCIATION), name="钱组委")
    page = home(client, other)
    assert contest.title not in page
    assert "新建一场竞赛" in page


def test_a_judge_sees_how_many_marks_she_still_owes_and_an_unassigned_judge_sees_none(
    client,
    make_person: Callable[..., User],
    make_org: Callable[..., Organization],
    contestants: list[Registration],
    judges: list[User],
    scheme: dict[str, object],
    group: EventGroup,
) -> None:
    page = home(client, judges[1])
    assert "待评 8 项" in page  # four contestants by two items
    assert f'href="/contests/judge/{group.pk}/"' in page
    actions.record_mark(judge=judges[1], registration=contestants[0], item=scheme["measured"], value="30")
    assert "待评 7 项" in home(client, judges[1])
    idle = make_person(Role.JUDGE, org=make_org("无任务学院", "淄博", OrgKind.SCHOOL), name="闲裁判")
    page = home(client, idle)
    assert group.name not in page
    assert "目前没有需要您评分的赛项" in page


def test_an_organizer_is_told_marks_are_missing_and_unsigned_once_the_contest_is_over(
    client,
    organizer: User,
    contest: Contest,
    contestants: list[Registration],
    judges: list[User],
    scheme: dict[str, object],
) -> None:
    actions.update_contest(contest, actor=organizer, status=ContestStatus.FINISHED)
    page = home(client, organizer)
    assert "已结束" in page
    assert "实操评分缺 8 项" in page  # four contestants by two items, none marked yet
    assert "1 个赛项待裁判长签字" in page
    assert "成绩尚未公布" in page
