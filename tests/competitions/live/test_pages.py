"""The live pages: host console and big screen for organizers only, contestant page, public board, rules."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=True)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_host_console_and_big_screen_are_for_the_contests_organizers_only(arena) -> None:
    rid = arena.round.pk
    host = client_for(arena.organizer)
    assert "开启下一题" in host.get(f"/live/{rid}/host/").content.decode()
    assert host.get(f"/live/{rid}/screen/").status_code == 200
    player = client_for(arena.people[0])
    assert player.get(f"/live/{rid}/host/").status_code == 404
    assert player.get(f"/live/{rid}/screen/").status_code == 404


def test_a_contestant_page_prefills_their_ticket_number(arena) -> None:
    page = client_for(arena.people[0]).get(f"/live/{arena.round.pk}/play/").content.decode()
    assert arena.tickets[0].number in page and "访问码" in page
    assert arena.tickets[0].access_code not in page


def test_the_index_lists_rounds_to_host_and_to_play(arena) -> None:
    assert "主持台" in client_for(arena.organizer).get("/live/").content.decode()
    assert "进入赛场" in client_for(arena.people[1]).get("/live/").content.decode()


def test_the_public_board_and_rules_need_no_login(arena) -> None:
    anonymous = Client()
    assert anonymous.get(f"/live/{arena.round.pk}/board/").status_code == 200
    data = anonymous.get(f"/live/{arena.round.pk}/board.json").json()
    assert data["type"] == "leaderboard" and data["top"] == []
    rules = anonymous.get("/live/rules/").content.decode()
    assert "答对题目的累计用时" in rules and "最后一次答对的时间" in rules


def test_the_demo_seeds_a_live_round_with_four_ticketed_learners(transactional_db) -> None:
    import os

    from django.core.management import call_command

    from competitions.live.models import LiveRound

    with open(os.devnull, "w") as sink:
        call_command("seed_demo", stdout=sink)
        call_command("seed_demo", stdout=sink)
    live_round = LiveRound.objects.get(title="演示场")
    assert live_round.contest.registrations.filter(ticket__isnull=False).count() == 4
    assert live_round.contest.organizers.filter(mobile="13800000004").exists()


def test_seed_contest_writes_tickets_to_a_csv(transactional_db, organizer, tmp_path) -> None:
    import csv
    from io import StringIO

    from django.core.management import call_command

    out = tmp_path / "tickets.csv"
    call_command(
        "seed_contest", "--contestants", "12", "--organizer", organizer.mobile, "--csv", str(out), stdout=StringIO()
    )
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 12 and len({r["ticket"] for r in rows}) == 12
    assert all(len(r["access_code"]) == 6 for r in rows)
