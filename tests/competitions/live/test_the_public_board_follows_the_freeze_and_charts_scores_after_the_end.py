"""The public board's 已封榜 badge follows the round (it showed in the lobby, after unfreezing and
after the end), and after the end the board charts the top five's cumulative score after each
question, masked like every public board (issue #14 items 4 and 5)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from competitions.live import actions
from competitions.live.models import LiveRound
from talent.actions import set_consent
from talent.models import ConsentKind
from tests.competitions.live.playing import end, play_question, seat_all

pytestmark = pytest.mark.django_db(transaction=True)


def badge_shown(html: str) -> bool:
    tag = re.search(r'<span id="frozen"[^>]*>', html)
    assert tag is not None
    return " hidden" not in tag.group(0)


def looks(round_id: int) -> tuple[bool, bool, bool]:
    """(board.json frozen, data.json frozen, the page's badge shown)."""
    anonymous = Client()
    return (
        anonymous.get(f"/live/{round_id}/board.json").json()["frozen"],
        anonymous.get(f"/live/{round_id}/board/data.json").json()["leaderboard"]["frozen"],
        badge_shown(anonymous.get(f"/live/{round_id}/board/").content.decode()),
    )


def test_the_freeze_badge_follows_the_round_from_lobby_to_end(arena) -> None:
    rid = arena.round.pk
    seats = seat_all(arena)
    assert looks(rid) == (False, False, False)  # lobby
    actions.set_frozen(arena.organizer, rid, True)
    assert looks(rid) == (True, True, True)
    play_question(arena, seats, ["A", "B", "A"])
    assert looks(rid) == (True, True, True)
    actions.set_frozen(arena.organizer, rid, False)
    assert looks(rid) == (False, False, False)
    actions.set_frozen(arena.organizer, rid, True)
    ended = end(arena)
    assert not ended.frozen  # the end publishes the true standings
    assert looks(rid) == (False, False, False)


def test_the_badge_hides_with_the_board_stylesheet(arena) -> None:
    """The design system's .badge sets display, which beat the hidden attribute (the bug): the
    page loads live.css, whose rule makes [hidden] win on the board."""
    html = Client().get(f"/live/{arena.round.pk}/board/").content.decode()
    assert "live/live.css" in html and 'class="live-page"' in html
    from django.contrib.staticfiles import finders

    css_path = finders.find("live/live.css")
    assert css_path is not None
    with open(css_path, encoding="utf-8") as css:
        assert ".live-page [hidden]" in css.read()


def test_the_score_chart_comes_only_after_the_end(arena) -> None:
    rid = arena.round.pk
    set_consent(arena.people[0], ConsentKind.LEADERBOARD, True)
    seats = seat_all(arena)
    play_question(arena, seats, ["A", "A", "B"])  # 甲 乙 +10
    play_question(arena, seats, [True, False, True])  # 甲 丙 +10
    play_question(arena, seats, [["A", "B", "D"], ["A"], None])  # 甲 +10
    anonymous = Client()
    assert anonymous.get(f"/live/{rid}/board/data.json").json()["history"] is None
    assert 'id="board-history"' not in anonymous.get(f"/live/{rid}/board/").content.decode()

    end(arena)
    data = anonymous.get(f"/live/{rid}/board/data.json").json()
    assert data["state"] == "ended"
    history = data["history"]
    assert history["questions"] == [1, 2, 3]
    series = {s["name"]: s["points"] for s in history["series"]}
    assert series == {"甲选手": [10.0, 20.0, 30.0], "乙*手": [10.0, 10.0, 10.0], "丙*手": [0.0, 10.0, 10.0]}
    assert [s["rank"] for s in history["series"]] == [1, 2, 3]
    assert all(s["organization"] == "" for s in history["series"] if "*" in s["name"])
    html = anonymous.get(f"/live/{rid}/board/").content.decode()
    assert 'id="board-history"' in html and "乙选手" not in html


def test_the_chart_shows_at_most_five(arena, make_person, acme) -> None:
    from accounts.choices import Role
    from competitions.live import setup
    from competitions.models import EventGroup

    group = EventGroup.objects.filter(contest=arena.round.contest).first()
    for i in range(4):
        person = make_person(Role.LEARNER, org=acme, name=f"加{i}选手")
        ticket = setup.seat(arena.organizer, arena.round.contest, group, person)
        actions.join(arena.round, person, ticket.number, ticket.access_code, f"extra.{i}")
    seats = seat_all(arena)
    play_question(arena, seats, ["A", "A", "A"])
    end(arena)
    history = Client().get(f"/live/{arena.round.pk}/board/data.json").json()["history"]
    assert len(history["series"]) == 5 and LiveRound.objects.get(pk=arena.round.pk).participants.count() == 7
