"""/me/, the signed-in person's home (namespace "me")."""

from __future__ import annotations

from django.urls import path

from accounts import views

app_name = "me"

urlpatterns = [path("", views.home, name="home")]
