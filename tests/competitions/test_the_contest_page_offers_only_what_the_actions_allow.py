"""The contest page shows a button exactly when the action behind it would accept it: the page
reads `selectors.registration_actions`, which uses the actions' own rules."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from competitions import actions
from competitions.models import ContestStatus, Registration, RegistrationStatus
from tests.competitions.conftest import score_all


def withdraw_shown(client, registration: Registration) -> bool:
    client.force_login(registration.person)
    page = client.get(reverse("competitions:detail", args=[registration.contest.slug])).content.decode()
    return f'action="{reverse("competitions:withdraw", args=[registration.contest.slug])}"' in page


def withdraw_allowed(registration: Registration) -> bool:
    try:
        actions.withdraw_registration(Registration.objects.get(pk=registration.pk), actor=registration.person)
    except (ValidationError, PermissionDenied):
        return False
    return True


@pytest.mark.parametrize(
    ("state", "contest_status", "expected"),
    [
        ("pending", ContestStatus.OPEN, True),
        ("approved", ContestStatus.OPEN, True),
        ("approved", ContestStatus.RUNNING, False),
        ("returned", ContestStatus.OPEN, False),
        ("withdrawn", ContestStatus.OPEN, False),
    ],
)
def test_the_withdraw_button_is_shown_exactly_when_withdrawing_is_allowed(
    client, contest, group, organizer, learner, state, contest_status, expected
) -> None:
    registration = actions.register(person=learner, contest=contest, event_group=group, actor=learner)
    if state == "approved":
        actions.review_registration(registration, actor=organizer, approve=True)
    elif state == "returned":
        actions.review_registration(registration, actor=organizer, approve=False, reason="资料不全")
    elif state == "withdrawn":
        actions.withdraw_registration(registration, actor=learner)
    if contest_status != contest.status:
        actions.update_contest(contest, actor=organizer, status=contest_status)

    shown = withdraw_shown(client, registration)
    assert shown == withdraw_allowed(registration) == expected


def test_the_appeal_form_is_shown_exactly_while_an_appeal_would_be_accepted(
    client, contestants, judges, scheme, group, organizer, contest
) -> None:
    registration = contestants[0]
    url = reverse("competitions:detail", args=[contest.slug])
    appeal_form = f'action="{reverse("competitions:appeal", args=[contest.slug])}"'
    client.force_login(registration.person)
    assert appeal_form not in client.get(url).content.decode()  # not published yet
    with pytest.raises(ValidationError):
        actions.file_appeal(registration, actor=registration.person, reason="计分有误")

    score_all(contestants, judges, scheme, [("40", "3"), ("30", "2"), ("20", "1"), ("10", "0")])
    actions.sign_off(group, actor=judges[0])
    actions.publish_results(contest, actor=organizer)
    assert appeal_form in client.get(url).content.decode()
    registration = Registration.objects.get(pk=registration.pk)  # as a request reads it, rules fresh
    actions.file_appeal(registration, actor=registration.person, reason="计分有误")

    assert appeal_form not in client.get(url).content.decode()  # one pending appeal at a time
    with pytest.raises(ValidationError):
        actions.file_appeal(registration, actor=registration.person, reason="再次申诉")


def test_the_register_form_gives_way_to_the_reason_registering_would_be_refused(
    client, contest, group, organizer, learner
) -> None:
    url = reverse("competitions:detail", args=[contest.slug])
    register_form = f'action="{reverse("competitions:register", args=[contest.slug])}"'
    client.force_login(learner)
    assert register_form in client.get(url).content.decode()

    actions.update_contest(contest, actor=organizer, status=ContestStatus.FINISHED)
    page = client.get(url).content.decode()
    assert register_form not in page and "本竞赛当前不接受报名" in page
    with pytest.raises(ValidationError, match="本竞赛当前不接受报名"):
        actions.register(person=learner, contest=contest, event_group=group, actor=learner)
    assert not Registration.objects.filter(person=learner, status=RegistrationStatus.PENDING).exists()
