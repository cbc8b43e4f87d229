from __future__ import annotations

from django.urls import path

import config.converters  # noqa: F401  (registers <id:...>, the bounded database-id converter)
from competitions import staff_views, views

app_name = "competitions"

urlpatterns = [
    path("", views.contest_list, name="list"),
    path("board/", views.board_view, name="board"),
    path("manage/", views.manage_list, name="manage"),
    path("manage/new/", views.contest_create, name="create"),
    path("manage/<slug:slug>/", views.console, name="console"),
    path("manage/<slug:slug>/edit/", views.contest_edit, name="edit"),
    path("manage/<slug:slug>/tickets/", views.tickets_print, name="tickets"),
    path("manage/<slug:slug>/do/<str:op>/", views.console_op, name="op"),
    path("manage/<slug:slug>/staff/", staff_views.staff_page, name="staff"),
    path("manage/<slug:slug>/staff/do/<str:op>/", staff_views.staff_op, name="staff_op"),
    path("invitations/", staff_views.my_invitations, name="invitations"),
    path("invitations/<slug:token>/", staff_views.invitation_page, name="invitation"),
    path("judge/", views.judge_home, name="judge"),
    path("judge/<id:group_id>/", views.judge_sheet, name="judge_sheet"),
    path("<slug:slug>/", views.contest_detail, name="detail"),
    path("<slug:slug>/register/", views.register_view, name="register"),
    path("<slug:slug>/ticket/", views.ticket_view, name="ticket"),
    path("<slug:slug>/withdraw/", views.withdraw_view, name="withdraw"),
    path("<slug:slug>/ask/", views.ask_view, name="ask"),
    path("<slug:slug>/appeal/", views.appeal_view, name="appeal"),
    path("<slug:slug>/results/", views.results_view, name="results"),
]
