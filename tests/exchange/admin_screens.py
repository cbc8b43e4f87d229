"""Helpers for the tests of the Django admin's import/export screens (exchange.admin_bridge):
staff personas, the admin URLs of a model, and the upload and confirmation as a browser posts them."""

from __future__ import annotations

import re

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.http import HttpResponse
from django.test import Client

from accounts.models import User

CONFIRM_FIELD = re.compile(r'name="job" value="([0-9a-f-]{36})"')


def make_staff(user: User, *permissions: str) -> User:
    """The person with access to the Django admin and the given "app_label.codename" permissions."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    for dotted in permissions:
        app_label, codename = dotted.split(".", 1)
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return User.objects.get(pk=user.pk)  # a fresh object: Django caches permissions per instance


def admin_url(model: type[Model], view: str) -> str:
    """/django-admin/<app>/<model>/<view>/ ("" for the change list)."""
    meta = model._meta
    return f"/django-admin/{meta.app_label}/{meta.model_name}/{view + '/' if view else ''}"


def upload(client: Client, model: type[Model], name: str, data: bytes) -> HttpResponse:
    """Post a file to the model's admin import page, as its form does."""
    return client.post(admin_url(model, "import"), {"file": SimpleUploadedFile(name, data)})


def confirm(client: Client, model: type[Model], page: HttpResponse) -> HttpResponse:
    """Press 确认导入 on an import page that offers it."""
    found = CONFIRM_FIELD.search(page.content.decode())
    assert found, "the page offers no confirmation"
    return client.post(admin_url(model, "process_import"), {"job": found.group(1)})
