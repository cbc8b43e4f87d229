from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from wagtail.models import Page

from cms import search
from cms.actions import publish
from cms.models import NewsPage, PolicyPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(sections: dict[str, Page]) -> dict[str, Page]:
    return {
        "news": publish(
            sections["news"],
            NewsPage(
                title="平台上线", body="<p>首批课程覆盖设备联网和质量数据分析，学员可以使用Python处理MES数据。</p>"
            ),
        ),
        "policy": publish(
            sections["policies"],
            PolicyPage(
                title="山东省中小企业数字化转型工作指南",
                authority="山东省工业和信息化厅",
                document_number="鲁工信服〔2025〕175号",
                issued_on=dt.date(2025, 9, 15),
                summary="加强技能人才培育",
                body="<p>开展创新型、实用型人才培养培训。</p>",
            ),
        ),
    }


def found(query: str, kind: str = "") -> set[str]:
    hits, _terms = search.search(query, kind)
    return {hit.entry.title for hit in hits}


def test_one_two_and_four_character_queries(content: dict[str, Page]) -> None:
    assert found("网") == {"平台上线"}  # one character inside 联网
    assert found("质量") == {"平台上线"}  # two characters inside a sentence
    assert found("人才") == {"山东省中小企业数字化转型工作指南"}
    assert found("数据分析") == {"平台上线"}  # four characters
    assert found("数字化转型") == {"山东省中小企业数字化转型工作指南"}


def test_mixed_chinese_and_english(content: dict[str, Page]) -> None:
    assert found("Python数据") == {"平台上线"}
    assert found("mes 数据") == {"平台上线"}  # case-insensitive, spaces ignored
    assert found("Java数据") == set()


def test_query_words_must_all_match_and_document_numbers_are_searchable(content: dict[str, Page]) -> None:
    assert found("设备 人才") == set()
    assert found("鲁工信服〔2025〕175号") == {"山东省中小企业数字化转型工作指南"}


def test_type_filter_and_unpublished_pages(content: dict[str, Page]) -> None:
    assert found("数", "policy") == {"山东省中小企业数字化转型工作指南"}
    content["news"].unpublish()
    assert found("质量") == set()


def test_search_page_renders_hits_and_escapes_the_query(client: Client, content: dict[str, Page]) -> None:
    html = client.get("/site/search/", {"q": "质量<script>", "type": "news"}).content.decode()
    assert "<script>" not in html.split("<main", 1)[1]
    html = client.get("/site/search/", {"q": "质量"}).content.decode()
    assert "平台上线" in html and content["news"].url in html
