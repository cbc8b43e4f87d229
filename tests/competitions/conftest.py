"""Contest fixtures, built through the lifecycle actions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Organization, User
from competitions import actions
from competitions.models import Contest, ContestStatus, EventGroup, Registration


@pytest.fixture
def contest(organizer: User) -> Contest:
    """A province contest open for registration, with two event groups."""
    now = timezone.now()
    contest = actions.create_contest(
        actor=organizer,
        title="2026 年山东省数字技能大赛",
        slug="sd-2026",
        level="province",
        status=ContestStatus.OPEN,
        registration_opens=now - timedelta(days=1),
        registration_closes=now + timedelta(days=7),
        theory_weight=Decimal("0.300"),
    )
    actions.add_event_group(contest, actor=organizer, name="工业互联网运维", domain="industrial_internet")
    actions.add_event_group(contest, actor=organizer, name="数据分析", domain="data_analysis")
    return contest


@pytest.fixture
def group(contest: Contest) -> EventGroup:
    return contest.event_groups.get(name="工业互联网运维")


@pytest.fixture
def approved(contest: Contest, group: EventGroup, organizer: User) -> Callable[..., Registration]:
    def make(person: User, event_group: EventGroup | None = None) -> Registration:
        registration = actions.register(person=person, contest=contest, event_group=event_group or group, actor=person)
        return actions.review_registration(registration, actor=organizer, approve=True)

    return make


@pytest.fixture
def contestants(
    make_person: Callable[..., User], make_org: Callable[..., Organization], approved: Callable[[User], Registration]
) -> list[Registration]:
    """Four approved contestants from four organizations in 济南."""
    return [approved(make_person(Role.LEARNER, org=make_org(f"参赛企业{i}", "济南"))) for i in range(4)]


@pytest.fixture
def judges(
    make_person: Callable[..., User], make_org: Callable[..., Organization], group: EventGroup, organizer: User
) -> list[User]:
    """Three judges of the group from three schools; the first is the chief judge and an arbiter."""
    from accounts.choices import OrgKind

    people = [make_person(Role.JUDGE, org=make_org(f"裁判学院{i}", "淄博", OrgKind.SCHOOL)) for i in range(3)]
    for i, person in enumerate(people):
        actions.assign_judge(group, person, actor=organizer, is_chief=i == 0, is_arbiter=i == 0)
    return people


@pytest.fixture
def scheme(group: EventGroup, organizer: User) -> dict[str, object]:
    """A practical task with one measurement item (40 points) and one judgement item (60 points)."""
    task = actions.add_task(group, actor=organizer, title="设备联网与数据采集")
    measured = actions.add_item(
        task, actor=organizer, kind="measurement", description="采集点位正确", points=Decimal(40)
    )
    judged = actions.add_item(task, actor=organizer, kind="judgement", description="接线工艺规范", points=Decimal(60))
    return {"task": task, "measured": measured, "judged": judged}


def score_all(
    registrations: list[Registration], judges: list[User], scheme: dict, marks: list[tuple[str, str]]
) -> None:
    """marks[i] = (measurement points, judgement mark) for registration i, given by the first two judges."""
    for registration, (measured, judged) in zip(registrations, marks, strict=True):
        for judge in judges[:2]:
            actions.record_mark(judge=judge, registration=registration, item=scheme["measured"], value=measured)
            actions.record_mark(judge=judge, registration=registration, item=scheme["judged"], value=judged)
