"""A page with a Chinese title gets its pinyin as slug (never a percent-encoded URL), from the
admin form with the slug left empty or as Wagtail's script guessed it, and when saved in code;
a published page keeps its slug."""

from __future__ import annotations

import pytest
from wagtail.test.utils.form_data import rich_text

from cms.actions import ensure_site
from cms.models import NewsIndexPage
from cms.slugs import pinyin_slug, wants_pinyin

pytestmark = pytest.mark.django_db


def test_pinyin_slugs_read_as_syllables_and_keep_latin_and_digits() -> None:
    assert pinyin_slug("济南数控机床") == "ji-nan-shu-kong-ji-chuang"
    assert pinyin_slug("2026年 AI 应用案例") == "2026-nian-ai-ying-yong-an-li"
    assert len(pinyin_slug("智能制造" * 40)) <= 80


def test_chinese_and_percent_encoded_slugs_are_replaced_but_a_published_one_is_kept() -> None:
    assert wants_pinyin("", "新闻", published=False)
    assert wants_pinyin("%E6%96%B0%E9%97%BB", "新闻", published=True)
    assert wants_pinyin("新闻", "新闻", published=True)
    assert wants_pinyin("2026", "2026年智能工厂", published=False)
    assert not wants_pinyin("2026", "2026年智能工厂", published=True)
    assert not wants_pinyin("factory-news", "工厂新闻", published=False)


def test_a_page_saved_in_code_without_a_slug_gets_pinyin() -> None:
    home = ensure_site()
    page = home.add_child(instance=NewsIndexPage(title="山东新闻", slug=""))
    assert page.slug == "shan-dong-xin-wen"
    twin = home.add_child(instance=NewsIndexPage(title="山东新闻", slug=""))
    assert twin.slug == "shan-dong-xin-wen-2"
    assert page.url == "/shan-dong-xin-wen/"


def test_an_editor_leaving_the_slug_empty_gets_a_pinyin_url(client, province_admin) -> None:
    home = ensure_site()
    client.force_login(province_admin)
    response = client.post(
        f"/cms-admin/pages/add/cms/newsindexpage/{home.pk}/",
        {
            "title": "济南动态",
            "slug": "",
            "intro": rich_text(""),
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = NewsIndexPage.objects.get(title="济南动态")
    assert page.slug == "ji-nan-dong-tai"


def test_the_slug_wagtails_script_guesses_from_a_chinese_title_is_replaced(client, province_admin) -> None:
    home = ensure_site()
    client.force_login(province_admin)
    client.post(
        f"/cms-admin/pages/add/cms/newsindexpage/{home.pk}/",
        {
            "title": "2026年动态",
            "slug": "2026",
            "intro": rich_text(""),
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
        },
    )
    assert NewsIndexPage.objects.get(title="2026年动态").slug == "2026-nian-dong-tai"


def test_a_published_page_keeps_its_slug_when_saved_again() -> None:
    home = ensure_site()
    page = home.add_child(instance=NewsIndexPage(title="动态", slug="dongtai-news"))
    page.save_revision().publish()
    page.refresh_from_db()
    page.title = "最新动态"
    page.save()
    assert page.slug == "dongtai-news"
