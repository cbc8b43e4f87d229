"""/me/ for editors and the province admin (a moderator): pages submitted to the review workflow,
to the editor who submitted them and to whoever may approve them; not to another editor."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from wagtail.models import Page

from accounts.choices import OrgKind, Role
from accounts.models import Organization, User
from cms.models import CasePage

pytestmark = pytest.mark.django_db


def home(client, person: User) -> str:
    client.force_login(person)
    response = client.get("/me/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def submitted(editorial: None, sections: dict[str, Page], editor: User, city) -> CasePage:
    page = CasePage(title="德州新能源装备数字化", enterprise_name="德州新能源装备", city=city("德州"),
                    industry="equipment", summary="摘要", challenge="<p>问题</p>", live=False)  # fmt: skip
    sections["cases"].add_child(instance=page)
    page.save_revision(user=editor)
    workflow = page.get_workflow()
    assert workflow is not None
    workflow.start(page, editor)
    return page


def test_the_editor_sees_her_page_under_review(client, submitted: CasePage, editor: User) -> None:
    page = home(client, editor)
    assert "德州新能源装备数字化" in page
    assert "审核中" in page
    assert f'href="/cms-admin/pages/{submitted.pk}/edit/"' in page


def test_the_moderator_sees_it_waiting_for_her(client, submitted: CasePage, province_admin: User) -> None:
    page = home(client, province_admin)
    assert "待我审核" in page
    assert "德州新能源装备数字化" in page


def test_another_editor_does_not_see_it_and_is_told_how_review_works(
    client,
    submitted: CasePage,
    make_person: Callable[..., User],
    make_org: Callable[..., Organization],
) -> None:
    other = make_person(Role.EDITOR, org=make_org("另一宣传中心", "青岛", OrgKind.ASSOCIATION), name="林编辑")
    page = home(client, other)
    assert "德州新能源装备数字化" not in page
    assert "提交审核" in page
