from __future__ import annotations

from django.urls import path

import config.converters  # noqa: F401  (registers <id:...>, the bounded database-id converter)
from lms import views

app_name = "lms"

urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("me/", views.dashboard, name="dashboard"),
    path("mentor/", views.mentor, name="mentor"),
    path("courses/<id:course_id>/", views.course_detail, name="course"),
    path("courses/<id:course_id>/enroll/", views.course_enroll, name="enroll"),
    path("courses/<id:course_id>/lessons/<id:lesson_id>/", views.lesson, name="lesson"),
    path("courses/<id:course_id>/lessons/<id:lesson_id>/done/", views.lesson_done, name="lesson_done"),
    path("courses/<id:course_id>/workstudy/", views.workstudy, name="workstudy"),
    path("quizzes/<id:quiz_id>/", views.quiz_detail, name="quiz"),
    path("quizzes/<id:quiz_id>/start/", views.quiz_start, name="quiz_start"),
    path("attempts/<id:attempt_id>/", views.attempt_view, name="attempt"),
    path("attempts/<id:attempt_id>/summary/", views.attempt_summary, name="attempt_summary"),
    path("attempts/<id:attempt_id>/submit/", views.attempt_submit, name="attempt_submit"),
    path("attempts/<id:attempt_id>/review/", views.attempt_review, name="attempt_review"),
    path("grading/", views.grading, name="grading"),
    path("answers/<id:answer_id>/file/", views.answer_file, name="answer_file"),
    path("cohorts/new/", views.cohort_new, name="cohort_new"),
    path("cohorts/<id:cohort_id>/", views.cohort_detail, name="cohort"),
    path("manage/", views.manage, name="manage"),
    path("manage/quizzes/new/", views.quiz_edit, name="manage_quiz_new"),
    path("manage/quizzes/<id:quiz_id>/", views.quiz_edit, name="manage_quiz"),
    path("manage/quizzes/<id:quiz_id>/delete/", views.quiz_delete, name="manage_quiz_delete"),
    path("manage/quizzes/<id:quiz_id>/proctor/", views.proctor, name="proctor"),
    path(
        "manage/quizzes/<id:quiz_id>/proctor/attempts/<id:attempt_id>/extend/",
        views.proctor_extend,
        name="proctor_extend",
    ),
    path("manage/courses/<id:course_id>/", views.course_settings, name="manage_course"),
    path("photos/<id:photo_id>/<str:size>.jpg", views.worklog_photo, name="photo"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify_code"),
    path("certificates/<str:number>/", views.certificate_print, name="certificate"),
    path("certificates/<str:number>/qr.svg", views.certificate_qr, name="certificate_qr"),
]
