"""Opening a question is on every contestant's critical path (the broadcast waits for its commit):
a fixed handful of statements, whatever the number of questions or contestants."""

from __future__ import annotations

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from competitions.live import actions


def statements(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"].split()[0].upper() for q in ctx.captured_queries if not q["sql"].startswith(("BEGIN", "COMMIT"))]


def test_opening_a_question_takes_five_statements_and_tells_the_question_count(arena) -> None:
    total = arena.round.questions.count()
    assert total > 1
    with CaptureQueriesContext(connection) as ctx:
        outcome = actions.open_next(arena.organizer, arena.round.pk)
    # Lock the round, the next question with the count, two updates, one audit (the host check
    # reads the organizer's role grants, already loaded with the person).
    assert statements(ctx) == ["SELECT", "SELECT", "UPDATE", "UPDATE", "INSERT"]
    frame = json.loads(outcome.broadcasts[0].frame)
    assert frame["question"]["position"] == 1
    assert frame["question"]["total"] == total
