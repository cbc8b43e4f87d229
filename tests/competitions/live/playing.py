"""Driving a live round through its actions, without sockets: seat the arena's people, open,
answer, close, reveal, end. For tests of what pages and selectors show at each step."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone

from competitions.live import actions
from competitions.live.models import LiveQuestion, LiveRound, Participant


def seat_all(arena: Any) -> list[Participant]:
    """Every arena person joins the round (as their phone would)."""
    return [
        actions.join(arena.round, person, ticket.number, ticket.access_code, f"test.{i}").participant
        for i, (person, ticket) in enumerate(zip(arena.people, arena.tickets, strict=True))
    ]


def open_next(arena: Any) -> LiveQuestion:
    actions.open_next(arena.organizer, arena.round.pk)
    live_round = LiveRound.objects.get(pk=arena.round.pk)
    assert live_round.current is not None
    return live_round.current


def answer(seat: Participant, question: LiveQuestion, response: Any) -> None:
    results = actions.submit_answers(
        [actions.PendingAnswer(seat.pk, seat.round_id, uuid.uuid4(), question.pk, response, timezone.now())]
    )
    assert results[0].ack is not None, results[0].error


def play_question(arena: Any, seats: list[Participant], responses: list[Any], *, reveal: bool = True) -> LiveQuestion:
    """Open the next question, answer it (None: that seat does not answer), close and reveal it."""
    question = open_next(arena)
    for seat, response in zip(seats, responses, strict=True):
        if response is not None:
            answer(seat, question, response)
    actions.close_question(arena.organizer, arena.round.pk)
    if reveal:
        actions.reveal(arena.organizer, arena.round.pk)
    return question


def end(arena: Any) -> LiveRound:
    actions.end_round(arena.organizer, arena.round.pk)
    return LiveRound.objects.get(pk=arena.round.pk)
