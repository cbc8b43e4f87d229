from __future__ import annotations

from django.urls import path

import config.converters  # noqa: F401  (registers <id:...>, the bounded database-id converter)
from competitions.live import manage, views

app_name = "live"

urlpatterns = [
    path("", views.index, name="index"),
    path("rules/", views.rules, name="rules"),
    path("<id:round_id>/host/", views.host, name="host"),
    path("<id:round_id>/screen/", views.screen, name="screen"),
    path("<id:round_id>/play/", views.play, name="play"),
    path("<id:round_id>/board/", views.board, name="board"),
    path("<id:round_id>/board.json", views.board_json, name="board_json"),
    path("<id:round_id>/report/", views.report, name="report"),
    path("<id:round_id>/preview/", manage.preview, name="preview"),
    # Organizers author rounds (from the contest console).
    path("manage/contest/<slug:slug>/", manage.round_list, name="rounds"),
    path("manage/contest/<slug:slug>/new/", manage.round_new, name="new_round"),
    path("manage/<id:round_id>/", manage.round_edit, name="edit_round"),
    path("manage/<id:round_id>/do/<str:op>/", manage.round_op, name="round_op"),
    path("manage/<id:round_id>/q/<id:question_id>/<str:op>/", manage.question_op, name="question_op"),
    path("manage/<id:round_id>/delete/", manage.round_delete, name="delete_round"),
    path("manage/<id:round_id>/reset/", manage.round_reset, name="reset_round"),
    path("<id:round_id>/board/data.json", views.board_data, name="board_data"),
]
