"""CMS fixtures: a page tree built the way editors build it (through the page API)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from wagtail.models import Page

from accounts.choices import CourseLevel, JobGroup, SkillDomain
from cms.actions import ensure_site
from cms.models import CourseIndexPage, CoursePage, HomePage, LessonPage


@pytest.fixture
def home(db: None) -> HomePage:
    return ensure_site()


def publish(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page.specific_class.objects.get(pk=page.pk)


@pytest.fixture
def course_index(home: HomePage) -> CourseIndexPage:
    return publish(home, CourseIndexPage(title="课程", slug="courses"))


@pytest.fixture
def make_course(course_index: CourseIndexPage) -> Callable[..., CoursePage]:
    def make(title: str = "工业互联网入门", lessons: int = 3, **fields: object) -> CoursePage:
        course = publish(
            course_index,
            CoursePage(
                title=title,
                summary=fields.pop("summary", "了解工业互联网平台的基本概念与应用场景。"),
                audience_tracks=fields.pop("audience_tracks", [JobGroup.OPERATOR]),
                skill_domain=fields.pop("skill_domain", SkillDomain.INDUSTRIAL_INTERNET),
                level=fields.pop("level", CourseLevel.BEGINNER),
                hours=fields.pop("hours", Decimal("4.5")),
                **fields,
            ),
        )
        for number in range(1, lessons + 1):
            publish(
                course,
                LessonPage(
                    title=f"第{number}课 设备联网",
                    summary="设备数据如何上云。",
                    duration_minutes=15,
                    body=[
                        ("text", "<p>传感器采集温度、振动等数据。</p>"),
                        ("callout", {"kind": "safety", "title": "安全", "text": "<p>断电后再接线。</p>"}),
                        ("code", {"language": "python", "code": "print('hello')"}),
                        ("quiz", {"quiz_id": 7, "title": "小测"}),
                    ],
                ),
            )
        return course

    return make


@pytest.fixture
def editorial(home: HomePage) -> None:
    from cms.actions import ensure_editorial

    ensure_editorial()


@pytest.fixture
def sections(home: HomePage) -> dict[str, Page]:
    from cms.models import CaseIndexPage, NewsIndexPage, PolicyIndexPage

    return {
        "news": publish(home, NewsIndexPage(title="新闻", slug="news")),
        "cases": publish(home, CaseIndexPage(title="案例", slug="cases")),
        "policies": publish(home, PolicyIndexPage(title="政策", slug="policies")),
    }
