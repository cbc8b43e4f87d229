"""RSS and Atom feeds of the news."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from cms.models import NewsPage


class NewsFeed(Feed):
    title = _("数智英才 · 新闻")
    description = _("数字技能人才培育平台的通知公告与工作动态")
    link = "/site/news/"

    def get_object(self, request: HttpRequest, *args: object, **kwargs: object) -> None:
        self.request = request

    def items(self) -> list[NewsPage]:
        return list(NewsPage.objects.live().order_by("-date", "-pk")[:20])

    def item_title(self, item: NewsPage) -> str:
        return item.title

    def item_description(self, item: NewsPage) -> str:
        return item.summary

    def item_link(self, item: NewsPage) -> str:
        return item.get_url(self.request) or "/"

    def item_pubdate(self, item: NewsPage) -> dt.datetime:
        return dt.datetime.combine(item.date, dt.time(8, 0), tzinfo=dt.UTC)

    def item_categories(self, item: NewsPage) -> list[str]:
        return [str(item.get_category_display())]


class NewsAtomFeed(NewsFeed):
    feed_type = Atom1Feed
    subtitle = NewsFeed.description
