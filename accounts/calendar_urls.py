from __future__ import annotations

from django.urls import path

from accounts import calendar_views

app_name = "calendar"

urlpatterns = [
    path("", calendar_views.month_view, name="month"),
    path("feed/rotate/", calendar_views.rotate_feed, name="rotate"),
    path("feed/<str:token>.ics", calendar_views.feed, name="feed"),
]
