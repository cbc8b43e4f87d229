from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

import config.converters  # noqa: F401  (registers <id:...>, the bounded database-id converter)
from accounts import notice_views, views

app_name = "accounts"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("lockouts/", views.lockouts, name="lockouts"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("notices/", notice_views.inbox, name="notices"),
    path("notices/read/", notice_views.notices_read_all, name="notices_read_all"),
    path("notices/preferences/", notice_views.notice_preferences, name="notice_preferences"),
    path("notices/<id:pk>/", notice_views.notice_open, name="notice_open"),
    path("notices/<id:pk>/read/", notice_views.notice_read, name="notice_read"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("mobile/", views.mobile_change, name="mobile_change"),
    path("employment/request/", views.employment_request, name="employment_request"),
    path("employment/<id:pk>/withdraw/", views.employment_withdraw, name="employment_withdraw"),
    path("employment/", views.employment_queue, name="employment_queue"),
    path("employment/<id:pk>/decide/", views.employment_decide, name="employment_decide"),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html", success_url=reverse_lazy("accounts:login")
        ),
        name="password_reset_confirm",
    ),
    path("identity/", views.identity_queue, name="identity_queue"),
    path("identity/<id:pk>/resolve/", views.identity_resolve, name="identity_resolve"),
    path("people/", views.people, name="people"),
    path("people/<id:pk>/", views.person_detail, name="person"),
    path("people/<id:pk>/reveal/", views.person_reveal, name="person_reveal"),
    path("people/<id:pk>/leave/", views.person_leave, name="person_leave"),
    path("organizations/", views.organizations, name="organizations"),
    path("organizations/<id:pk>/", views.organization_detail, name="organization"),
]
