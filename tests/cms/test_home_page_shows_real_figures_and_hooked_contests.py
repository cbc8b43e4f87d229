from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from wagtail import hooks

from cms.models import HOME_CONTESTS_HOOK, HOME_FIGURES_HOOK, CoursePage, HomePage

pytestmark = pytest.mark.django_db


def test_home_counts_people_organizations_and_courses(
    client: Client, home: HomePage, make_course: Callable[..., CoursePage], learner
) -> None:
    make_course("课程甲", lessons=0)
    make_course("课程乙", lessons=0)
    response = client.get("/")
    figures = dict((str(label), value) for label, value in response.context["figures"])
    assert figures["在线课程"] == 2
    assert figures["注册学员"] >= 1 and figures["参与单位"] >= 1
    assert "课程甲" in response.content.decode()


def test_apps_on_the_right_add_contests_and_figures_through_hooks(client: Client, home: HomePage) -> None:
    def contests(request: Any) -> list[dict[str, Any]]:
        return [{"title": "数字技能大赛初赛", "url": "/contests/1/", "starts_at": None, "status": "live"}]

    def figures(request: Any) -> list[tuple[str, int]]:
        return [("举办赛事", 5)]

    with (
        hooks.register_temporarily(HOME_CONTESTS_HOOK, contests),
        hooks.register_temporarily(HOME_FIGURES_HOOK, figures),
    ):
        html = client.get("/").content.decode()
    assert "数字技能大赛初赛" in html and "/contests/1/" in html
    assert "举办赛事" in html
