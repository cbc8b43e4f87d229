"""WebSocket handshakes are signed in a batch at a time (config/ws_auth.sign_in_many): the
sessions read together, the users in one query. Each verdict must still be Django's own
`auth.get_user`: a changed password, a deactivated or deleted account, a backend no longer
configured, a forged or missing cookie all sign nobody in (and a mismatched session is
flushed, as Django does); a session made under a rotated-out SECRET_KEY still signs in. Under
`make test` the sessions are read from the database, under `make test-pg` from Redis."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.conf import settings
from django.contrib import auth
from django.test import Client, override_settings

from accounts.choices import Role
from config.ws_auth import sign_in_many

pytestmark = pytest.mark.django_db(transaction=True)


def session_key_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def store(key: str | None):
    return import_module(settings.SESSION_ENGINE).SessionStore(key)


def test_a_batch_gives_each_session_what_djangos_get_user_gives(make_person, acme):
    signed_in = make_person(Role.LEARNER, org=acme, name="在线")
    twice = make_person(Role.LEARNER, org=acme, name="两台设备")
    changed = make_person(Role.LEARNER, org=acme, name="改了密码")
    deactivated = make_person(Role.LEARNER, org=acme, name="已停用")
    deleted = make_person(Role.LEARNER, org=acme, name="已删除")
    old_backend = make_person(Role.LEARNER, org=acme, name="旧后端")

    keys = {
        "signed_in": session_key_of(signed_in),
        "twice_a": session_key_of(twice),
        "twice_b": session_key_of(twice),
        "changed": session_key_of(changed),
        "deactivated": session_key_of(deactivated),
        "deleted": session_key_of(deleted),
        "old_backend": session_key_of(old_backend),
    }
    changed.set_password("Another-pass-2026")
    changed.save()
    deactivated.is_active = False
    deactivated.save()
    deleted.delete()
    legacy = store(keys["old_backend"])
    legacy[auth.BACKEND_SESSION_KEY] = "django.contrib.auth.backends.RemoteUserBackend"
    legacy.save()

    sessions = [store(key) for key in keys.values()] + [store(None), store("forged-cookie-value-0123456789")]
    users = sign_in_many(sessions)

    assert [getattr(u, "pk", None) for u in users] == [
        signed_in.pk,
        twice.pk,
        twice.pk,
        None,
        None,
        None,
        None,
        None,
        None,
    ]
    assert all(u.is_anonymous for u in users[3:])
    assert users[1] is not users[2]  # each socket its own object
    # Django's verdicts, one session at a time, agree.
    django_says = [auth.get_user(type("R", (), {"session": store(key)})()) for key in keys.values()]
    assert [getattr(u, "pk", None) for u in django_says][:3] == [signed_in.pk, twice.pk, twice.pk]
    # The session of a changed password was flushed (as Django flushes it).
    assert not store(keys["changed"]).exists(keys["changed"])
    assert store(keys["signed_in"]).exists(keys["signed_in"])


def test_a_session_hashed_under_a_rotated_out_secret_still_signs_in(make_person, acme):
    person = make_person(Role.LEARNER, org=acme, name="旧密钥")
    with override_settings(SECRET_KEY="an-old-secret-key-" + "x" * 40):
        key = session_key_of(person)
    with override_settings(SECRET_KEY_FALLBACKS=["an-old-secret-key-" + "x" * 40]):
        [user] = sign_in_many([store(key)])
    assert user.pk == person.pk


def test_a_hall_signs_in_with_a_constant_number_of_queries(make_person, acme, django_assert_max_num_queries):
    people = [make_person(Role.LEARNER, org=acme, name=f"选手{i}") for i in range(15)]
    sessions = [store(session_key_of(person)) for person in people]
    # The sessions (none with the cache in front) and the users.
    with django_assert_max_num_queries(2):
        users = sign_in_many(sessions)
    assert [u.pk for u in users] == [p.pk for p in people]
