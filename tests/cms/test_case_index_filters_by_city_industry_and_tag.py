from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from wagtail.models import Page

from accounts.models import Region
from cms.actions import publish
from cms.models import CasePage

pytestmark = pytest.mark.django_db


def make_case(index: Page, city: Region, title: str, industry: str, tags: list[str]) -> CasePage:
    page = CasePage(
        title=title, enterprise_name=f"{title}公司", city=city, industry=industry,
        summary="摘要", challenge="<p>问题</p>",
        results=[("result", {"metric": "合格率", "before": "90", "after": "98.5", "unit": "%"})],
    )  # fmt: skip
    page.tags.add(*tags)
    return publish(index, page)


@pytest.fixture
def cases(sections: dict[str, Page], city: Callable[[str], Region]) -> dict[str, CasePage]:
    index = sections["cases"]
    return {
        "jinan": make_case(index, city("济南"), "济南机床联网", "equipment", ["设备联网"]),
        "zibo": make_case(index, city("淄博"), "淄博化工预警", "chemical", ["安全生产"]),
        "qingdao": make_case(index, city("青岛"), "青岛电子质检", "electronics", ["设备联网", "质量"]),
    }


def titles(client: Client, url: str) -> set[str]:
    html = client.get(url).content.decode()
    return {title for title in ("济南机床联网", "淄博化工预警", "青岛电子质检") if title in html}


def test_filters_are_shareable_urls(client: Client, sections: dict[str, Page], cases: dict[str, CasePage]) -> None:
    url = sections["cases"].url
    assert titles(client, url) == {"济南机床联网", "淄博化工预警", "青岛电子质检"}
    assert titles(client, f"{url}?city=370300") == {"淄博化工预警"}
    assert titles(client, f"{url}?industry=electronics") == {"青岛电子质检"}
    tag_slug = cases["jinan"].tags.get(name="设备联网").slug
    assert titles(client, f"{url}?tag={tag_slug}") == {"济南机床联网", "青岛电子质检"}
    assert titles(client, f"{url}?tag={tag_slug}&city=370200") == {"青岛电子质检"}


def test_unknown_filter_values_are_ignored(
    client: Client, sections: dict[str, Page], cases: dict[str, CasePage]
) -> None:
    url = sections["cases"].url
    assert len(titles(client, f"{url}?city=999999&industry=<script>")) == 3


def test_shortcut_keeps_the_filters(client: Client, sections: dict[str, Page], cases: dict[str, CasePage]) -> None:
    response = client.get("/site/cases/?city=370300")
    assert response.status_code == 302
    assert response["Location"].endswith("/cases/?city=370300")


def test_case_page_shows_results_and_links_its_city_filter(client: Client, cases: dict[str, CasePage]) -> None:
    html = client.get(cases["zibo"].url).content.decode()
    assert "98.5" in html and "合格率" in html
    assert "?city=370300" in html
    assert 'property="og:title"' in html and 'rel="canonical"' in html
