"""Asserting notices in tests: one stored by the action, delivered only once its transaction commits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core import mail

from accounts.models import Notice, User


def with_email(person: User) -> User:
    """Give the person an address, so the email channel (on by default) shows when delivery ran."""
    person.email = f"p{person.pk}@example.cn"
    person.save(update_fields=["email"])
    return person


def notices_of(person: User, kind: str) -> list[Notice]:
    return list(Notice.objects.filter(person=person, kind=kind))


def exactly_one_after_commit(capture: Any, person: User, kind: str, action: Callable[[], Any]) -> Notice:
    """Run `action` capturing on-commit callbacks: one notice of `kind` is stored for `person`,
    nothing is emailed before the commit, and exactly one email goes to the person after it."""
    with_email(person)
    mail.outbox.clear()
    with capture(execute=False) as callbacks:
        action()
    stored = notices_of(person, kind)
    assert len(stored) == 1, f"expected one {kind} notice, found {len(stored)}"
    assert [m for m in mail.outbox if person.email in m.to] == [], "emailed before the commit"
    for callback in callbacks:
        callback()
    sent = [m for m in mail.outbox if person.email in m.to and stored[0].title in m.subject]
    assert len(sent) == 1, f"expected one email about {stored[0].title!r}, found {len(sent)}"
    stored[0].refresh_from_db()
    return stored[0]
