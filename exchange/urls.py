from __future__ import annotations

from django.urls import path

from exchange import views

app_name = "exchange"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:key>/template.<str:fmt>", views.template, name="template"),
    path("<slug:key>/import/", views.upload, name="upload"),
    path("<slug:key>/export/", views.export, name="export"),
    path("jobs/<uuid:job_id>/", views.job_detail, name="job"),
    path("jobs/<uuid:job_id>/status/", views.job_status, name="job_status"),
    path("jobs/<uuid:job_id>/confirm/", views.job_confirm, name="job_confirm"),
    path("jobs/<uuid:job_id>/abandon/", views.job_abandon, name="job_abandon"),
    path("jobs/<uuid:job_id>/download/", views.job_download, name="job_download"),
    path("jobs/<uuid:job_id>/report.csv", views.job_report, name="job_report"),
]
