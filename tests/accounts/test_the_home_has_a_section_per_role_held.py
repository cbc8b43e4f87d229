"""/me/ shows one section per role the person's grants give, in a fixed order, each panel with
its data or an empty state that says what to do next; a person without roles is told too."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from accounts import actions, home
from accounts.choices import Role
from accounts.models import IdentityConflict, Organization, User
from tests.conftest import PASSWORD, valid_id_number

pytestmark = pytest.mark.django_db


def page_of(client, person: User) -> str:
    client.force_login(person)
    response = client.get("/me/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_person_with_two_roles_gets_both_sections_in_order(client, learner: User, acme: Organization) -> None:
    actions.grant_role(None, learner, Role.MENTOR, organization=acme)
    learner = User.objects.get(pk=learner.pk)
    assert [s.role for s in home.sections(learner)] == [Role.LEARNER, Role.MENTOR]
    page = page_of(client, learner)
    assert page.index('id="role-learner-h"') < page.index('id="role-mentor-h"')
    assert 'href="#role-mentor"' in page  # the jump list, shown with more than one section


def test_roles_not_held_give_no_section(client, learner: User) -> None:
    page = page_of(client, learner)
    assert 'id="role-learner-h"' in page
    assert "role-mentor" not in page
    assert "年度目标完成情况" not in page


def test_a_superuser_without_grants_is_not_shown_every_roles_work(client, make_person: Callable[..., User]) -> None:
    person = actions.register_user(mobile="13912340000", real_name="超管", password=PASSWORD, roles=())
    person.is_superuser = True
    person.save()
    page = page_of(client, person)
    assert "您的账户还没有任何角色" in page
    assert 'href="/learn/"' in page


def test_every_empty_panel_says_what_to_do_next(client, judge: User) -> None:
    page = page_of(client, judge)
    assert "目前没有需要您评分的赛项" in page
    assert 'href="/contests/judge/"' in page


def test_the_province_admin_sees_identity_conflicts_to_resolve(
    client, province_admin: User, learner: User, outsider: User
) -> None:
    taken = valid_id_number(701)
    actions.update_profile(learner, actor=learner, id_number=taken)
    actions.update_profile(outsider, actor=outsider, id_number=taken)
    assert IdentityConflict.objects.count() == 1
    page = page_of(client, province_admin)
    assert "身份证号冲突待核验" in page
    assert '<span class="badge badge-warn">1</span>' in page
    assert 'href="/accounts/identity/"' in page


def test_an_enterprise_admin_sees_requests_to_join_her_organization(
    client, enterprise_admin: User, acme: Organization, outsider: User
) -> None:
    actions.request_employment(outsider, acme)
    page = page_of(client, enterprise_admin)
    assert "1 份入职申请待确认" in page
    assert "吴外人" in page
