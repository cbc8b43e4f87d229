"""A 400 instead of a 500 when a third-party admin view trips over input it did not validate.

The project's own views parse every input through forms, typed schemas or `config.converters`
(`<id:...>`, `parse_id`, `get_by_id_or_404`), and the URL walk in
tests/config/test_no_url_returns_5xx.py holds them to it. The Wagtail admin and the Django admin
are code we do not edit; some of their views pass a raw query or path value to the ORM (a chooser
given `/chosen/abc/`, a page chooser posted "1e308", a filter given a huge number) and raise
ValueError, OverflowError or a missing-key error. For those views only, this middleware answers
such an error with the site's 400 page and logs a warning with the view's name, so a person
sees "请求参数有误" and the error is still visible to whoever reads the logs.

It never applies to the project's own views (nor to Wagtail's page-serving view, which runs the
project's page code, nor to the API): a bug there must stay a failing test, not a quiet 400.

Also here, for the project's views: `invalid_input` (the 400 page listing a form's errors, for a
query-string filter or button value a page cannot show again), `form_errors`, and `has_nul`, the
one NUL check (the middleware below and the API's JSON parser).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.datastructures import MultiValueDict, MultiValueDictKeyError
from django.views.defaults import bad_request

logger = logging.getLogger("config.bad_input")

# Packages whose admin views are covered; wagtail.views (the page tree's serve) is not.
THIRD_PARTY_ADMIN = (
    "wagtail.admin",
    "wagtail.images",
    "wagtail.documents",
    "wagtail.snippets",
    "wagtail.contrib",
    "wagtail.users",
    "wagtail.sites",
    "wagtail.locales",
    "wagtail.api",
    "django.contrib.admin",
    "django.contrib.auth.admin",
)
INPUT_ERRORS: tuple[type[BaseException], ...] = (ValueError, OverflowError, MultiValueDictKeyError, ValidationError)


def _view_module(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    func = match.func
    view_class = getattr(func, "view_class", None) or getattr(func, "cls", None)
    return (view_class or func).__module__ or ""


def _input_error(exception: BaseException) -> bool:
    if isinstance(exception, INPUT_ERRORS):
        return True
    # Wagtail's search backend refuses a filter it has no index for (FilterFieldError); it is
    # raised by a chooser given an unexpected filter parameter.
    return type(exception).__name__ in {"FilterFieldError", "OrderByFieldError"}


class ThirdPartyBadInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        module = _view_module(request)
        if not (module.startswith(THIRD_PARTY_ADMIN) and _input_error(exception)):
            return None
        logger.warning("bad input to %s (%s): %s: %s", request.path, module, type(exception).__name__, exception)
        return bad_request(request, exception)


def form_errors(form: Any) -> list[str]:
    """A form's error messages as one flat list (field errors, then the form's own)."""
    found = [str(message) for name, errors in form.errors.items() if name != "__all__" for message in errors]
    return found + [str(message) for message in form.non_field_errors()]


def form_error_text(form: Any) -> str:
    """Every error of a form as one line (for a message above a page of small forms)."""
    return " ".join(form_errors(form))


def refusal_text(exc: Exception) -> str:
    """What an action's refusal says to the person: a ValidationError's messages on one line, or
    a PermissionDenied's own text (a generic "no permission" when it has none)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("没有权限执行此操作。")


def invalid_input(request: HttpRequest, form: Any) -> HttpResponse:
    """The site's 400 page listing what was wrong with a query or form that a page cannot show
    again (a filter in the query string, a button's hidden values)."""
    return render(request, "400.html", {"errors": form_errors(form)}, status=400)


def has_nul(value: object) -> bool:
    """Whether `value` holds a NUL character anywhere: a string; the keys and every value of a
    form's or query's MultiValueDict; the keys and values of a mapping (a parsed JSON body);
    the items of a list or tuple. Other values (numbers, files) hold none.

    The one NUL check of the project: the form middleware below and the API's JSON parser
    (config/api.py) use it."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, MultiValueDict):
        return any(has_nul(key) or has_nul(items) for key, items in value.lists())
    if isinstance(value, Mapping):
        return any(has_nul(key) or has_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(item) for item in value)
    return False


class NulCharacterMiddleware:
    """400 for a request whose path, query string or form fields hold a NUL character.

    No text the platform stores or looks up may contain NUL: PostgreSQL refuses it in text
    columns (psycopg raises DataError, a 500 on every view that filters by the value) and no
    honest client sends it. Django's form CharFields already refuse it; this covers the values
    views read directly (search words, certificate numbers, `<str:...>` path segments) on every
    database alike. Form fields are inspected before the view runs (after the body limit);
    views that read their body raw (the API, csrf_exempt) and uploaded files are left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path_info or has_nul(request.GET):
            return bad_request(request, ValueError("NUL in the request"))
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, *args: Any, **kwargs: Any) -> HttpResponse | None:
        # Form fields are read here, once the view is known: a view that takes its body raw
        # (django-ninja's, marked csrf_exempt) must find the stream unread, and every other view
        # reads request.POST anyway (CSRF checks do the same). Files are left to the upload code.
        if request.method == "POST" and not getattr(view_func, "csrf_exempt", False) and has_nul(request.POST):
            return bad_request(request, ValueError("NUL in the form"))
        return None


def refuse_nul(value: str) -> str:
    """A pydantic validator (AfterValidator) for message strings: ValueError on a NUL character
    (PostgreSQL refuses them in text and jsonb)."""
    if has_nul(value):
        raise ValueError("NUL character")
    return value
