from __future__ import annotations

import pytest

from cms.actions import publish
from cms.models import (
    CaseIndexPage,
    CasePage,
    CourseIndexPage,
    CoursePage,
    HomePage,
    LessonPage,
    NewsIndexPage,
    NewsPage,
    PolicyIndexPage,
    PolicyPage,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("child", "parent", "allowed"),
    [
        (CourseIndexPage, HomePage, True),
        (CoursePage, CourseIndexPage, True),
        (LessonPage, CoursePage, True),
        (LessonPage, CourseIndexPage, False),
        (CoursePage, HomePage, False),
        (NewsPage, NewsIndexPage, True),
        (NewsPage, CaseIndexPage, False),
        (CasePage, CaseIndexPage, True),
        (CasePage, NewsIndexPage, False),
        (PolicyPage, PolicyIndexPage, True),
        (PolicyPage, HomePage, False),
        (NewsIndexPage, HomePage, True),
        (NewsIndexPage, NewsIndexPage, True),  # a city section under the main index
        (NewsIndexPage, CaseIndexPage, False),
        (PolicyIndexPage, PolicyIndexPage, False),
    ],
)
def test_page_type_rules(child: type, parent: type, allowed: bool) -> None:
    assert (child in parent.allowed_subpage_models() and parent in child.allowed_parent_page_models()) is allowed


def test_publish_refuses_a_page_in_the_wrong_section(home: HomePage) -> None:
    with pytest.raises(ValueError):
        publish(home, LessonPage(title="孤立课时", slug="orphan"))
    assert not LessonPage.objects.exists()


def test_only_one_home_page(home: HomePage) -> None:
    assert not HomePage.can_create_at(home.get_parent())


@pytest.mark.parametrize("index", [NewsIndexPage, CaseIndexPage])
def test_city_sections_go_one_level_below_the_main_index(home: HomePage, index: type) -> None:
    main = publish(home, index(title="栏目", slug="main"))
    section = publish(main, index(title="淄博栏目", slug="370300"))
    assert index.can_create_at(home) and index.can_create_at(main)
    assert not index.can_create_at(section)
    with pytest.raises(ValueError):
        publish(section, index(title="区县栏目", slug="370302"))
