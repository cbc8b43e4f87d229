"""The host console's progress names who has not answered the open question yet (full names and
ticket numbers: the host is an organizer) and counts answered / joined (issue #14 item 4)."""

from __future__ import annotations

import pytest

from competitions.live import actions, selectors
from competitions.live.models import LiveRound
from tests.competitions.live.playing import answer, open_next, seat_all

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_waiting_list_shrinks_as_answers_arrive_and_leaves_out_kicked_seats(arena) -> None:
    seats = seat_all(arena)
    question = open_next(arena)
    live_round = LiveRound.objects.get(pk=arena.round.pk)
    before = selectors.progress(live_round)
    assert before.joined == 3 and before.waiting_count == 3
    assert [(w.name, w.ticket) for w in before.waiting] == sorted(
        ((p.real_name, t.number) for p, t in zip(arena.people, arena.tickets, strict=True)), key=lambda w: w[1]
    )

    answer(seats[0], question, "A")
    actions.kick(arena.organizer, arena.round.pk, arena.tickets[2].number)
    after = selectors.progress(live_round)
    assert after.answered == 1 and after.joined == 2
    assert [w.name for w in after.waiting] == ["乙选手"] and after.waiting_count == 1
    assert after.waiting[0].ticket == arena.tickets[1].number


def test_nobody_is_waiting_between_questions(arena) -> None:
    seat_all(arena)
    assert selectors.progress(LiveRound.objects.get(pk=arena.round.pk)).waiting == []
    open_next(arena)
    actions.close_question(arena.organizer, arena.round.pk)
    actions.reveal(arena.organizer, arena.round.pk)
    revealed = selectors.progress(LiveRound.objects.get(pk=arena.round.pk))
    assert revealed.waiting == [] and revealed.waiting_count == 0


def test_the_host_page_gives_its_buttons_the_rules_of_each_state(arena) -> None:
    from django.test import Client

    client = Client()
    client.force_login(arena.organizer)
    page = client.get(f"/live/{arena.round.pk}/host/").content.decode()
    assert 'id="host-rules"' in page and '"question": ["close", "pause", "resume"' in page
    assert '"ended": []' in page


def test_the_console_rules_agree_with_what_the_actions_allow(arena) -> None:
    """Each state's enabled buttons are exactly the host actions the server accepts in it."""
    from django.db import transaction

    from competitions.live.models import RoundState

    runs = {
        "open_next": lambda: actions.open_next(arena.organizer, arena.round.pk),
        "close": lambda: actions.close_question(arena.organizer, arena.round.pk),
        "reveal": lambda: actions.reveal(arena.organizer, arena.round.pk),
        "leaderboard": lambda: actions.show_leaderboard(arena.organizer, arena.round.pk),
        "pause": lambda: actions.set_paused(arena.organizer, arena.round.pk, True),
        "end": lambda: actions.end_round(arena.organizer, arena.round.pk),
    }

    def accepted(action: str) -> bool:
        with transaction.atomic():
            try:
                runs[action]()
            except actions.LiveError:
                return False
            transaction.set_rollback(True)
            return True

    steps = {
        RoundState.LOBBY: lambda: None,
        RoundState.QUESTION: lambda: actions.open_next(arena.organizer, arena.round.pk),
        RoundState.CLOSED: lambda: actions.close_question(arena.organizer, arena.round.pk),
        RoundState.REVEALED: lambda: actions.reveal(arena.organizer, arena.round.pk),
        RoundState.LEADERBOARD: lambda: actions.show_leaderboard(arena.organizer, arena.round.pk),
        RoundState.ENDED: lambda: actions.end_round(arena.organizer, arena.round.pk),
    }
    for state, step in steps.items():
        step()
        assert LiveRound.objects.get(pk=arena.round.pk).state == state
        allowed = {a for a in runs if accepted(a)}
        assert allowed == set(selectors.HOST_ACTIONS[state]) & set(runs), state
