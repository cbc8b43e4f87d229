from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from wagtail.models import Page

from accounts.models import AuditEvent, Region, User
from cms.actions import editorial_cities

pytestmark = pytest.mark.django_db

URL = "/cms-admin/city-editors/"


def test_the_screen_limits_an_organizer_and_lifts_the_limit(
    editorial: None,
    sections: dict[str, Page],
    organizer: User,
    province_admin: User,
    city: Callable[[str], Region],
    client: Client,
) -> None:
    client.force_login(province_admin)
    page = client.get(URL).content.decode()
    assert "城市栏目编辑" in page and organizer.real_name in page and "全省" in page
    assert organizer.mobile not in page  # masked

    response = client.post(URL, {"person": organizer.pk, "city": "370300", "reason": "淄博组委会"}, follow=True)
    assert response.redirect_chain[-1][0] == URL
    body = response.content.decode()
    assert "现在只能编辑淄博的新闻和典型案例栏目" in body and "仅淄博" in body
    assert [c.code for c in editorial_cities(organizer)] == ["370300"]
    assert AuditEvent.objects.filter(action="cms.city_limit", actor=province_admin, reason="淄博组委会").exists()

    response = client.post(URL, {"person": organizer.pk, "city": ""}, follow=True)
    assert "已解除" in response.content.decode()
    assert editorial_cities(organizer) == []
    assert User.objects.get(pk=organizer.pk).groups.filter(name="Editors").exists()


def test_the_screen_refuses_bad_choices_with_chinese_messages(
    editorial: None, sections: dict[str, Page], organizer: User, learner: User, province_admin: User, client: Client
) -> None:
    client.force_login(province_admin)
    province = Region.objects.get(kind="province")
    response = client.post(URL, {"person": organizer.pk, "city": province.code})
    assert response.status_code == 200 and "只能限定到地级市" in response.content.decode()
    response = client.post(URL, {"person": learner.pk, "city": "370300"})
    assert "只能选择持有编辑或组织者角色的在职人员" in response.content.decode()
    response = client.post(URL, {"person": "<script>alert(1)</script>", "city": "370300"})
    assert response.status_code == 200 and "<script>alert(1)</script>" not in response.content.decode()
    response = client.post(URL, {"city": "370300"})
    assert "请选择一名编辑或组织者" in response.content.decode()
    assert editorial_cities(organizer) == [] and not AuditEvent.objects.filter(action="cms.city_limit").exists()


def test_only_province_admins_see_and_use_the_screen(
    editorial: None,
    sections: dict[str, Page],
    organizer: User,
    editor: User,
    province_admin: User,
    client: Client,
) -> None:
    client.force_login(province_admin)
    assert URL in client.get("/cms-admin/").content.decode()  # the sidebar menu (JSON)
    for person in (editor, organizer):
        client.force_login(person)
        assert URL not in client.get("/cms-admin/").content.decode()
        response = client.get(URL, follow=True)
        assert response.redirect_chain == [("/cms-admin/", 302)]
        assert "只有省级管理员可以限定编辑的城市栏目" in response.content.decode()
        assert client.post(URL, {"person": organizer.pk, "city": "370300"}).status_code == 302
    assert editorial_cities(organizer) == []
    client.logout()
    assert client.get(URL).status_code == 302  # to the admin login
