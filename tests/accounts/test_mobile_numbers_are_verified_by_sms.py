"""Issue #19 item 7: a one-time SMS code proves the mobile number on registration and on changing
it; codes are hashed, expire, allow a few tries; sending is limited per number and per address."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import actions, sms
from accounts.models import AuditEvent, SmsCode, SmsPurpose, User
from tests.accounts.sms_helpers import last_code
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

MOBILE = "13712345670"


def form(city_id: int, **overrides: str) -> dict[str, str]:
    data = {
        "mobile": MOBILE,
        "real_name": "林新人",
        "password1": "Gongye-2026!",
        "password2": "Gongye-2026!",
        "region": str(city_id),
        "job_group": "operator",
        "industry": "equipment",
        "id_number": "",
        "agree": "on",
    }
    data.update(overrides)
    return data


def send(client, data: dict[str, str]):
    return client.post(reverse("accounts:register"), {**data, "send_code": "1"})


def test_registration_needs_the_code_sent_to_the_number(client, city) -> None:
    data = form(city("济南").pk)
    assert client.post(reverse("accounts:register"), data).status_code == 200  # no code requested
    assert not User.objects.filter(mobile=MOBILE).exists()

    page = send(client, data).content.decode()
    assert "验证码已发送" in page and 'value="林新人"' in page  # the other fields are kept, no JS needed
    code = last_code(MOBILE)
    assert len(code) == 6 and code.isdigit()
    stored = SmsCode.objects.get(mobile=MOBILE)
    assert code not in stored.code_hash and len(stored.code_hash) == 64  # only a keyed hash is kept

    wrong = "000000" if code != "000000" else "111111"
    page = client.post(reverse("accounts:register"), {**data, "sms_code": wrong}).content.decode()
    assert "验证码不正确，还可以再试 4 次" in page
    assert not User.objects.filter(mobile=MOBILE).exists()
    response = client.post(reverse("accounts:register"), {**data, "sms_code": code})
    assert response.status_code == 302 and User.objects.filter(mobile=MOBILE).exists()
    assert AuditEvent.objects.filter(action="sms.send").exists()
    assert AuditEvent.objects.filter(action="sms.verify_failure").exists()
    assert AuditEvent.objects.filter(action="sms.verified").exists()

    # Used once.
    client.logout()
    page = client.post(reverse("accounts:register"), {**data, "sms_code": code}).content.decode()
    assert "验证码已失效或尚未获取" in page


def test_a_code_expires_and_dies_after_five_wrong_tries(city) -> None:
    from django.core.exceptions import ValidationError

    actions.send_sms_code(MOBILE, SmsPurpose.REGISTER, ip="10.0.0.1")
    code = last_code(MOBILE)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(ValidationError):
            actions.verify_sms_code(MOBILE, SmsPurpose.REGISTER, wrong, ip="10.0.0.1")
    with pytest.raises(ValidationError, match="错误次数过多"):
        actions.verify_sms_code(MOBILE, SmsPurpose.REGISTER, code, ip="10.0.0.1")

    other = "13712345671"
    actions.send_sms_code(other, SmsPurpose.REGISTER, ip="10.0.0.2")
    SmsCode.objects.filter(mobile=other).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(ValidationError, match="已失效"):
        actions.verify_sms_code(other, SmsPurpose.REGISTER, last_code(other), ip="10.0.0.2")


def test_sending_is_limited_per_number_and_per_address(client, city, settings) -> None:
    # Set before the first send: a limit's counter belongs to its rate, so changing the rate
    # midway would start a fresh count.
    settings.SMS_CODE_PER_ADDRESS = [(3, 3600)]
    page = send(client, form(city("济南").pk)).content.decode()
    assert "验证码已发送" in page
    page = send(client, form(city("济南").pk)).content.decode()
    assert "验证码发送过于频繁，请 1 分钟后再试" in page
    assert SmsCode.objects.filter(mobile=MOBILE).count() == 1

    for n in range(2, 4):  # the address has one send counted (the refused one stopped at the number limit)
        send(client, form(city("济南").pk, mobile=f"1371234568{n}"))
    page = send(client, form(city("济南").pk, mobile="13712345689")).content.decode()
    assert "验证码发送过于频繁" in page
    assert not SmsCode.objects.filter(mobile="13712345689").exists()
    assert AuditEvent.objects.filter(action="sms.throttled").count() == 2


def test_a_new_mobile_number_is_verified_before_it_replaces_the_old_one(client, learner) -> None:
    new = "13712345699"
    client.force_login(learner)
    assert "更换手机号" in client.get(reverse("accounts:profile")).content.decode()
    url = reverse("accounts:mobile_change")
    client.post(url, {"mobile": new, "send_code": "1"})
    code = last_code(new)
    assert code
    page = client.post(url, {"mobile": new, "sms_code": code, "password": "wrong-one"}).content.decode()
    assert "当前密码不正确" in page
    page = client.post(url, {"mobile": new, "sms_code": "", "password": PASSWORD}).content.decode()
    assert "验证码" in page
    learner.refresh_from_db()
    old = learner.mobile
    assert old != new
    assert client.post(url, {"mobile": new, "sms_code": code, "password": PASSWORD}).status_code == 302
    learner.refresh_from_db()
    assert learner.mobile == new
    event = AuditEvent.objects.get(action="account.mobile_change")
    assert event.before == {"mobile": old[:3] + "****" + old[-4:]} and new not in str(event.after)


def test_the_backends_share_one_interface(settings, capsys) -> None:
    settings.SMS_BACKEND = "accounts.sms.LocmemBackend"
    sms.outbox.clear()
    sms.send(MOBILE, "测试短信")
    assert sms.outbox == [(MOBILE, "测试短信")]
    settings.SMS_BACKEND = "accounts.sms.ConsoleBackend"
    sms.send(MOBILE, "测试短信")
    assert "测试短信" in capsys.readouterr().out


def test_a_wrong_password_on_the_mobile_change_counts_toward_the_login_throttle(client, learner) -> None:
    """A borrowed session cannot guess the password here without limit: the check goes through
    authenticate(), which django-axes counts like any login door."""
    from axes.models import AccessAttempt

    client.force_login(learner)
    url = reverse("accounts:mobile_change")
    client.post(url, {"mobile": "13712345698", "send_code": "1"})
    code = last_code("13712345698")
    client.post(url, {"mobile": "13712345698", "sms_code": code, "password": "wrong-one"})
    assert AccessAttempt.objects.get(username=learner.mobile).failures_since_start == 1


def test_the_page_and_the_message_state_the_code_lifetime_that_applies(client, city, settings) -> None:
    settings.SMS_CODE_TTL = 600
    page = send(client, form(city("济南").pk)).content.decode()
    assert "验证码已发送，10 分钟内有效" in page
    stored = SmsCode.objects.get(mobile=MOBILE)
    assert dt.timedelta(seconds=590) < stored.expires_at - timezone.now() <= dt.timedelta(seconds=600)
