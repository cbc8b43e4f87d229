"""Issue #19 items 4 and 5: one login path, one throttle per account+address and per address,
one audit trail; the lock-anyone-out and one-address-tries-every-account attacks both fail."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.forms import AuthenticationForm
from django.test import Client, RequestFactory

from accounts.models import AuditEvent, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
OTHER_DOORS = ["/cms-admin/login/", "/django-admin/login/", "/_util/login/"]
ATTACKER, OWNER_HOME = "10.0.0.66", "10.0.0.7"


def try_login(client: Client, mobile: str, password: str, address: str, path: str = LOGIN):  # type: ignore[no-untyped-def]
    return client.post(path, {"username": mobile, "password": password}, REMOTE_ADDR=address)


def signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def lock(client: Client, mobile: str, address: str = ATTACKER, times: int = 5) -> None:
    for _ in range(times):
        try_login(client, mobile, "wrong-password", address)


@pytest.mark.parametrize("door", OTHER_DOORS)
def test_every_other_login_url_leads_to_the_one_login_page_with_its_next(client, door) -> None:
    response = client.get(door, {"next": "/cms-admin/pages/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fcms-admin%2Fpages%2F"
    # An off-site next is dropped rather than carried over.
    assert client.get(door, {"next": "https://evil.example/"})["Location"] == LOGIN


@pytest.mark.parametrize("door", OTHER_DOORS)
def test_no_other_door_checks_a_password_so_none_can_sign_in_or_skip_the_count(client, learner, door) -> None:
    response = try_login(client, learner.mobile, PASSWORD, OWNER_HOME, door)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not signed_in(client)


def test_a_lock_is_honoured_on_every_door_and_no_door_clears_it(client, learner) -> None:
    lock(client, learner.mobile)
    for door in OTHER_DOORS:
        try_login(client, learner.mobile, PASSWORD, ATTACKER, door)
        assert not signed_in(client)
    response = try_login(client, learner.mobile, PASSWORD, ATTACKER)
    assert response.status_code == 429 and not signed_in(client)
    # A successful sign-in by the owner elsewhere does not lift the lock at the attacker's address.
    assert try_login(Client(), learner.mobile, PASSWORD, OWNER_HOME).status_code == 302
    assert try_login(client, learner.mobile, PASSWORD, ATTACKER).status_code == 429


def test_any_form_that_calls_authenticate_is_counted_refused_when_locked_and_audited(learner) -> None:
    """Wagtail's and Django admin's login forms are Django's AuthenticationForm: were one of them
    ever served again, axes would still count it, because it hooks `authenticate` itself."""
    factory = RequestFactory()

    def stock_form(password: str) -> AuthenticationForm:
        request = factory.post("/cms-admin/login/", REMOTE_ADDR=ATTACKER)
        return AuthenticationForm(request, data={"username": learner.mobile, "password": password})

    for _ in range(5):
        assert not stock_form("wrong-password").is_valid()
    assert AccessAttempt.objects.get(username=learner.mobile, ip_address=ATTACKER).failures_since_start == 5
    failures = AuditEvent.objects.filter(action="login.failure")
    assert failures.count() == 5 and failures.first().after["path"] == "/cms-admin/login/"
    assert not stock_form(PASSWORD).is_valid()  # locked: the right password is refused too
    assert AuditEvent.objects.filter(action="login.refused").count() == 1


def test_an_attacker_at_one_address_does_not_lock_the_owner_out_at_another(client, learner) -> None:
    lock(client, learner.mobile, times=12)
    locked = try_login(client, learner.mobile, PASSWORD, ATTACKER)
    page = locked.content.decode()
    assert locked.status_code == 429 and "账户在此网络地址上已暂时锁定" in page and "分钟后" in page
    assert locked["Retry-After"] == "900"

    owner = Client()
    response = try_login(owner, learner.mobile, PASSWORD, OWNER_HOME)
    assert response.status_code == 302 and signed_in(owner)


def test_one_address_cannot_try_every_account(client, learner) -> None:
    # Four failures for each of five numbers: no (account, address) pair reaches its limit of 5,
    # but the address has failed 20 times.
    for n in range(5):
        lock(client, f"1390000000{n}", times=4)
    response = try_login(client, learner.mobile, PASSWORD, ATTACKER)
    assert response.status_code == 429 and "此网络地址登录失败次数过多" in response.content.decode()
    assert not signed_in(client)
    # The same person from another address is not affected.
    assert try_login(Client(), learner.mobile, PASSWORD, OWNER_HOME).status_code == 302


def test_spaced_and_plain_forms_of_a_mobile_count_as_one_account(client, learner) -> None:
    spaced = f"{learner.mobile[:3]} {learner.mobile[3:7]} {learner.mobile[7:]}"
    lock(client, spaced, times=3)
    lock(client, learner.mobile, times=2)
    assert try_login(client, learner.mobile, PASSWORD, ATTACKER).status_code == 429


def test_a_forged_forwarded_header_is_ignored_unless_proxies_are_configured(client, learner, settings) -> None:
    for n in range(5):
        client.post(
            LOGIN,
            {"username": learner.mobile, "password": "wrong-password"},
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    assert try_login(client, learner.mobile, PASSWORD, ATTACKER).status_code == 429

    settings.TRUSTED_PROXY_HOPS = 1  # one nginx in front: it appends the client's address last
    response = client.post(
        LOGIN,
        {"username": learner.mobile, "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=f"{ATTACKER}, {OWNER_HOME}",
    )
    assert response.status_code == 302  # the client is OWNER_HOME; the left entry is the client's own claim


def test_lockout_and_unlock_are_audited_and_a_province_admin_unlocks_from_the_menu(
    client, learner, province_admin
) -> None:
    attacker = Client()
    lock(attacker, learner.mobile, times=8)
    lockouts = AuditEvent.objects.filter(action="login.lockout")
    assert lockouts.count() == 1  # the moment of locking, not every refused attempt after it
    assert lockouts.get().after == {
        "mobile": learner.mobile[:3] + "****" + learner.mobile[-4:],
        "address": ATTACKER,
        "failures": 5,
    }

    client.force_login(learner)
    assert client.get("/accounts/lockouts/").status_code == 403

    client.force_login(province_admin)
    assert 'href="/accounts/lockouts/"' in client.get("/accounts/profile/").content.decode()
    page = client.get("/accounts/lockouts/").content.decode()
    assert learner.real_name in page and ATTACKER in page and learner.mobile not in page

    assert client.post("/accounts/lockouts/", {"lock": "forged"}).status_code == 302
    assert not AuditEvent.objects.filter(action="login.unlock").exists()
    (token,) = re.findall(r'name="lock" value="([^"]+)"', page)
    assert client.post("/accounts/lockouts/", {"lock": token}).status_code == 302
    unlock = AuditEvent.objects.get(action="login.unlock")
    assert unlock.actor == province_admin and unlock.after["address"] == ATTACKER
    assert try_login(attacker, learner.mobile, PASSWORD, ATTACKER).status_code == 302


def test_a_locked_address_is_listed_and_unlocked_as_a_whole(client, province_admin) -> None:
    attacker = Client()
    for n in range(7):
        lock(attacker, f"1391111111{n}", times=3)
    client.force_login(province_admin)
    page = client.get("/accounts/lockouts/").content.decode()
    assert "地址（所有账户）" in page
    (token,) = re.findall(r'name="lock" value="([^"]+)"', page)
    client.post("/accounts/lockouts/", {"lock": token})
    assert not AccessAttempt.objects.filter(ip_address=ATTACKER).exists()
    assert User.objects.filter(pk=province_admin.pk).exists()
