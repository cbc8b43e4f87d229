from __future__ import annotations

import pytest
from django.urls import reverse

from accounts import actions
from accounts.models import AuditEvent, User
from tests.accounts.sms_helpers import with_sms_code
from tests.conftest import PASSWORD, valid_id_number

pytestmark = pytest.mark.django_db


def register_form(city_id: int, **overrides: str) -> dict[str, str]:
    data = {
        "mobile": "13712345678",
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


def test_a_person_registers_with_mobile_and_is_signed_in_as_learner(client, city) -> None:
    response = client.post(reverse("accounts:register"), with_sms_code(client, register_form(city("济南").pk)))
    assert response.status_code == 302
    user = User.objects.get(mobile="13712345678")
    assert user.role_set == {"learner"}
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert AuditEvent.objects.filter(action="account.register", target_id=str(user.pk)).exists()


def test_registration_refuses_a_bad_id_number_in_chinese_and_stores_nothing(client, city) -> None:
    response = client.post(reverse("accounts:register"), register_form(city("济南").pk, id_number="110105194912310021"))
    assert response.status_code == 200
    assert "校验位不正确" in response.content.decode()
    assert not User.objects.filter(mobile="13712345678").exists()


def test_registration_refuses_an_already_registered_mobile(client, city, learner) -> None:
    data = with_sms_code(client, register_form(city("济南").pk, mobile=learner.mobile))
    response = client.post(reverse("accounts:register"), data)
    assert "该手机号已注册" in response.content.decode()
    assert User.objects.filter(mobile=learner.mobile).count() == 1


def test_the_same_id_number_cannot_belong_to_two_accounts(learner) -> None:
    from accounts.models import IdentityConflict

    number = valid_id_number(7)
    actions.update_profile(learner, actor=learner, id_number=number)
    # Not an error (that would tell anyone whose number it is): the second account does not get it
    # and a province admin is asked to check (tests/accounts/test_id_numbers_cannot_be_enumerated.py).
    second = actions.register_user(mobile="13712340000", real_name="重复", password=PASSWORD, id_number=number)
    assert second.id_number_hash is None
    assert User.objects.filter(id_number_hash=learner.id_number_hash).get() == learner
    assert IdentityConflict.objects.get().person == second


def test_id_number_is_stored_encrypted_fingerprinted_and_masked(learner) -> None:
    number = valid_id_number(8)
    actions.update_profile(learner, actor=learner, id_number=number)
    learner.refresh_from_db()
    assert learner.id_number_masked == number[:6] + "********" + number[-4:]
    assert number not in learner.id_number_cipher
    assert len(learner.id_number_hash) == 64


def test_mismatched_passwords_are_reported(client, city) -> None:
    response = client.post(reverse("accounts:register"), register_form(city("济南").pk, password2="other-2026!"))
    assert "两次输入的密码不一致" in response.content.decode()


def test_login_logout_and_password_change(client, learner) -> None:
    response = client.post(reverse("accounts:login"), {"username": learner.mobile, "password": PASSWORD})
    assert response.status_code == 302
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Xin-mima-2026", "new_password2": "Xin-mima-2026"},
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password("Xin-mima-2026")
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_login_is_locked_after_repeated_failures_even_with_the_right_password(client, learner, settings) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        response = client.post(reverse("accounts:login"), {"username": learner.mobile, "password": "wrong-one"})
        assert "手机号或密码不正确" in response.content.decode()
    response = client.post(reverse("accounts:login"), {"username": learner.mobile, "password": PASSWORD})
    assert response.status_code == 429
    assert "账户在此网络地址上已暂时锁定" in response.content.decode()
    assert AuditEvent.objects.filter(action="login.failure").count() == 3


def test_password_reset_sends_a_link_by_email(client, learner, mailoutbox) -> None:
    learner.email = "wang@example.cn"
    learner.save()
    client.post(reverse("accounts:password_reset"), {"email": "wang@example.cn"})
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/" in mailoutbox[0].body
