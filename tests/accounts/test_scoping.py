"""Each role reaches for records outside its scope and gets 403 or 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts import selectors
from accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_enterprise_admin_sees_only_her_organizations_people(client, enterprise_admin, learner, outsider) -> None:
    visible = set(selectors.people_visible_to(enterprise_admin))
    assert learner in visible
    assert outsider not in visible
    client.force_login(enterprise_admin)
    assert client.get(reverse("accounts:person", args=[learner.pk])).status_code == 200
    assert client.get(reverse("accounts:person", args=[outsider.pk])).status_code == 404
    assert client.get(reverse("accounts:organization", args=[outsider.organization_id])).status_code == 404


def test_city_admin_sees_only_his_city(client, city_admin, learner, outsider) -> None:
    client.force_login(city_admin)
    assert client.get(reverse("accounts:person", args=[learner.pk])).status_code == 200
    assert client.get(reverse("accounts:person", args=[outsider.pk])).status_code == 404
    listing = client.get(reverse("accounts:people")).content.decode()
    assert learner.real_name in listing
    assert outsider.real_name not in listing


def test_province_admin_sees_everyone(client, province_admin, learner, outsider) -> None:
    client.force_login(province_admin)
    assert client.get(reverse("accounts:person", args=[outsider.pk])).status_code == 200
    assert client.get(reverse("accounts:person", args=[learner.pk])).status_code == 200


def test_a_learner_cannot_list_people_or_open_someone_else(client, learner, outsider) -> None:
    client.force_login(learner)
    assert client.get(reverse("accounts:people")).status_code == 403
    assert client.get(reverse("accounts:person", args=[outsider.pk])).status_code == 404


def test_tampered_ids_are_not_found(client, province_admin) -> None:
    client.force_login(province_admin)
    assert client.get("/accounts/people/999999/").status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, learner) -> None:
    response = client.get(reverse("accounts:person", args=[learner.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_pii_is_masked_unless_the_viewer_has_the_permission(client, city_admin, province_admin, learner) -> None:
    from accounts import actions
    from tests.conftest import valid_id_number

    number = valid_id_number(42)
    actions.update_profile(learner, actor=learner, id_number=number)
    client.force_login(city_admin)
    page = client.get(reverse("accounts:person", args=[learner.pk])).content.decode()
    assert number not in page and number[:6] + "********" in page
    assert client.post(reverse("accounts:person_reveal", args=[learner.pk])).status_code == 403

    client.force_login(province_admin)
    page = client.post(reverse("accounts:person_reveal", args=[learner.pk])).content.decode()
    assert number in page
    assert AuditEvent.objects.filter(action="pii.view", actor=province_admin, target_id=str(learner.pk)).count() == 1


def test_role_changes_are_audited_and_only_province_admins_grant_roles(province_admin, city_admin, learner) -> None:
    from django.core.exceptions import PermissionDenied

    from accounts import actions
    from accounts.choices import Role

    with pytest.raises(PermissionDenied):
        actions.grant_role(city_admin, learner, Role.JUDGE)
    actions.grant_role(province_admin, learner, Role.JUDGE, reason="省赛裁判")
    assert learner.has_role(Role.JUDGE)
    event = AuditEvent.objects.get(action="account.role_grant", actor=province_admin)
    assert event.reason == "省赛裁判" and event.after["role"] == "judge"
