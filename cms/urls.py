from __future__ import annotations

from django.urls import path

from cms import feeds, views

app_name = "cms"

urlpatterns = [
    path("news/", views.news, name="news"),
    path("news/feed/", feeds.NewsFeed(), name="news_rss"),
    path("news/feed/atom/", feeds.NewsAtomFeed(), name="news_atom"),
    path("cases/", views.cases, name="cases"),
    path("policies/", views.policies, name="policies"),
    path("search/", views.search, name="search"),
]
