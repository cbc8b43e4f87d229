"""The Wagtail and Django admins' views answer input they trip over with 400, not 500 (issue #19, item 9)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["abc", "%E6%95%B0%E6%99%BA", "%00"])
def test_a_wagtail_chooser_given_a_non_numeric_id_is_a_400(province_admin, value) -> None:
    from accounts.models import User

    User.objects.filter(pk=province_admin.pk).update(is_staff=True, is_superuser=True)
    client = Client(raise_request_exception=False)
    client.force_login(province_admin)
    response = client.get(f"/cms-admin/images/chooser/chosen/{value}/")
    assert response.status_code == 400  # was 500: ValueError from Wagtail's own lookup
    assert "请求参数有误" in response.content.decode()
