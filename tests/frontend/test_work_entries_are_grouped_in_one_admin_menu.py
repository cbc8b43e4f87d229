from __future__ import annotations

import re

import pytest
from django.test import Client, RequestFactory

from accounts.models import User
from frontend.context_processors import navigation

pytestmark = pytest.mark.django_db


def nav_for(user: User, path: str = "/") -> dict:
    request = RequestFactory().get(path)
    request.user = user
    return navigation(request)


def labels(items: list[dict]) -> list[str]:
    return [str(item["label"]) for item in items]


def test_admins_get_their_work_entries_in_one_menu(province_admin: User, client: Client) -> None:
    nav = nav_for(province_admin)
    assert {"人员", "单位", "数据看板"} <= set(labels(nav["nav_admin"]))
    assert "人员" not in labels(nav["nav_items"]) and "首页" in labels(nav["nav_items"])
    client.force_login(province_admin)
    html = client.get("/").content.decode()
    menu = re.search(r'<details class="nav-menu">(.*?)</details>', html, re.S)
    assert menu is not None and "<summary>管理</summary>" in menu.group(1)
    assert "人员</a>" in menu.group(1) and "单位</a>" in menu.group(1)
    assert html.count('<details class="nav-menu">') == 1


def test_the_menu_marks_itself_when_the_current_page_is_inside(province_admin: User) -> None:
    nav = nav_for(province_admin, "/accounts/people/")
    assert nav["nav_admin_current"]
    assert [str(i["label"]) for i in nav["nav_admin"] if i["current"]] == ["人员"]
    assert not any(i["current"] for i in nav["nav_items"])
    assert not nav_for(province_admin, "/")["nav_admin_current"]


def test_a_single_work_entry_stays_in_the_bar_and_learners_get_no_menu(editor: User, learner: User) -> None:
    nav = nav_for(editor)
    assert nav["nav_admin"] == [] and "内容管理" in labels(nav["nav_items"])
    nav = nav_for(learner)
    assert nav["nav_admin"] == [] and "我的学习" in labels(nav["nav_items"])
    assert "人员" not in labels(nav["nav_items"])
