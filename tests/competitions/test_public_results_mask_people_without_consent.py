"""Public contest results show people who did not agree to appear on public lists masked
(王*明, no employer); the contest's organizers and judges see everyone in full (issue #19, item 13)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from competitions import actions, selectors
from talent.actions import set_consent
from talent.models import ConsentKind
from tests.competitions.conftest import score_all
from tests.exchange.conftest import export_rows

pytestmark = pytest.mark.django_db

NAMES = ["王小明", "李雷", "欧阳娜娜", "张三丰"]


@pytest.fixture
def results_out(contestants, judges, scheme, group, organizer, contest):
    """Published results of four contestants; only 王小明 (参赛企业0) agreed to public lists."""
    for registration, name in zip(contestants, NAMES, strict=True):
        registration.person.real_name = name
        registration.person.save(update_fields=["real_name"])
    set_consent(contestants[0].person, ConsentKind.LEADERBOARD, True)
    set_consent(contestants[3].person, ConsentKind.LEADERBOARD, False)  # declined explicitly
    score_all(contestants, judges, scheme, [("30", "2"), ("20", "2"), ("10", "2"), ("5", "2")])
    actions.sign_off(group, actor=judges[0])
    actions.publish_results(contest, actor=organizer)
    return contestants


def assert_masked(text: str) -> None:
    assert "王小明" in text and "参赛企业0" in text  # agreed: in full
    for name, masked, org in (
        ("李雷", "李*", "参赛企业1"),
        ("欧阳娜娜", "欧**娜", "参赛企业2"),
        ("张三丰", "张*丰", "参赛企业3"),
    ):
        assert name not in text and masked in text and org not in text


def assert_full(text: str) -> None:
    for i, name in enumerate(NAMES):
        assert name in text and f"参赛企业{i}" in text


def test_names_are_masked_as_the_brief_says() -> None:
    assert [selectors.mask_name(n) for n in ("王小明", "李雷", "欧阳娜娜", "单", "")] == [
        "王*明",
        "李*",
        "欧**娜",
        "*",
        "*",
    ]


def test_the_public_results_page_masks_people_without_consent(client, results_out, contest) -> None:
    assert_masked(client.get(reverse("competitions:results", args=[contest.slug])).content.decode())


def test_the_results_api_masks_people_without_consent(client, results_out, contest) -> None:
    rows = client.get(f"/api/contests/{contest.slug}/results").json()
    assert_masked(str(rows))
    assert {r["name"]: r["organization"] for r in rows}["李*"] == ""


def test_the_provincial_board_masks_people_without_consent(client, results_out, group) -> None:
    assert_masked(client.get(reverse("competitions:board"), {"group": group.name}).content.decode())


def test_organizers_and_judges_see_everyone_in_full(client, results_out, contest, organizer, judges) -> None:
    for person in (organizer, judges[2]):
        client.force_login(person)
        assert_full(client.get(reverse("competitions:results", args=[contest.slug])).content.decode())
        assert_full(str(client.get(f"/api/contests/{contest.slug}/results").json()))
    assert_full(str(export_rows("results", organizer, context=contest)))  # the console's 导出成绩


def test_a_contestant_sees_their_own_name_and_nobody_elses(client, results_out, contest) -> None:
    client.force_login(results_out[1].person)
    page = client.get(reverse("competitions:results", args=[contest.slug])).content.decode()
    assert "李雷" in page and "参赛企业1" in page
    assert "欧阳娜娜" not in page and "参赛企业2" not in page
