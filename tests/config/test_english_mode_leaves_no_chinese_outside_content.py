"""In English mode every interface string, date, state and city name is English: a walk through
each role's navigation finds no Chinese character outside content people wrote (names of people,
organizations, pages, courses, contests — the allow-list below is built from the database)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page, Site

from accounts.models import Organization, User

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Chinese that English text quotes on purpose: a masked name as the boards show it ("王**").
QUOTED = {"王"}


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class TextAndLinks(HTMLParser):
    """Visible text and labels, and the site navigation's links. Skipped: scripts, styles, and
    any element that declares itself Chinese (lang="zh-Hans": the language menu's 简体中文, the
    spreadsheet column names a file must carry verbatim)."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self._stack: list[tuple[str, bool, bool]] = []  # (tag, skipped, in nav)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        skipped, in_nav = self._stack[-1][1:] if self._stack else (False, False)
        skipped = skipped or tag in ("script", "style") or (found.get("lang") or "").startswith("zh")
        in_nav = in_nav or (tag == "nav" and found.get("id") == "site-nav")
        if in_nav and tag == "a" and (found.get("href") or "").startswith("/"):
            self.links.append(str(found["href"]))
        if not skipped:
            self.text += [str(found[name]) for name in ("aria-label", "title", "placeholder", "alt") if found.get(name)]
        if tag not in VOID:
            self._stack.append((tag, skipped, in_nav))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._stack) - 1, -1, -1):
            if self._stack[depth][0] == tag:
                del self._stack[depth:]
                break

    def handle_data(self, data: str) -> None:
        if not (self._stack and self._stack[-1][1]):
            self.text.append(data)


def content_words() -> set[str]:
    """Chinese written by people: names of people and organizations, page titles and the home
    page's hero text (editors' content), the site's name."""
    words: set[str] = set(QUOTED)
    for page in Page.objects.specific():
        for field in ("title", "hero_title", "hero_text", "intro", "summary"):
            words.update(CJK.findall(str(getattr(page, field, "") or "")))
    for name in Site.objects.values_list("site_name", flat=True):
        words.update(CJK.findall(name or ""))
    for name in User.objects.values_list("real_name", flat=True):
        words.update(CJK.findall(name))
    for name in Organization.objects.values_list("name", flat=True):
        words.update(CJK.findall(name))
    return words


def chinese_outside_content(html: str, allowed: set[str]) -> list[str]:
    parser = TextAndLinks()
    parser.feed(html)
    return sorted({run for chunk in parser.text for run in CJK.findall(chunk) if run not in allowed})


def walk(client, start: str = "/") -> dict[str, list[str]]:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    allowed = content_words()
    first = client.get(start)
    parser = TextAndLinks()
    parser.feed(first.content.decode())
    found: dict[str, list[str]] = {}
    for url in dict.fromkeys([start, "/accounts/profile/", *parser.links]):
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        left = chinese_outside_content(response.content.decode(), allowed)
        if left:
            found[url] = left
    return found


def test_the_language_menu_names_each_language_in_itself(client) -> None:
    for language in ("zh-hans", "en"):
        client.post(reverse("set_language"), {"language": language, "next": "/"})
        html = client.get("/").content.decode()
        assert '<option value="zh-hans" lang="zh-Hans"' in html and ">简体中文</option>" in html
        assert ">English</option>" in html
        assert "英语" not in html


@pytest.mark.parametrize(
    "persona", ["learner", "mentor", "enterprise_admin", "organizer", "judge", "editor", "city_admin", "province_admin"]
)
def test_each_roles_pages_read_in_english(client, persona, request) -> None:
    person = request.getfixturevalue(persona)
    client.force_login(person)
    assert walk(client) == {}


def test_dates_cities_and_live_states_follow_the_language(client, city) -> None:
    import datetime as dt

    from cms.actions import ensure_site
    from cms.models import NewsIndexPage, NewsPage

    home = ensure_site()
    news = home.add_child(instance=NewsIndexPage(title="新闻", slug="news"))
    article = news.add_child(
        instance=NewsPage(
            title="开班", slug="kai-ban", category="notice", date=dt.date(2026, 10, 20), body="<p>正文</p>"
        )
    )
    article.save_revision().publish()
    assert "2026年10月20日" in client.get(article.url).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(article.url).content.decode()
    assert "Oct. 20, 2026" in html and "2026年10月20日" not in html
    with translation.override("en"):
        assert str(city("济南")) == "Jinan" and city("青岛").label == "Qingdao"
    catalog = client.get(reverse("javascript-catalog")).content.decode()
    assert '"\\u5df2\\u8fde\\u63a5": "Connected"' in catalog or '"已连接": "Connected"' in catalog
