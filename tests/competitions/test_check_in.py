"""检录号: drawn at random per contestant (per team in a team contest); judges score by it and
see no names, organizations or ticket numbers; recusal is still enforced by the server."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.choices import Role
from accounts.models import AuditEvent
from competitions import actions, selectors
from competitions.models import CheckIn, Mark


def test_numbers_are_drawn_once_per_contestant_and_never_change(contestants, contest, organizer, approved, make_person):
    assert actions.draw_check_in_numbers(contest, actor=organizer) == 4
    first = dict(CheckIn.objects.values_list("registration_id", "number"))
    assert sorted(first.values()) == ["001", "002", "003", "004"]
    assert actions.draw_check_in_numbers(contest, actor=organizer) == 0
    late = approved(make_person(Role.LEARNER))
    assert actions.draw_check_in_numbers(contest, actor=organizer) == 1
    again = dict(CheckIn.objects.values_list("registration_id", "number"))
    assert again[late.pk] == "005" and {k: again[k] for k in first} == first
    assert selectors.check_in_of(late) == "005"
    assert AuditEvent.objects.filter(action="contest.check_in.draw").count() == 2


def test_only_organizers_draw(contestants, contest, judges) -> None:
    with pytest.raises(PermissionDenied):
        actions.draw_check_in_numbers(contest, actor=judges[0])


def test_a_team_draws_one_number_for_all_its_members(contest, group, organizer, make_person, acme) -> None:
    actions.update_contest(contest, actor=organizer, team_size_min=2, team_size_max=2)
    registrations = []
    for _ in range(2):
        person = make_person(Role.LEARNER, org=acme)
        registration = actions.register(person=person, contest=contest, event_group=group, actor=person, team="一队")
        registrations.append(actions.review_registration(registration, actor=organizer, approve=True))
    assert actions.draw_check_in_numbers(contest, actor=organizer) == 1
    assert {selectors.check_in_of(r) for r in registrations} == {"001"}


def test_the_judge_sheet_shows_only_check_in_numbers_and_recusal_still_holds(
    contestants, contest, organizer, judges, scheme, group, client, make_person
) -> None:
    actions.draw_check_in_numbers(contest, actor=organizer)
    colleague = make_person(Role.JUDGE, org=contestants[0].person.organization)
    actions.assign_judge(group, colleague, actor=organizer)
    client.force_login(colleague)
    url = reverse("competitions:judge_sheet", args=[group.pk])
    page = client.get(url).content.decode()
    for registration in contestants:
        assert registration.ticket.number not in page
        assert registration.person.real_name not in page
        assert f'<th scope="row">{selectors.check_in_of(registration)}</th>' in page
    assert "回避" in page
    # a forged post for the recused contestant is ignored by the sheet and refused by the action
    client.post(url, {f"m-{contestants[0].pk}-{scheme['measured'].pk}": "40"})
    assert not Mark.objects.filter(judge=colleague).exists()
    with pytest.raises(PermissionDenied, match="回避"):
        actions.record_mark(judge=colleague, registration=contestants[0], item=scheme["measured"], value="40")


def test_contestants_see_their_number_on_the_contest_page(contestants, contest, organizer, client) -> None:
    actions.draw_check_in_numbers(contest, actor=organizer)
    client.force_login(contestants[1].person)
    page = client.get(reverse("competitions:detail", args=[contest.slug])).content.decode()
    assert f"<strong>{selectors.check_in_of(contestants[1])}</strong>" in page and "检录号" in page


def test_the_console_draws_numbers(contestants, contest, organizer, client) -> None:
    client.force_login(organizer)
    response = client.post(reverse("competitions:op", args=[contest.slug, "checkin"]), follow=True)
    assert "已抽取 4 个检录号" in response.content.decode()
    assert CheckIn.objects.filter(contest=contest).count() == 4
