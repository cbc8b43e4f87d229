"""A view whose request is typed `AuthenticatedHttpRequest` sits behind `login_required`.

The annotation tells the type checker that only a signed-in person reaches the view; Django's
`login_required` (alone, or inside talent's `roles_required`) is what makes it true. Every URL the
project serves is walked, so a new view is covered without touching this file.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver


def _views(resolver: URLResolver) -> Iterator[Callable[..., Any]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern)
        elif isinstance(pattern, URLPattern):
            yield pattern.callback


def _wrappers(view: Callable[..., Any]) -> list[Callable[..., Any]]:
    """The view as served, then each function it wraps (functools.wraps' `__wrapped__`)."""
    chain = [view]
    while hasattr(chain[-1], "__wrapped__"):
        chain.append(chain[-1].__wrapped__)
    return chain


def _is_login_required(function: Callable[..., Any]) -> bool:
    # `wraps` copies the view's name onto the wrapper; the code object keeps where it was defined.
    code = getattr(function, "__code__", None)
    return code is not None and code.co_qualname.startswith("user_passes_test.")


def test_every_view_typed_for_a_signed_in_person_requires_a_login() -> None:
    typed, unguarded = [], []
    for view in _views(get_resolver()):
        chain = _wrappers(view)
        parameters = list(inspect.signature(chain[-1], follow_wrapped=False).parameters.values())
        if not parameters or parameters[0].annotation != "AuthenticatedHttpRequest":
            continue
        name = f"{chain[-1].__module__}.{chain[-1].__qualname__}"
        typed.append(name)
        if not any(_is_login_required(function) for function in chain):
            unguarded.append(name)
    assert unguarded == []
    # The walk reaches the typed views of accounts, lms and talent (not a vacuous pass).
    assert {name.split(".")[0] for name in typed} >= {"accounts", "lms", "talent"}
