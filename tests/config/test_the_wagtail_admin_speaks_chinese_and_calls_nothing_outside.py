"""The Wagtail admin reads in Chinese (our catalog fills what Wagtail 8's zh_Hans lacks) and its pages
name no outside address: no release check, no what's-new banner, no gravatar, no help links out."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as wagtail_catalog
from django.utils.translation import ngettext as wagtail_plural

from cms.actions import ensure_site
from cms.models import NewsIndexPage

pytestmark = pytest.mark.django_db

OUTSIDE = re.compile(r"releases\.wagtail\.io|gravatar\.com|guide\.wagtail\.org|wagtail\.org|enable-javascript\.com")


def test_outside_calls_are_off_by_default() -> None:
    assert settings.WAGTAIL_ENABLE_UPDATE_CHECK is False
    assert settings.WAGTAIL_ENABLE_WHATS_NEW_BANNER is False
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None
    assert settings.WAGTAILEMBEDS_FINDERS == []


def test_wagtail_strings_missing_from_its_catalog_read_in_chinese() -> None:
    with translation.override("zh-hans"):
        assert wagtail_catalog("Search all pages…") == "搜索所有页面…"
        assert (
            wagtail_catalog("The page could not be created due to validation errors.")
            == "由于存在验证错误，页面无法创建。"
        )
        assert "已被使用" in wagtail_catalog("The slug '%(page_slug)s' is already in use within the parent page.")
        assert "个页面" in wagtail_plural("%(num_pages)d page", "%(num_pages)d pages", 40)


def test_the_dashboard_is_chinese_and_names_no_outside_address(client, editor) -> None:
    ensure_site()
    client.force_login(editor)
    response = client.get("/cms-admin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "搜索所有页面" in html
    assert "Search all pages" not in html
    assert not re.search(r"\d+ Pages", html)
    assert OUTSIDE.findall(html) == []


def test_a_slug_in_use_is_refused_in_chinese(client, province_admin) -> None:
    home = ensure_site()
    home.add_child(instance=NewsIndexPage(title="新闻", slug="news"))
    client.force_login(province_admin)
    url = f"/cms-admin/pages/add/cms/newsindexpage/{home.pk}/"
    response = client.post(url, {"title": "重名", "slug": "news", "action-publish": "1"})
    html = response.content.decode()
    assert "由于存在验证错误，页面无法创建" in html
    assert "缩略名“news”" in html
    assert "already in use" not in html
    assert "could not be created" not in html
