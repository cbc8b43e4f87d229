"""The live boards everyone sees (public board page and board.json, contestants' and the big
screen's leaderboard messages and snapshots) mask people who did not agree to appear on public
lists: 王*明 style, no employer. The host console sees every name (issue #19, item 13)."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from competitions.live.models import Participant
from talent.actions import set_consent
from talent.models import ConsentKind

pytestmark = pytest.mark.django_db(transaction=True)

ORG = "济南测试精工有限公司"


@pytest.fixture
def consent(arena):
    """甲选手 agreed to public lists; 乙选手 declined; 丙选手 was never asked. Everyone is seated."""
    set_consent(arena.people[0], ConsentKind.LEADERBOARD, True)
    set_consent(arena.people[1], ConsentKind.LEADERBOARD, False)
    for ticket in arena.tickets:
        Participant.objects.get_or_create(round=arena.round, registration=ticket.registration)
    return arena


def rows(board: dict) -> dict[str, str]:
    return {row["name"]: row["organization"] for row in board["top"]}


MASKED = {"甲选手": ORG, "乙*手": "", "丙*手": ""}
FULL = {"甲选手": ORG, "乙选手": ORG, "丙选手": ORG}


def test_the_public_board_page_and_its_json_mask_people_without_consent(consent) -> None:
    anonymous = Client()
    assert rows(anonymous.get(f"/live/{consent.round.pk}/board.json").json()) == MASKED
    page = anonymous.get(f"/live/{consent.round.pk}/board/").content.decode()
    assert "甲选手" in page and "乙*手" in page and "丙*手" in page
    assert "乙选手" not in page and "丙选手" not in page
    assert page.count(ORG) == 1


async def test_contestants_and_the_big_screen_get_masked_boards_and_the_host_every_name(consent, sockets) -> None:
    host = await sockets.host()
    player = await sockets.player(1)
    screen, connected, _ = await sockets.raw(consent.organizer, "screen")
    assert connected
    await screen.expect("welcome")
    assert rows((await screen.expect("snapshot"))["leaderboard"]) == MASKED
    assert rows([m for m in player.seen if m["type"] == "snapshot"][-1]["leaderboard"]) == MASKED
    assert rows([m for m in host.seen if m["type"] == "snapshot"][-1]["leaderboard"]) == FULL

    await host.send(type="command", action="leaderboard")
    assert rows(await player.expect("leaderboard")) == MASKED
    assert rows(await screen.expect("leaderboard")) == MASKED
    assert rows(await host.expect("leaderboard")) == FULL

    await host.send(type="command", action="freeze")
    await host.send(type="command", action="unfreeze")
    assert rows(await player.expect("leaderboard")) == MASKED
    assert rows(await host.expect("leaderboard")) == FULL


async def test_withdrawing_consent_masks_the_name_from_the_next_board(consent, sockets) -> None:
    host = await sockets.host()
    player = await sockets.player(2)
    await sync_to_async(set_consent)(consent.people[0], ConsentKind.LEADERBOARD, False)
    await host.send(type="command", action="leaderboard")
    assert rows(await player.expect("leaderboard")) == {"甲*手": "", "乙*手": "", "丙*手": ""}
