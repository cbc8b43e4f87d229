from __future__ import annotations

from django.urls import path

import config.converters  # noqa: F401  (registers <id:...>, the bounded database-id converter)
from competitions.live import views

app_name = "live"

urlpatterns = [
    path("", views.index, name="index"),
    path("rules/", views.rules, name="rules"),
    path("<id:round_id>/host/", views.host, name="host"),
    path("<id:round_id>/screen/", views.screen, name="screen"),
    path("<id:round_id>/play/", views.play, name="play"),
    path("<id:round_id>/board/", views.board, name="board"),
    path("<id:round_id>/board.json", views.board_json, name="board_json"),
    path("<id:round_id>/board/data.json", views.board_data, name="board_data"),
]
