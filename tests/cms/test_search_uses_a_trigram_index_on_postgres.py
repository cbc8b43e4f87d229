from __future__ import annotations

import pytest
from django.db import connection
from wagtail.models import Page

from cms import search
from cms.actions import publish
from cms.models import NewsPage, SearchEntry

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_substring_filters_of_three_or_more_characters_can_use_the_trigram_index(sections: dict[str, Page]) -> None:
    publish(
        sections["news"], NewsPage(title="中小企业数字化转型路线图", body="<p>设备联网、数据采集与MES系统上线。</p>")
    )
    publish(sections["news"], NewsPage(title="技能竞赛报名通知", body="<p>数控车工赛项报名。</p>"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'cms_searchentry_text_trgm'")
        (indexdef,) = cursor.fetchone()
        assert "gin" in indexdef and "gin_trgm_ops" in indexdef
        cursor.execute("SET LOCAL enable_seqscan = off")  # two rows: make the planner show it can use it
    plan = SearchEntry.objects.filter(text__contains="数字化转型").explain()
    assert "cms_searchentry_text_trgm" in plan
    assert "cms_searchentry_text_trgm" in SearchEntry.objects.filter(text__contains="mes系统").explain()
    # The index changes no result: 1-, 2- and 4-character and mixed queries still match.
    for query in ("转", "数字", "数字化转型", "MES系统"):
        hits, _terms = search.search(query)
        assert [hit.entry.title for hit in hits] == ["中小企业数字化转型路线图"], query
