from __future__ import annotations

from django.urls import path

from lms import views

app_name = "lms"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify_code"),
    path("certificates/<str:number>/", views.certificate_print, name="certificate"),
    path("certificates/<str:number>/qr.svg", views.certificate_qr, name="certificate_qr"),
]
