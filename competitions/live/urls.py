from __future__ import annotations

from django.urls import path

from competitions.live import views

app_name = "live"

urlpatterns = [
    path("", views.index, name="index"),
    path("rules/", views.rules, name="rules"),
    path("<int:round_id>/host/", views.host, name="host"),
    path("<int:round_id>/screen/", views.screen, name="screen"),
    path("<int:round_id>/play/", views.play, name="play"),
    path("<int:round_id>/board/", views.board, name="board"),
    path("<int:round_id>/board.json", views.board_json, name="board_json"),
]
