"""Typed requests: what a view may assume about ``request.user``.

Django types ``request.user`` as ``User | AnonymousUser`` because a request may come from anyone.
A view behind ``login_required`` knows better, and these names let it say so once instead of
narrowing at every use:

- ``AuthenticatedHttpRequest`` annotates the ``request`` of a view that Django's
  ``login_required`` (or the Wagtail admin, which requires a login for all its views) guards.
  It is a type only: the decorator is what turns anonymous visitors away, so a view annotated
  with it must carry the decorator. (tests/config/test_no_url_returns_5xx.py requests every URL
  anonymously, so a view that then touches a signed-in person's attributes fails it.)
- ``signed_in_user(request)`` is for code a decorator does not guard: it returns the signed-in
  person and answers 403 to an anonymous visitor.
- ``user_or_none(request)`` is for code that serves both (an audit ``actor`` may be nobody).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request whose ``user`` is a signed-in ``User``: the request of a ``login_required`` view."""

    user: User


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in person making ``request``.

    Raises ``PermissionDenied`` (403) for an anonymous visitor, so a caller never acts for nobody.
    """
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied(_("请先登录。"))
    return user


def user_or_none(request: HttpRequest) -> User | None:
    """The signed-in person making ``request``, or None for an anonymous visitor."""
    user = request.user
    return user if user.is_authenticated else None
