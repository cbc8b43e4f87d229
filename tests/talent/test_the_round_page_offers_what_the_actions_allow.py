"""The round page shows a step's button exactly when the action behind it would accept it.

The page asks `talent.selectors.candidate_moves` / `round_moves` what a person may do; this
test renders the page for each person and each candidate state, then tries every step through
the actions (rolled back), so a rule changed in one place and not the other fails here."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from accounts.choices import Role
from talent import actions
from talent.models import Candidate, CandidateStatus

pytestmark = pytest.mark.django_db

CANDIDATE_MOVES = ("nominate", "decline", "approve", "reject")
ROUND_MOVES = ("generate", "notice", "finalize")


class _Undo(Exception):
    """Raised inside a savepoint to roll a successful step back."""


def _accepted(step) -> bool:
    try:
        with transaction.atomic():
            step()
            raise _Undo
    except _Undo:
        return True
    except (ValidationError, PermissionDenied):
        return False


def _candidate_step(move: str, candidate, actor):
    if move == "nominate":
        return lambda: actions.nominate_candidate(candidate, actor=actor, reason="理由")
    if move == "decline":
        return lambda: actions.decline_candidate(candidate, actor=actor, reason="理由")
    return lambda: actions.review_candidate(candidate, actor=actor, approve=move == "approve", reason="理由")


def _buttons(html: str, person_name: str) -> set[str]:
    """The `do` buttons on the card of `person_name` (empty when the card is not shown)."""
    for card in html.split('data-testid="candidate"')[1:]:
        if f'data-person="{person_name}"' in card.split(">", 1)[0]:
            return set(re.findall(r'name="do" value="(\w+)"', card))
    return set()


@pytest.fixture
def people(make_person, acme, award):
    found = {}
    for state in ("candidate", "nominated", "declined", "approved", "rejected"):
        person = make_person(Role.LEARNER, org=acme, name=f"状态{state}")
        award(person, "province", "first")
        found[state] = person
    return found


@pytest.fixture
def selection(province_admin, city_admin, city, people):
    selection = actions.create_round(
        actor=province_admin, year=2026, name="一致性测试", quotas={city("济南").pk: 10, city("青岛").pk: 10}
    )
    actions.generate_candidates(selection, actor=province_admin)
    by_person = {c.person_id: c for c in selection.candidates.all()}
    for state, person in people.items():
        candidate = by_person[person.pk]
        if state in ("nominated", "approved", "rejected"):
            actions.nominate_candidate(candidate, actor=city_admin, reason="推荐")
        if state == "declined":
            actions.decline_candidate(candidate, actor=city_admin, reason="暂不推荐")
        if state in ("approved", "rejected"):
            actions.review_candidate(candidate, actor=province_admin, approve=state == "approved", reason="审核")
    return selection


@pytest.mark.parametrize("who", ["province_admin", "city_admin", "qingdao_admin"])
def test_each_candidate_shows_the_buttons_its_actions_accept(
    client, request, who, selection, people, make_person, city
) -> None:
    viewer = (
        make_person(Role.CITY_ADMIN, region=city("青岛"), name="青岛市管")
        if who == "qingdao_admin"
        else request.getfixturevalue(who)
    )
    client.force_login(viewer)
    response = client.get(reverse("talent:round", args=[selection.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    offered_somewhere = set()
    for state, person in people.items():
        candidate = selection.candidates.get(person=person)
        assert candidate.status == CandidateStatus(state)
        shown = _buttons(html, person.real_name)
        accepted = {move for move in CANDIDATE_MOVES if _accepted(_candidate_step(move, candidate, viewer))}
        assert shown == accepted, f"{who} on a {state} candidate: page {sorted(shown)}, actions {sorted(accepted)}"
        offered_somewhere |= shown
    # The test means something only if the page offers steps to someone.
    if who != "qingdao_admin":
        assert "decline" in offered_somewhere


def test_the_round_steps_shown_are_the_ones_the_province_may_take(
    client, selection, province_admin, city_admin
) -> None:
    for viewer in (province_admin, city_admin):
        client.force_login(viewer)
        html = client.get(reverse("talent:round", args=[selection.pk])).content.decode()
        shown = {m for m in ROUND_MOVES if f'name="do" value="{m}"' in html}
        steps = {
            "generate": lambda v=viewer: actions.generate_candidates(selection, actor=v),
            "notice": lambda v=viewer: actions.start_notice(selection, actor=v, days=5),
            "finalize": lambda v=viewer: actions.finalize_round(selection, actor=v),
        }
        accepted = {move for move, step in steps.items() if _accepted(step)}
        assert shown == accepted


def test_a_notice_length_that_is_not_a_number_is_refused_with_a_message(client, selection, province_admin) -> None:
    client.force_login(province_admin)
    url = reverse("talent:round_action", args=[selection.pk])
    response = client.post(url, {"do": "notice", "days": "五"}, follow=True)
    assert response.status_code == 200 and "公示天数请填写 1 到 30 之间的整数" in response.content.decode()
    selection.refresh_from_db()
    assert selection.status == "nominating"
    client.post(url, {"do": "notice", "days": "7"})
    selection.refresh_from_db()
    assert selection.status == "notice" and (selection.notice_ends - selection.notice_starts).days == 7


def _objection_buttons(html: str) -> list[set[str]]:
    """The decision buttons of each objection card, in page order."""
    return [
        set(re.findall(r'name="(upheld|spam)"', card.split('data-testid="objection"')[0]))
        for card in html.split('data-testid="objection"')[1:]
    ]


def test_an_objection_shows_the_decisions_its_actions_accept(
    client, selection, people, province_admin, city_admin, learner
) -> None:
    """Open objections carry 异议成立 / 异议不成立 / 移除 for the province only; a decided one none."""
    actions.start_notice(selection, actor=province_admin, days=5)
    listed = Candidate.objects.get(round_id=selection.pk, person=people["approved"])  # the round as it is now
    decided = actions.file_objection(listed, text="材料不实", filed_by=learner)
    actions.resolve_objection(decided, actor=province_admin, upheld=False, resolution="经核实无误")
    listed.refresh_from_db()
    open_one = actions.file_objection(listed, text="另有隐情", filed_by=learner)
    steps = {
        "upheld": lambda o, v: actions.resolve_objection(o, actor=v, upheld=True, resolution="理由"),
        "spam": lambda o, v: actions.remove_objection(o, actor=v, reason="理由"),
    }
    for viewer in (province_admin, city_admin):
        client.force_login(viewer)
        response = client.get(reverse("talent:round", args=[selection.pk]))
        assert response.status_code == 200
        cards = dict(zip([decided.pk, open_one.pk], _objection_buttons(response.content.decode()), strict=True))
        for objection in (decided, open_one):
            objection.refresh_from_db()
            accepted = {name for name, step in steps.items() if _accepted(lambda o=objection, s=step: s(o, viewer))}
            assert cards[objection.pk] == accepted, f"{viewer.real_name} on a {objection.status} objection"
    client.force_login(province_admin)
    assert _objection_buttons(client.get(reverse("talent:round", args=[selection.pk])).content.decode()) == [
        set(),
        {"upheld", "spam"},
    ]
