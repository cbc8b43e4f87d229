from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from talent import actions, kpi
from talent.matching import rank_for
from talent.models import ConsentKind, MatchStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def demand(enterprise_admin, acme):
    return actions.post_demand(
        actor=enterprise_admin,
        organization=acme,
        title="工业互联网运维工程师",
        domains=["industrial_internet"],
        headcount=2,
        city=acme.region,
        pay_min=8000,
        pay_max=12000,
    )


def test_only_opted_in_people_are_ranked_with_an_explanation(demand, learner, outsider, award) -> None:
    award(learner)
    award(outsider)
    assert rank_for(demand) == []
    actions.set_consent(learner, ConsentKind.MATCHING, True)
    ranked = rank_for(demand)
    assert [c.profile.person for c in ranked] == [learner]
    assert ranked[0].score == 40 + 30 + 15 + 3 and any("同城" in r for r in ranked[0].reasons)


def test_contact_details_only_after_the_person_accepts(demand, enterprise_admin, learner, outsider, award) -> None:
    award(learner)
    with pytest.raises(ValidationError):
        actions.invite_match(demand, learner, actor=enterprise_admin)
    actions.set_consent(learner, ConsentKind.MATCHING, True)
    match = actions.invite_match(demand, learner, actor=enterprise_admin)
    with pytest.raises(PermissionDenied):
        actions.reveal_contact(match, viewer=enterprise_admin)
    with pytest.raises(PermissionDenied):
        actions.answer_match(match, person=outsider, accept=True)
    actions.answer_match(match, person=learner, accept=True)
    match.refresh_from_db()
    assert actions.reveal_contact(match, viewer=enterprise_admin)["mobile"] == learner.mobile


def test_other_enterprises_cannot_post_or_invite(demand, outsider, rival, make_person, learner) -> None:
    from accounts.choices import Role

    rival_admin = make_person(Role.ENTERPRISE_ADMIN, org=rival)
    with pytest.raises(PermissionDenied):
        actions.invite_match(demand, learner, actor=rival_admin)
    with pytest.raises(PermissionDenied):
        actions.post_demand(
            actor=outsider, organization=rival, title="x", domains=["data_analysis"], headcount=1, city=rival.region
        )


def test_demand_fit_rate_is_filled_headcount_over_demanded(demand, enterprise_admin, make_person, acme, award) -> None:
    from accounts.choices import Role

    people = [make_person(Role.LEARNER, org=acme) for _ in range(3)]
    for person in people:
        award(person)
        actions.set_consent(person, ConsentKind.MATCHING, True)
        actions.invite_match(demand, person, actor=enterprise_admin)
    assert kpi.demand_fit() == 0
    for match in demand.matches.all():
        actions.answer_match(match, person=match.person, accept=True)
    # 3 accepted for a headcount of 2 counts 2 of 2.
    assert kpi.demand_fit() == 100.0
    withdrawn = actions.set_consent(people[0], ConsentKind.MATCHING, False)
    assert withdrawn.match_opt_in is False
    assert demand.matches.filter(status=MatchStatus.ACCEPTED).count() == 3
