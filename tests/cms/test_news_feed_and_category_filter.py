from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from wagtail.models import Page

from cms.actions import publish
from cms.models import NewsPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(sections: dict[str, Page]) -> list[NewsPage]:
    made = []
    for day in range(1, 13):
        made.append(
            publish(
                sections["news"],
                NewsPage(
                    title=f"新闻第{day}条", date=dt.date(2026, 6, day), category="notice" if day % 2 else "work",
                    summary=f"摘要{day}", body="<p>正文</p>",
                ),
            )
        )  # fmt: skip
    return made


def test_rss_and_atom_feeds_list_the_latest_news(client: Client, articles: list[NewsPage]) -> None:
    rss = client.get("/site/news/feed/")
    assert rss.status_code == 200 and "application/rss+xml" in rss["Content-Type"]
    body = rss.content.decode()
    assert "新闻第12条" in body and "<item>" in body
    assert body.index("新闻第12条") < body.index("新闻第11条")
    atom = client.get("/site/news/feed/atom/")
    assert "application/atom+xml" in atom["Content-Type"] and "<entry>" in atom.content.decode()


def test_index_filters_by_category_and_paginates(client: Client, sections: dict[str, Page], articles: list) -> None:
    url = sections["news"].url
    page1 = client.get(url).content.decode()
    assert "新闻第12条" in page1 and "新闻第2条" not in page1  # 10 per page
    assert "新闻第2条" in client.get(f"{url}?page=2").content.decode()
    notices = client.get(f"{url}?category=notice").content.decode()
    assert "新闻第11条" in notices and "新闻第12条" not in notices


def test_cover_needs_alt_text(sections: dict[str, Page]) -> None:
    from django.core.exceptions import ValidationError
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    image = Image.objects.create(title="封面", file=get_test_image_file())
    page = NewsPage(title="有图无说明", body="<p>x</p>", cover=image)
    with pytest.raises(ValidationError):
        sections["news"].add_child(instance=page)
