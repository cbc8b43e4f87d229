"""A hall's joins are written a batch at a time (actions.join_many): one ticket query, one INSERT
of the new seats, the rejoins locked and updated together. The outcome must be what joining one
after another gives: the same refusals with the same codes, the same seats, a seat asked for
twice replaced in order (and recorded as two devices), a kicked seat refused, and, if the batch
fails, the same results joined one by one."""

from __future__ import annotations

import pytest

from accounts.choices import Role
from competitions.live import actions, setup
from competitions.live.models import Participant, SignalKind, SuspiciousSignal

pytestmark = pytest.mark.django_db(transaction=True)


def request(arena, i: int, channel: str, *, person=None, code: str | None = None) -> actions.JoinRequest:
    ticket = arena.tickets[i]
    return actions.JoinRequest(
        arena.round,
        person or arena.people[i],
        f" {ticket.number} ",  # what a phone types, spaces and all
        ticket.access_code if code is None else code,
        channel,
    )


def test_a_batch_refuses_seats_and_replaces_as_joins_one_after_another_would(arena, make_person, organizer, acme):
    other_contest, other_group = setup.create_contest(organizer)
    stranger = make_person(Role.LEARNER, org=acme, name="外赛选手")
    foreign_ticket = setup.seat(organizer, other_contest, other_group, stranger)
    # 乙 is already in (an earlier connection); 丙 was kicked.
    actions.join(arena.round, arena.people[1], arena.tickets[1].number, arena.tickets[1].access_code, "old.1")
    kicked = actions.join(
        arena.round, arena.people[2], arena.tickets[2].number, arena.tickets[2].access_code, "old.2"
    ).participant
    Participant.objects.filter(pk=kicked.pk).update(kicked=True)

    batch = [
        request(arena, 0, "new.0a"),  # a first join
        request(arena, 0, "new.0b"),  # the same seat again in the same batch: replaces new.0a
        request(arena, 1, "new.1"),  # a rejoin: replaces old.1
        request(arena, 2, "new.2"),  # kicked
        request(arena, 0, "bad.code", code="000000"),  # wrong access code
        request(arena, 1, "someone.else", person=arena.people[0]),  # 甲 with 乙's ticket
        actions.JoinRequest(arena.round, stranger, foreign_ticket.number, foreign_ticket.access_code, "x"),
        actions.JoinRequest(arena.round, arena.people[0], "NO-SUCH", "123456", "y"),
    ]
    results = actions.join_many(batch)

    first, again, rejoin = results[0], results[1], results[2]
    assert isinstance(first, actions.JoinResult) and first.replaced_channel == ""
    assert isinstance(again, actions.JoinResult) and again.replaced_channel == "new.0a"
    assert again.participant.pk == first.participant.pk
    assert isinstance(rejoin, actions.JoinResult) and rejoin.replaced_channel == "old.1"
    assert rejoin.ticket.number == arena.tickets[1].number
    codes = [r.code if isinstance(r, actions.LiveError) else "ok" for r in results]
    assert codes == ["ok", "ok", "ok", "kicked", "bad_ticket", "wrong_person", "bad_ticket", "bad_ticket"]

    seats = {p.registration.person_id: p for p in Participant.objects.filter(round=arena.round)}
    assert seats[arena.people[0].pk].channel_name == "new.0b" and seats[arena.people[0].pk].connected
    assert seats[arena.people[1].pk].channel_name == "new.1"
    assert seats[arena.people[2].pk].channel_name == "old.2"  # the kicked seat is untouched
    assert len(seats) == 3
    replaced = SuspiciousSignal.objects.filter(round=arena.round, kind=SignalKind.TWO_DEVICES)
    assert sorted(s.participant_id for s in replaced) == sorted(
        [seats[arena.people[0].pk].pk, seats[arena.people[1].pk].pk]
    )


def test_a_failed_batch_joins_one_by_one(arena, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("the batch statement failed")

    monkeypatch.setattr(actions, "_join_batch", broken)
    results = actions.join_many([request(arena, 0, "a"), request(arena, 1, "b", code="000000")])
    assert isinstance(results[0], actions.JoinResult) and results[0].participant.channel_name == "a"
    assert isinstance(results[1], actions.LiveError) and results[1].code == "bad_ticket"
    assert Participant.objects.filter(round=arena.round).count() == 1


def test_a_hall_joins_in_a_constant_number_of_queries(
    arena, make_person, organizer, acme, django_assert_max_num_queries
):
    group = arena.tickets[0].registration.event_group
    people = [make_person(Role.LEARNER, org=acme, name=f"选手{i}") for i in range(12)]
    tickets = [setup.seat(organizer, arena.round.contest, group, person) for person in people]
    batch = [
        actions.JoinRequest(arena.round, person, ticket.number, ticket.access_code, f"c.{i}")
        for i, (person, ticket) in enumerate(zip(people, tickets, strict=True))
    ]
    # Tickets; the seats that exist (locked); the INSERT; the new seats read back; the
    # transaction's begin and commit.
    with django_assert_max_num_queries(6):
        results = actions.join_many(batch)
    assert all(isinstance(r, actions.JoinResult) for r in results)
    assert Participant.objects.filter(round=arena.round, connected=True).count() == 12


def test_a_seat_taken_by_another_process_meanwhile_is_joined_on_its_own(arena, monkeypatch):
    """Between the batch's read of the seats and its INSERT another daphne seats the same
    ticket: the INSERT skips it, and this request then joins as a rejoin would (replacing the
    other connection, recorded as two devices) instead of failing the batch."""
    real_bulk_create = Participant.objects.bulk_create

    def another_process_first(objs, **kwargs):
        Participant.objects.create(
            round=arena.round, registration=arena.tickets[0].registration, channel_name="other.daphne", connected=True
        )
        return real_bulk_create(objs, **kwargs)

    monkeypatch.setattr(Participant.objects, "bulk_create", another_process_first)
    alone = []
    real_join = actions.join

    def counted_join(live_round, user, *args):
        alone.append(user.pk)
        return real_join(live_round, user, *args)

    monkeypatch.setattr(actions, "join", counted_join)
    first, second = actions.join_many([request(arena, 0, "mine.0"), request(arena, 1, "mine.1")])
    assert alone == [arena.people[0].pk]  # only the contested seat, not the whole batch again
    assert isinstance(first, actions.JoinResult) and first.replaced_channel == "other.daphne"
    assert isinstance(second, actions.JoinResult) and second.replaced_channel == ""
    seat = Participant.objects.get(round=arena.round, registration=arena.tickets[0].registration)
    assert seat.channel_name == "mine.0"
    assert SuspiciousSignal.objects.filter(participant=seat, kind=SignalKind.TWO_DEVICES).count() == 1
