from __future__ import annotations

from django.urls import path

import config.converters  # noqa: F401  (registers <id:...>, the bounded database-id converter)
from talent import views

app_name = "talent"

urlpatterns = [
    path("", views.leaderboard, name="leaderboard"),
    path("formula/", views.formula_page, name="formula"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify, name="verify_code"),
    path("me/", views.me, name="me"),
    path("me/consent/", views.consent, name="consent"),
    path("me/data/", views.my_data, name="my_data"),
    path("me/privacy/", views.privacy, name="privacy"),
    path("me/deletion/", views.deletion, name="deletion"),
    path("deletions/", views.deletions, name="deletions"),
    path("deletions/<id:pk>/", views.decide_deletion, name="decide_deletion"),
    path("me/matches/<id:pk>/", views.answer, name="answer"),
    path("evaluations/", views.evaluations, name="evaluations"),
    path("evaluations/<id:pk>/", views.decide_evaluation, name="decide_evaluation"),
    path("shortlist/", views.rounds, name="rounds"),
    path("shortlist/<id:pk>/", views.round_detail, name="round"),
    path("shortlist/<id:pk>/do/", views.round_action, name="round_action"),
    path("shortlist/<id:pk>/notice/", views.notice, name="notice"),
    path("candidates/<id:pk>/", views.candidate_action, name="candidate_action"),
    path("candidates/<id:pk>/plan/", views.plan, name="plan"),
    path("objections/<id:pk>/", views.objection_action, name="objection_action"),
    path("demands/", views.demands, name="demands"),
    path("demands/<id:pk>/", views.demand_detail, name="demand"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
