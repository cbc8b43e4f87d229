"""Issue #15 item 5: after `seed_demo`, the demo learners find something on their calendar this
month and next (a quiz window for the enrolled learner, the demo contest's dates for all four)."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.calendar import Month, entries_for
from accounts.models import User

pytestmark = pytest.mark.django_db


def test_demo_learners_have_entries_this_month_and_next() -> None:
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", stdout=quiet)
    this = Month.containing(timezone.localdate())
    following = this.next
    assert following is not None
    for mobile in ("13800000001", "13800000011", "13800000012", "13800000013"):
        person = User.objects.get(mobile=mobile)
        assert entries_for(person, *following.bounds()), f"{mobile} has nothing next month"
    # The enrolled learner has her quiz opening this month, whatever the day.
    wang = User.objects.get(mobile="13800000001")
    kinds = {e.kind for e in entries_for(wang, *this.bounds())}
    assert "exam" in kinds
    # Seeding again changes no date (idempotent).
    before = [(e.uid, e.starts) for e in entries_for(wang, *following.bounds())]
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", stdout=quiet)
    assert [(e.uid, e.starts) for e in entries_for(wang, *following.bounds())] == before
