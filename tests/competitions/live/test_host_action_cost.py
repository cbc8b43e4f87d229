"""Opening a question is on every contestant's critical path (the broadcast waits for its commit):
the round's lock and its writes, sent together, whatever the number of questions or contestants.
The round's questions are read once per run (its plan), and a reset starts a new run: what an
organizer changed in the lobby after a reset is what the next run shows."""

from __future__ import annotations

import json
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEvent
from competitions.live import actions, authoring


def statements(ctx: CaptureQueriesContext) -> list[str]:
    """Each round trip's statements, by their first word (several in one round trip on PostgreSQL)."""
    return [
        "+".join(part.split()[0].upper() for part in q["sql"].split(";\n"))
        for q in ctx.captured_queries
        if not q["sql"].startswith(("BEGIN", "COMMIT"))
    ]


def writes(*kinds: str) -> list[str]:
    """The writes as they travel: one round trip on PostgreSQL, one each elsewhere."""
    return ["+".join(kinds)] if connection.vendor == "postgresql" else list(kinds)


def test_opening_a_question_is_the_lock_and_one_round_trip_of_writes(arena) -> None:
    total = arena.round.questions.count()
    assert total > 2
    with CaptureQueriesContext(connection) as ctx:
        outcome = actions.open_next(arena.organizer, arena.round.pk)
    # The first question: lock the round, read its questions (the plan), then the two updates and
    # the audit record (the host check reads the organizer's role grants, already loaded).
    assert statements(ctx) == ["SELECT", "SELECT", *writes("UPDATE", "UPDATE", "INSERT")]
    frame = json.loads(outcome.broadcasts[0].frame)
    assert frame["question"]["position"] == 1
    assert frame["question"]["total"] == total
    actions.close_question(arena.organizer, arena.round.pk)

    with CaptureQueriesContext(connection) as ctx:
        outcome = actions.open_next(arena.organizer, arena.round.pk)
    # Every later question: the lock and the writes only.
    assert statements(ctx) == ["SELECT", *writes("UPDATE", "UPDATE", "INSERT")]
    frame = json.loads(outcome.broadcasts[0].frame)
    assert frame["question"]["position"] == 2
    assert frame["question"]["total"] == total

    # What was written is what the ORM would have written.
    arena.round.refresh_from_db()
    second = arena.round.questions.get(position=2)
    assert arena.round.current_id == second.pk and arena.round.state == "question"
    assert arena.round.seq == json.loads(outcome.broadcasts[0].frame)["seq"]
    assert second.opens_at is not None and second.closes_at is not None
    assert round((second.closes_at - second.opens_at).total_seconds()) == second.seconds
    last = AuditEvent.objects.filter(action="live.open_question").order_by("-pk").first()
    assert last is not None and last.actor_id == arena.organizer.pk
    assert last.target_id == str(arena.round.pk) and last.after == {"question": second.pk}
    assert last.before == {"state": "closed"}


def test_a_reset_starts_a_new_run_that_shows_what_changed_in_the_lobby(arena) -> None:
    actions.open_next(arena.organizer, arena.round.pk)
    actions.close_question(arena.organizer, arena.round.pk)
    authoring.reset_round(arena.organizer, arena.round)
    arena.round.refresh_from_db()
    # In the lobby again: the organizer drops the first question and retimes the next one.
    first, second = arena.round.questions.order_by("position")[:2]
    authoring.remove_question(arena.organizer, first)
    second.refresh_from_db()
    authoring.set_question_timing(arena.organizer, second, seconds=42, points=Decimal(7))

    outcome = actions.open_next(arena.organizer, arena.round.pk)
    question = json.loads(outcome.broadcasts[0].frame)["question"]
    assert question["id"] == second.pk
    assert question["position"] == 1
    assert question["seconds"] == 42 and question["points"] == 7.0
    assert question["total"] == arena.round.questions.count()
