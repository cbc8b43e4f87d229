"""Issue #19 item 6: the profile and registration forms do not tell whether an ID number belongs
to someone. A taken number is accepted like a free one, kept off the account and put to a
province admin; submissions are rate-limited per person and per address, and audited."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts import actions, pii
from accounts.models import AuditEvent, IdentityConflict, User
from tests.accounts.sms_helpers import with_sms_code
from tests.conftest import valid_id_number

pytestmark = pytest.mark.django_db

# Per-response tokens: the CSRF token and the Content-Security-Policy nonce.
TOKENS = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|nonce="[^"]+"')


def _normalise(html: str, *numbers: str) -> str:
    """The page minus what legitimately differs between two people: tokens, their own numbers."""
    html = TOKENS.sub("", html)
    for n in numbers:
        html = html.replace(pii.mask_id_number(n), "MASKED")
    return html


def _profile_post(client, person: User, number: str):
    data = {
        "real_name": person.real_name,
        "email": "",
        "region": person.region_id or "",
        "job_group": person.job_group,
        "industry": person.industry or "",
        "id_number": number,
    }
    return client.post(reverse("accounts:profile"), data, follow=True)


@pytest.fixture
def holder(learner) -> User:
    """Someone who already registered the number being probed."""
    actions.update_profile(learner, actor=learner, id_number=valid_id_number(501))
    return learner


def test_the_profile_answers_a_taken_and_a_free_number_the_same_way(client, holder, make_person, acme) -> None:
    taken, free = valid_id_number(501), valid_id_number(502)
    first = make_person(org=acme, name="甲")
    second = make_person(org=acme, name="甲")  # same name, so the pages can be compared byte for byte

    client.force_login(first)
    r_taken = _profile_post(client, first, taken)
    client.force_login(User.objects.get(pk=second.pk))
    r_free = _profile_post(client, second, free)

    assert r_taken.status_code == r_free.status_code == 200
    assert [r[1] for r in r_taken.redirect_chain] == [r[1] for r in r_free.redirect_chain]
    body_taken = _normalise(r_taken.content.decode(), taken).replace(first.mobile_masked, "M")
    body_free = _normalise(r_free.content.decode(), free).replace(second.mobile_masked, "M")
    assert body_taken == body_free
    assert "身份证号已提交。如需人工核验，核验结果将通知您。" in body_taken
    assert "已被其他账户使用" not in body_taken

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.id_number_hash is None and first.id_number_masked == pii.mask_id_number(taken)
    assert second.id_number_hash == pii.fingerprint(free)
    conflict = IdentityConflict.objects.get()
    assert conflict.person == first and conflict.id_number_hash == pii.fingerprint(taken)
    holder.refresh_from_db()
    assert holder.id_number_hash == pii.fingerprint(taken)  # the holder keeps it until an admin decides


def test_registration_answers_a_taken_and_a_free_number_the_same_way(client, city, holder) -> None:
    def register(mobile: str, number: str):
        data = {
            "mobile": mobile,
            "real_name": "林新人",
            "password1": "Gongye-2026!",
            "password2": "Gongye-2026!",
            "region": str(city("济南").pk),
            "job_group": "operator",
            "industry": "equipment",
            "id_number": number,
            "agree": "on",
        }
        client.logout()
        response = client.post(reverse("accounts:register"), with_sms_code(client, data), follow=True)
        return response

    taken, free = valid_id_number(501), valid_id_number(503)
    r_taken = register("13712340001", taken)
    r_free = register("13712340002", free)
    assert [r[1] for r in r_taken.redirect_chain] == [r[1] for r in r_free.redirect_chain] == [302]
    body_taken = _normalise(r_taken.content.decode(), taken).replace(pii.mask_mobile("13712340001"), "M")
    body_free = _normalise(r_free.content.decode(), free).replace(pii.mask_mobile("13712340002"), "M")
    assert body_taken == body_free
    assert User.objects.get(mobile="13712340001").id_number_hash is None
    assert IdentityConflict.objects.get().person.mobile == "13712340001"


def test_submissions_are_limited_per_person_and_per_address_and_every_one_is_audited(
    client, learner, make_person, settings
) -> None:
    settings.ID_SUBMISSIONS_PER_PERSON = (3, 3600)
    settings.ID_SUBMISSIONS_PER_ADDRESS = (5, 3600)
    client.force_login(learner)
    for seq in range(3):
        assert "提交次数过多" not in _profile_post(client, learner, valid_id_number(600 + seq)).content.decode()
    refused = _profile_post(client, learner, valid_id_number(610)).content.decode()
    assert "身份证号提交次数过多" in refused
    learner.refresh_from_db()
    assert learner.id_number_hash == pii.fingerprint(valid_id_number(602))  # the refused one was not stored

    other = make_person(name="乙")
    client.force_login(other)
    _profile_post(client, other, valid_id_number(620))  # the address's 5th: the learner's 4 came from it too
    assert "您所在网络提交身份证号过于频繁" in _profile_post(client, other, valid_id_number(630)).content.decode()

    outcomes = list(AuditEvent.objects.filter(action="identity.submit").values_list("after__outcome", flat=True))
    assert outcomes.count("accepted") == 4 and outcomes.count("throttled") == 2


def test_a_province_admin_resolves_a_conflict_with_a_reason(client, holder, make_person, province_admin) -> None:
    taken = valid_id_number(501)
    claimant = make_person(name="真本人")
    actions.update_profile(claimant, actor=claimant, id_number=taken)
    conflict = IdentityConflict.objects.get()

    client.force_login(claimant)
    assert client.get(reverse("accounts:identity_queue")).status_code == 403
    client.force_login(province_admin)
    queue = client.get(reverse("accounts:identity_queue")).content.decode()
    assert "真本人" in queue and holder.real_name in queue
    assert reverse("accounts:identity_queue") in client.get("/").content.decode()
    response = client.post(reverse("accounts:identity_resolve", args=[conflict.pk]), {"outcome": "confirmed"})
    conflict.refresh_from_db()
    assert conflict.status == "open"  # a reason is required
    client.post(
        reverse("accounts:identity_resolve", args=[conflict.pk]), {"outcome": "confirmed", "reason": "核对身份证原件"}
    )
    conflict.refresh_from_db()
    claimant.refresh_from_db()
    holder.refresh_from_db()
    assert conflict.status == "confirmed" and conflict.resolved_by == province_admin
    assert claimant.id_number_hash == pii.fingerprint(taken) and holder.id_number_hash is None
    assert AuditEvent.objects.filter(action="identity.revoke", target_id=str(holder.pk)).exists()
    assert AuditEvent.objects.filter(action="identity.resolve", reason="核对身份证原件").exists()
    client.force_login(claimant)
    assert "已确认为本人" in client.get(reverse("accounts:profile")).content.decode()
    assert response.status_code == 302
