"""Contributions to the CMS home page and the LMS learner dashboard (hooks named by those apps)."""

from __future__ import annotations

from typing import Any

from wagtail import hooks

from competitions import selectors


@hooks.register("shuzhi_home_contests")
def home_contests(*args: Any) -> list[dict[str, Any]]:
    """Upcoming and running contests: [{title, url, starts_at, status}]."""
    return selectors.upcoming_contests()


@hooks.register("shuzhi_learner_contests")
def learner_contests(user_or_request: Any) -> list[dict[str, Any]]:
    """The learner's own contest registrations, called with the user (or a request)."""
    user = getattr(user_or_request, "user", user_or_request)
    return selectors.learner_contests(user)
