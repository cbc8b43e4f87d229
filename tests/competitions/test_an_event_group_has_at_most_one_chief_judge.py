"""At most one chief judge per event group: assigning, inviting, resending and accepting a second
one is refused with the reason, and the database refuses it too (`one_chief_judge_per_group`)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.choices import Role
from competitions import actions, selectors
from competitions.models import InvitationStatus, JudgeAssignment, StaffRole


def invite_chief(contest, organizer, person, groups):
    return actions.invite_staff(
        contest,
        actor=organizer,
        mobile=person.mobile,
        real_name=person.real_name,
        role=StaffRole.CHIEF_JUDGE,
        event_groups=groups,
    )


@pytest.fixture
def chief(group, organizer, judge):
    actions.assign_judge(group, judge, actor=organizer, is_chief=True)
    return judge


def test_assigning_a_second_chief_is_refused_with_the_chief_named(group, organizer, chief, make_person) -> None:
    other = make_person(Role.JUDGE, name="孙裁判")
    with pytest.raises(ValidationError, match="已有裁判长 刘裁判"):
        actions.assign_judge(group, other, actor=organizer, is_chief=True)
    assert not JudgeAssignment.objects.filter(judge=other).exists()
    actions.assign_judge(group, other, actor=organizer)  # as a plain judge: fine
    assert selectors.chief_judge_of(group).judge == chief


def test_the_chief_may_be_assigned_again_and_another_group_may_have_its_own(
    contest, group, organizer, chief, make_person
) -> None:
    actions.assign_judge(group, chief, actor=organizer, is_chief=True, is_arbiter=True)
    other_group = contest.event_groups.exclude(pk=group.pk).first()
    actions.assign_judge(other_group, make_person(Role.JUDGE), actor=organizer, is_chief=True)
    assert JudgeAssignment.objects.filter(is_chief=True).count() == 2


def test_the_database_refuses_a_second_chief_in_a_group(group, chief, make_person) -> None:
    other = make_person(Role.JUDGE)
    with pytest.raises(IntegrityError), transaction.atomic():
        JudgeAssignment.objects.create(event_group=group, judge=other, is_chief=True)


def test_inviting_a_chief_for_a_group_that_has_one_is_refused(contest, group, organizer, chief, learner) -> None:
    with pytest.raises(ValidationError) as refused:
        invite_chief(contest, organizer, learner, [group])
    assert "每个赛项只能有一名裁判长" in refused.value.message_dict["role"][0]
    assert not contest.staff_invitations.exists()
    with pytest.raises(ValidationError, match="已是赛项"):
        invite_chief(contest, organizer, chief, [group])


def test_a_second_pending_chief_invitation_for_the_group_is_refused(
    contest, group, organizer, learner, outsider
) -> None:
    invite_chief(contest, organizer, learner, [group])
    with pytest.raises(ValidationError, match="已向 王学员"):
        invite_chief(contest, organizer, outsider, [group])
    invitation = contest.staff_invitations.get()
    actions.revoke_invitation(invitation, actor=organizer)
    invite_chief(contest, organizer, outsider, [group])  # once revoked, another may be invited


def test_accepting_is_refused_when_another_chief_was_made_meanwhile(contest, group, organizer, learner, judge) -> None:
    invitation = invite_chief(contest, organizer, learner, [group]).invitation
    actions.assign_judge(group, judge, actor=organizer, is_chief=True)
    with pytest.raises(ValidationError, match="已由 刘裁判 担任裁判长"):
        actions.accept_invitation(invitation, user=learner)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING
    assert not JudgeAssignment.objects.filter(judge=learner).exists()
    with pytest.raises(ValidationError, match="已有裁判长"):
        actions.resend_invitation(invitation, actor=organizer)


def test_of_two_chief_invitations_to_two_groups_each_is_accepted(contest, group, organizer, learner, outsider) -> None:
    other_group = contest.event_groups.exclude(pk=group.pk).first()
    first = invite_chief(contest, organizer, learner, [group]).invitation
    second = invite_chief(contest, organizer, outsider, [other_group]).invitation
    actions.accept_invitation(first, user=learner)
    actions.accept_invitation(second, user=outsider)
    assert selectors.chief_judge_of(group).judge == learner
    assert selectors.chief_judge_of(other_group).judge == outsider
