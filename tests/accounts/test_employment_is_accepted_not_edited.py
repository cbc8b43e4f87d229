"""Issue #19 item 3: who a person works for is an employment record. The profile form cannot
change it; a person asks to join an organization and its enterprise admin accepts (audited)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts import actions, selectors
from accounts.models import AuditEvent, EmploymentRequest, EmploymentStatus, User
from competitions.selectors import is_recused

pytestmark = pytest.mark.django_db


def profile_form(person: User, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "real_name": person.real_name,
        "email": "",
        "region": person.region_id or "",
        "job_group": person.job_group,
        "industry": person.industry,
        "id_number": "",
    }
    data.update(overrides)
    return data


def test_a_judge_cannot_change_his_organization_on_the_profile_and_stays_recused(client, judge, rival) -> None:
    own = judge.organization
    client.force_login(judge)
    response = client.post(reverse("accounts:profile"), profile_form(judge, organization=rival.pk))
    assert response.status_code == 302
    judge.refresh_from_db()
    assert judge.organization == own
    assert is_recused(judge, {own.pk}) and not is_recused(judge, {rival.pk})
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'name="organization"' in page  # only the request form offers a choice of organization
    assert 'action="/accounts/employment/request/"' in page


def test_update_profile_refuses_the_employer_and_the_mobile(learner, rival) -> None:
    with pytest.raises(ValueError, match="organization"):
        actions.update_profile(learner, actor=learner, organization=rival)
    with pytest.raises(ValueError, match="mobile"):
        actions.update_profile(learner, actor=learner, mobile="13700000000")


def test_the_new_organizations_admin_accepts_a_request_and_the_change_is_audited(
    client, learner, acme, rival, make_person, enterprise_admin
) -> None:
    from accounts.choices import Role

    rival_admin = make_person(Role.ENTERPRISE_ADMIN, org=rival, name="青岛企管")
    client.force_login(learner)
    client.post(reverse("accounts:employment_request"), {"organization": rival.pk})
    request = EmploymentRequest.objects.get(person=learner)
    learner.refresh_from_db()
    assert request.status == EmploymentStatus.PENDING and learner.organization == acme

    # Not the old employer's admin, not the person herself.
    assert request not in selectors.employment_queue(enterprise_admin)
    client.force_login(enterprise_admin)
    assert (
        client.post(reverse("accounts:employment_decide", args=[request.pk]), {"decision": "accept"}).status_code == 404
    )
    with pytest.raises(PermissionDenied):
        actions.decide_employment_request(request, actor=learner, accept=True)

    client.force_login(rival_admin)
    queue = client.get(reverse("accounts:employment_queue")).content.decode()
    assert learner.real_name in queue
    assert reverse("accounts:employment_queue") in client.get("/").content.decode()  # her 管理 menu links it
    client.post(reverse("accounts:employment_decide", args=[request.pk]), {"decision": "accept"})
    learner.refresh_from_db()
    assert learner.organization == rival
    event = AuditEvent.objects.get(action="employment.set", target_id=str(learner.pk))
    assert event.actor == rival_admin
    assert event.before == {"organization": acme.pk} and event.after == {"organization": rival.pk}
    assert learner in selectors.people_visible_to(rival_admin)
    assert learner not in selectors.people_visible_to(enterprise_admin)


def test_a_rejection_needs_a_reason_the_person_sees(client, learner, rival, make_person) -> None:
    from accounts.choices import Role

    rival_admin = make_person(Role.ENTERPRISE_ADMIN, org=rival)
    request = actions.request_employment(learner, rival)
    with pytest.raises(ValidationError, match="原因"):
        actions.decide_employment_request(request, actor=rival_admin, accept=False)
    actions.decide_employment_request(request, actor=rival_admin, accept=False, reason="查无此人")
    client.force_login(learner)
    assert "查无此人" in client.get(reverse("accounts:profile")).content.decode()
    learner.refresh_from_db()
    assert learner.organization != rival


def test_registration_turns_the_chosen_organization_into_a_request(client, city, rival) -> None:
    data = {
        "mobile": "13712345678",
        "real_name": "林新人",
        "password1": "Gongye-2026!",
        "password2": "Gongye-2026!",
        "region": str(city("青岛").pk),
        "organization": str(rival.pk),
        "job_group": "operator",
        "industry": "",
        "id_number": "",
        "agree": "on",
    }
    from tests.accounts.sms_helpers import with_sms_code

    response = client.post(reverse("accounts:register"), with_sms_code(client, data))
    assert response.status_code == 302, response.content.decode()[:2000]
    person = User.objects.get(mobile="13712345678")
    assert person.organization is None
    assert EmploymentRequest.objects.get(person=person).organization == rival


def test_only_the_employers_admin_records_that_someone_left(client, learner, enterprise_admin, outsider) -> None:
    with pytest.raises(PermissionDenied):
        actions.end_employment(learner, actor=learner, reason="自己离职")
    client.force_login(enterprise_admin)
    assert "登记离职" in client.get(reverse("accounts:person", args=[learner.pk])).content.decode()
    client.post(reverse("accounts:person_leave", args=[learner.pk]), {"reason": "合同到期"})
    learner.refresh_from_db()
    assert learner.organization is None
    assert AuditEvent.objects.filter(action="employment.set", target_id=str(learner.pk), reason="合同到期").exists()
