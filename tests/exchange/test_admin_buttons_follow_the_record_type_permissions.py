"""Who may import or export a record type decides the admin's buttons and views: staff without
the record type's permission see no button and get 403 from the import, confirmation and export
views; an export-only record type has no import in the admin either."""

from __future__ import annotations

import pytest

from accounts.models import User
from lms.models import Certificate
from tests.exchange.admin_screens import admin_url, make_staff

pytestmark = pytest.mark.django_db

IMPORT_LINK = 'class="import_link"'
EXPORT_LINK = 'class="export_link"'


def test_staff_without_the_record_types_permission_get_no_buttons_and_403(client, learner) -> None:
    client.force_login(make_staff(learner, "accounts.view_user"))

    listed = client.get(admin_url(User, ""))

    assert listed.status_code == 200
    page = listed.content.decode()
    assert IMPORT_LINK not in page
    assert EXPORT_LINK not in page
    assert client.get(admin_url(User, "import")).status_code == 403
    assert client.post(admin_url(User, "import"), {}).status_code == 403
    assert client.post(admin_url(User, "process_import"), {"job": "0" * 32}).status_code == 403
    assert client.get(admin_url(User, "export")).status_code == 403
    assert client.post(admin_url(User, "export"), {"format": "0", "resource": "0"}).status_code == 403


def test_staff_who_may_import_people_get_both_buttons(client, enterprise_admin) -> None:
    client.force_login(make_staff(enterprise_admin, "accounts.view_user"))

    page = client.get(admin_url(User, "")).content.decode()

    assert IMPORT_LINK in page
    assert EXPORT_LINK in page
    assert client.get(admin_url(User, "import")).status_code == 200


def test_an_export_only_record_type_has_no_import_even_for_a_superuser(client) -> None:
    client.force_login(User.objects.create_superuser("13900000001", "Test-pass-2026", real_name="超级管理员"))

    page = client.get(admin_url(Certificate, "")).content.decode()

    assert IMPORT_LINK not in page
    assert EXPORT_LINK in page
    assert client.get(admin_url(Certificate, "import")).status_code == 403
    assert client.get(admin_url(Certificate, "export")).status_code == 200
