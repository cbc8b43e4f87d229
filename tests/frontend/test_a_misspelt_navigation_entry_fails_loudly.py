"""Every navigation entry reverses; a misspelt one raises instead of vanishing from the menu."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import NoReverseMatch

from accounts.models import User
from frontend import context_processors
from frontend.context_processors import NAV, nav_url, navigation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", [name for _label, name, _roles in NAV])
def test_every_navigation_entry_reverses(name: str) -> None:
    assert nav_url(name).startswith("/")


def test_a_misspelt_entry_raises_on_the_first_page(province_admin: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context_processors, "NAV", [*NAV, ("拼错的入口", "competitions:manag", None)])
    request = RequestFactory().get("/")
    request.user = province_admin
    with pytest.raises(NoReverseMatch):
        navigation(request)
