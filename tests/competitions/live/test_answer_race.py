"""Many concurrent submissions of one answer (PostgreSQL, real threads) are stored and scored once."""

from __future__ import annotations

import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection

from competitions.live import actions
from competitions.live.models import LiveAnswer, LiveRound, Participant

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_submissions_of_one_answer_score_once(arena) -> None:
    seat = Participant.objects.create(round=arena.round, registration=arena.tickets[0].registration)
    actions.open_next(arena.organizer, arena.round.pk)
    lq = LiveRound.objects.get(pk=arena.round.pk).current
    same_id = uuid.uuid4()
    from django.utils import timezone

    arrived = timezone.now()
    barrier = threading.Barrier(12)
    results: list[actions.AnswerResult] = []
    errors: list[BaseException] = []

    def submit(i: int) -> None:
        try:
            answer_id = same_id if i % 2 == 0 else uuid.uuid4()
            barrier.wait()
            results.extend(
                actions.submit_answers([actions.PendingAnswer(seat.pk, arena.round.pk, answer_id, lq.pk, "A", arrived)])
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert LiveAnswer.objects.filter(participant=seat).count() == 1
    stored = LiveAnswer.objects.get(participant=seat)
    acks = [r.ack for r in results if r.ack]
    assert all(a.answer_id == stored.client_id for a in acks)
    assert {r.error.code for r in results if r.error} <= {"already_answered"}
    actions.close_question(arena.organizer, arena.round.pk)
    seat.refresh_from_db()
    assert seat.score == Decimal(10)
