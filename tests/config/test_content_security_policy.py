"""A nonce-based Content-Security-Policy on every page, the admins included (issue #19, item 11)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "cms", "lms", "competitions", "talent", "frontend")


def _directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    out: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def _nonce(response) -> str:
    script = _directives(response)["script-src"]
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    nonces = [w for w in script if w.startswith("'nonce-")]
    assert len(nonces) == 1, script
    return nonces[0][len("'nonce-") : -1]


def _inline_script_nonces(html: str) -> list[str]:
    return re.findall(r'<script(?![^>]*\bsrc=)(?![^>]*type="application/json")[^>]*\bnonce="([^"]*)"', html)


def _assert_page_scripts_match(response) -> None:
    nonce = _nonce(response)
    html = response.content.decode()
    found = _inline_script_nonces(html)
    assert found, "the page has no inline script with a nonce"
    assert set(found) == {nonce}
    # No inline script without a nonce (JSON data blocks are not scripts).
    bare = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)(?![^>]*type=\"application/json\")[^>]*>", html)
    assert not bare, bare


def _superuser(make_person):
    from accounts.choices import Role
    from accounts.models import User

    person = make_person(Role.PROVINCE_ADMIN)
    User.objects.filter(pk=person.pk).update(is_superuser=True, is_staff=True)
    return User.objects.get(pk=person.pk)


def test_a_public_page_has_the_policy_and_its_inline_script_the_nonce(client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    _assert_page_scripts_match(response)
    policy = _directives(response)
    assert policy["object-src"] == ["'none'"]
    assert "ws://testserver" in policy["connect-src"] and "wss://testserver" in policy["connect-src"]


def test_each_response_gets_a_new_nonce(client) -> None:
    assert _nonce(client.get("/")) != _nonce(client.get("/"))


def test_a_signed_in_page_has_the_policy(client, learner) -> None:
    client.force_login(learner)
    response = client.get("/learn/me/")
    assert response.status_code == 200
    _assert_page_scripts_match(response)


def test_the_wagtail_admin_has_the_policy_and_its_widgets_the_nonce(client, make_person) -> None:
    from wagtail.models import Page

    client.force_login(_superuser(make_person))
    dashboard = client.get("/cms-admin/")
    assert dashboard.status_code == 200
    assert "'unsafe-inline'" not in _directives(dashboard)["script-src"]
    page = Page.objects.filter(depth=2).first()
    editor = client.get(f"/cms-admin/pages/{page.pk}/edit/")
    assert editor.status_code == 200
    # The publishing schedule's date-time widgets are Wagtail inline scripts: they carry the nonce.
    assert "initDateTimeChooser" in editor.content.decode()
    _assert_page_scripts_match(editor)


def test_the_django_admin_has_the_policy(client, make_person) -> None:
    client.force_login(_superuser(make_person))
    response = client.get("/django-admin/")
    assert response.status_code == 200
    assert "'unsafe-inline'" not in _directives(response)["script-src"]
    assert "<script>" not in response.content.decode()


@override_settings(CMS_PAGE_CACHE_SECONDS=60)
def test_a_page_served_from_the_page_cache_carries_the_new_nonce(client) -> None:
    first = client.get("/")
    second = client.get("/")
    assert second.get("X-Page-Cache") == "hit"
    _assert_page_scripts_match(second)
    assert _nonce(first) != _nonce(second)


def test_no_template_has_an_inline_event_handler_or_a_script_without_the_nonce() -> None:
    handler = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
    script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            if handler.search(text) or script.search(text):
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, offenders
