"""Path converters for ids: a URL that names a row the database cannot hold is a 404, never a 500.

Django's `<int:...>` accepts any run of digits, so `/learn/courses/9223372036854775808/` reached
the database with a number wider than its integer columns (OverflowError on SQLite, DataError on
PostgreSQL). Every id in the project's URLs uses `<id:...>` instead: 1 to 2**63 - 1 (the range of
a BigAutoField on both databases). A value outside it does not match the pattern, so the resolver
answers 404 before any view runs.

Importing this module registers the converter; each urls module that uses it imports it.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import register_converter
from django.urls.converters import get_converters

# The widest primary key on SQLite and PostgreSQL (bigint / SQLite INTEGER).
DB_ID_MAX = 2**63 - 1


class DatabaseIdConverter:
    """A positive integer that fits a database id column: 1..2**63-1, at most 19 digits."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= DB_ID_MAX:
            raise ValueError(f"{value} is not a database id")  # no match: the resolver answers 404
        return number

    def to_url(self, value: int | str) -> str:
        return str(int(value))


def parse_id(value: object) -> int | None:
    """A database id from a query or form value ("12"), or None for anything else: empty,
    non-numeric, signed, fractional, NUL-laden or out of range. Callers answer None with a 404
    or a form error instead of passing the raw text to the database."""
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        return None
    if not re.fullmatch(r"[0-9]{1,19}", text):
        return None
    number = int(text)
    return number if 1 <= number <= DB_ID_MAX else None


def get_by_id_or_404(queryset: Any, raw_id: object, **filters: Any) -> Any:
    """`get_object_or_404` for an id that came from a query string or form: anything that is not
    a database id (see parse_id) is a 404 like a missing row, never a ValueError."""
    number = parse_id(raw_id)
    if number is None:
        raise Http404
    return get_object_or_404(queryset, pk=number, **filters)


if "id" not in get_converters():
    register_converter(DatabaseIdConverter, "id")

# The ORM half of the same rule: out-of-range integers in `__in` and relation lookups match nothing.
import config.lookups  # noqa: E402, F401
