"""/me/ for learners, enterprise admins and city/province admins: a learner's own index and rank,
an enterprise's own demands, an admin's KPI and queues for her city only."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from accounts.choices import Role
from accounts.models import Organization, Region, User
from talent import actions
from talent.models import SkillLevel

pytestmark = pytest.mark.django_db


def home(client, person: User) -> str:
    client.force_login(person)
    response = client.get("/me/")
    assert response.status_code == 200
    return response.content.decode()


def propose(person: User) -> None:
    actions.propose_evaluation(
        person=person,
        level=SkillLevel.L3,
        domain="industrial_internet",
        route="contest",
        body="省工业互联网技能大赛组委会",
        evidence={"contest": "2026 省赛", "award": "first"},
        source="competitions.award",
        source_id=person.pk,
    )


def test_a_learner_sees_her_index_and_rank_and_someone_without_one_is_told_how_to_earn_it(
    client, learner: User, outsider: User, award: Callable[..., object]
) -> None:
    award(learner)
    page = home(client, learner)
    assert "人才指数" in page
    assert "第 1 名" in page
    page = home(client, outsider)
    assert "第 1 名" not in page
    assert "还没有人才指数" in page
    assert 'href="/talent/formula/"' in page


def test_an_enterprise_admin_sees_her_demands_and_another_enterprises_admin_does_not(
    client, make_person: Callable[..., User], rival: Organization, acme: Organization, enterprise_admin: User
) -> None:
    demand = actions.post_demand(
        actor=enterprise_admin,
        organization=acme,
        title="工业互联网运维工程师",
        domains=["industrial_internet"],
        headcount=2,
        city=acme.region,
    )
    page = home(client, enterprise_admin)
    assert "工业互联网运维工程师" in page
    assert "需求 2 人" in page
    assert f'href="/talent/demands/{demand.pk}/"' in page
    page = home(client, make_person(Role.ENTERPRISE_ADMIN, org=rival, name="青岛企管"))
    assert "工业互联网运维工程师" not in page


def test_a_city_admin_sees_her_citys_kpi_and_queue_and_another_citys_admin_does_not(
    client,
    make_person: Callable[..., User],
    city: Callable[[str], Region],
    learner: User,
    city_admin: User,
) -> None:
    propose(learner)  # a 济南 learner
    page = home(client, city_admin)
    assert "济南 · " in page
    assert "年度目标完成情况" in page
    assert "等级认定待审核" in page
    assert '<span class="badge badge-warn">1</span>' in page
    qingdao = make_person(Role.CITY_ADMIN, region=city("青岛"), name="青岛市管")
    page = home(client, qingdao)
    assert "青岛 · " in page
    assert "济南 · " not in page
    assert "没有待处理的等级认定、遴选推荐或删除申请" in page


def test_the_province_admin_sees_the_province_and_every_citys_queue(
    client, learner: User, province_admin: User
) -> None:
    propose(learner)
    page = home(client, province_admin)
    assert "全省 · " in page
    assert '<span class="badge badge-warn">1</span>' in page
