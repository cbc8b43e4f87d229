"""The site speaks Chinese by default, switches to English, and its error pages are Chinese."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_page_serves_in_chinese(client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-Hans"' in html
    assert "数智英才" in html and "登录" in html


def test_language_switcher_changes_to_english(client) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert 'lang="en"' in html
    assert "Log in" in html


def test_missing_pages_get_a_chinese_404(client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "找不到您要的页面" in response.content.decode()


def test_navigation_follows_roles(client, learner, province_admin) -> None:
    client.force_login(learner)
    assert "人员</a>" not in client.get("/").content.decode()
    client.force_login(province_admin)
    assert "人员</a>" in client.get("/").content.decode()


def test_static_files_are_served_by_the_app(client) -> None:
    response = client.get("/static/css/app.css")
    assert response.status_code == 200


def test_wagtail_admin_is_in_chinese_for_editors(client, editor) -> None:
    client.force_login(editor)
    response = client.get("/cms-admin/")
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()
    assert "控制面板" in response.content.decode()


def test_wagtail_user_admin_works_with_the_mobile_login(client, province_admin, learner) -> None:
    client.force_login(province_admin)
    assert client.get("/cms-admin/users/").status_code == 200
    assert client.get(f"/cms-admin/users/edit/{learner.pk}/").status_code == 200
    assert client.get("/cms-admin/users/new/").status_code == 200


def test_api_returns_the_signed_in_person(client, learner) -> None:
    assert client.get("/api/me").status_code == 401
    client.force_login(learner)
    data = client.get("/api/me").json()
    assert data["real_name"] == learner.real_name
    assert data["roles"] == ["learner"]
    assert "*" in data["mobile_masked"]


def test_seed_demo_is_idempotent_and_gives_every_role_a_person(db) -> None:
    from django.core.management import call_command

    from accounts.choices import Role
    from accounts.models import AuditEvent, Organization, RoleGrant, User

    call_command("seed_demo")
    counts = (User.objects.count(), Organization.objects.count(), RoleGrant.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Organization.objects.count(), RoleGrant.objects.count()) == counts
    assert Organization.objects.count() >= 20
    assert set(RoleGrant.objects.values_list("role", flat=True)) >= set(Role.values)
    # the demo's city editor: limited to 淄博's sections by the province admin, once
    from cms.actions import editorial_cities
    from cms.models import NewsPage

    city_editor = User.objects.get(mobile="13800000009")
    assert [city.name for city in editorial_cities(city_editor)] == ["淄博"]
    assert city_editor.groups.filter(name__startswith="城市编辑:").count() == 1
    assert not city_editor.groups.filter(name="Editors").exists()
    assert AuditEvent.objects.filter(action="cms.city_limit", target_id=str(city_editor.pk)).count() == 1
    news = NewsPage.objects.get(slug="zibo-workstudy-bases")
    assert news.live and news.get_parent().slug == "370300" and news.owner == city_editor


def test_a_person_is_created_through_the_wagtail_user_admin(client, province_admin) -> None:
    from accounts.models import User

    client.force_login(province_admin)
    response = client.post(
        "/cms-admin/users/new/",
        {
            "mobile": "13655556666",
            "real_name": "韩新用户",
            "email": "",
            "password1": "Wagtail-2026!",
            "password2": "Wagtail-2026!",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(mobile="13655556666").real_name == "韩新用户"
