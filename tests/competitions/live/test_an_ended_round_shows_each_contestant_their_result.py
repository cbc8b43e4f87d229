"""After 结束本场, reopening the contestant page shows that the round ended, the person's final
rank and score and the podium, rendered on the server: no join form (issue #14 item 4)."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.choices import Role
from competitions.live import selectors
from tests.competitions.live.playing import end, play_question, seat_all

pytestmark = pytest.mark.django_db(transaction=True)


def page(user, round_id: int) -> str:
    client = Client()
    client.force_login(user)
    return client.get(f"/live/{round_id}/play/").content.decode()


def test_a_running_round_shows_the_join_form(arena) -> None:
    html = page(arena.people[0], arena.round.pk)
    assert 'id="join-form"' in html and "本场已结束" not in html.split('id="ended"')[0]


def test_an_ended_round_shows_the_final_rank_score_and_podium_without_the_join_form(arena) -> None:
    seats = seat_all(arena)
    play_question(arena, seats, ["B", "A", "A"])  # 乙 and 丙 right
    play_question(arena, seats, [False, True, False])  # 乙 right
    ended = end(arena)
    html = page(arena.people[1], arena.round.pk)
    assert "本场已结束" in html
    assert 'id="join-form"' not in html and "访问码" not in html and "live/play.js" not in html
    result = selectors.final_result(ended, arena.people[1])
    assert result is not None and (result.rank, result.score, result.correct) == (1, 20.0, 2)
    assert 'id="final-rank">第 1 名' in html and 'id="final-score">20' in html
    # The podium as the hall sees it: nobody here agreed to public lists, so names are masked.
    assert "领奖台" in html and "乙*手" in html and "乙选手" not in html.split("领奖台")[1]

    last = page(arena.people[0], arena.round.pk)
    assert 'id="final-rank">第 3 名' in last and 'id="final-score">0<' in last


def test_someone_who_never_joined_is_told_they_have_no_result(arena, make_person, acme) -> None:
    seats = seat_all(arena)
    play_question(arena, seats, ["A", "A", "A"])
    end(arena)
    stranger = make_person(Role.LEARNER, org=acme, name="丁路人")
    html = page(stranger, arena.round.pk)
    assert "本场已结束" in html and "您没有进入本场比赛" in html and 'id="final-rank"' not in html
    assert selectors.final_result(arena.round, stranger) is None


def test_there_is_no_final_result_before_the_end(arena) -> None:
    seats = seat_all(arena)
    play_question(arena, seats, ["A", "A", "A"])
    assert selectors.final_result(arena.round, arena.people[0]) is None
    assert selectors.podium(arena.round) == []
