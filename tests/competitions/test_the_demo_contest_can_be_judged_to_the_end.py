"""After `seed_demo` the main contest can be judged by hand: every judgement item of its groups
has at least two assigned judges who are not recused from any contestant, and a chief judge."""

from __future__ import annotations

import io

from django.core.management import call_command

from competitions import demo, selectors
from competitions.models import Contest, ItemKind, MarkingItem, RegistrationStatus


def test_every_judgement_item_has_two_unrecused_judges_and_a_chief(db) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # idempotent: a second run changes no panel
    contest = Contest.objects.get(slug=demo.SLUG)
    items = MarkingItem.objects.filter(task__event_group__contest=contest, kind=ItemKind.JUDGEMENT)
    assert items.exists()
    for item in items.select_related("task__event_group"):
        group = item.task.event_group
        assignments = list(group.judge_assignments.select_related("judge"))
        contestants = group.registrations.filter(status=RegistrationStatus.APPROVED).select_related("person")
        assert contestants.exists()
        for registration in contestants:
            free = [
                a
                for a in assignments
                if not selectors.is_recused(a.judge, {registration.person.organization_id} - {None})
            ]
            assert len(free) >= 2, (item, registration)
        chiefs = [a for a in assignments if a.is_chief]
        assert len(chiefs) == 1 and chiefs[0].judge.mobile == demo.CHIEF_JUDGE
    assert not selectors.staff_recusals(contest)
