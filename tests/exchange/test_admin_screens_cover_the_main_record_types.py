"""The main models' admin screens carry the exchange's import/export for their record types:
each export page lists the record type's headers and its file is the record type's export; the
import button shows exactly where the record type can be imported."""

from __future__ import annotations

import pytest
from django.contrib import admin

from accounts.models import Organization, User
from competitions.models import Registration, Result
from exchange.registry import get_record_type
from lms.models import Certificate, Enrollment, Question
from talent.models import Achievement, Candidate, Demand, Evaluation
from tests.exchange.admin_screens import admin_url
from tests.exchange.conftest import read_csv

pytestmark = pytest.mark.django_db

SCREENS = [
    (User, "people"),
    (Organization, "organizations"),
    (Enrollment, "enrollments"),
    (Question, "questions"),
    (Certificate, "certificates"),
    (Registration, "registrations"),
    (Result, "results"),
    (Evaluation, "evaluations"),
    (Demand, "demands"),
    (Candidate, "shortlist"),
    (Achievement, "achievements"),
]


@pytest.fixture
def superuser(client) -> User:
    user = User.objects.create_superuser("13900000001", "Test-pass-2026", real_name="超级管理员")
    client.force_login(user)
    return user


@pytest.mark.parametrize(("model", "key"), SCREENS, ids=[key for _model, key in SCREENS])
def test_the_admin_exports_the_models_record_type(client, superuser, exchange_root, model, key) -> None:
    record_type = get_record_type(key)
    assert admin.site.get_model_admin(model).record_type_key == key

    page = client.get(admin_url(model, "export"))
    exported = client.post(admin_url(model, "export"), {"format": "1", "resource": "0"})

    assert page.status_code == 200
    assert ", ".join(record_type.headers) in page.content.decode()
    assert exported.status_code == 200
    assert read_csv(exported.content)[0] == record_type.headers


@pytest.mark.parametrize(("model", "key"), SCREENS, ids=[key for _model, key in SCREENS])
def test_the_import_button_shows_where_the_record_type_can_be_imported(client, superuser, model, key) -> None:
    importable = get_record_type(key).importable_by(superuser)

    listed = client.get(admin_url(model, ""))

    assert listed.status_code == 200
    assert ('class="import_link"' in listed.content.decode()) is importable
    assert client.get(admin_url(model, "import")).status_code == (200 if importable else 403)
