from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from talent import actions, kpi
from talent.models import KpiMetric, TalentProfile
from talent.selectors import programme_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def population(make_person, acme, rival, award, certificate, province_admin):
    """Talents in two cities: certificates (talents), a designer and an engineer by evaluation."""
    people = [make_person(Role.LEARNER, org=acme if i % 3 else rival) for i in range(6)]
    for person in people[:5]:
        certificate(person)
    award(people[5])  # an award alone does not make a counted talent
    for n, (person, category) in enumerate([(people[0], "solution_designer"), (people[1], "engineer_middle")]):
        evaluation = actions.propose_evaluation(
            person=person, category=category, route="recognition", body="省人社厅", evidence={}, source="t", source_id=n
        )
        actions.approve_evaluation(evaluation, actor=province_admin)
    return people


def test_dashboard_figures_equal_counts_computed_independently(population, acme) -> None:
    year = min(max(timezone.localdate().year, kpi.YEARS[0]), kpi.YEARS[-1])
    board = kpi.build(None, [])
    talents = TalentProfile.objects.exclude(talent_since=None).count()
    assert board.rows[(year, KpiMetric.TALENTS)].actual == talents == 5
    assert board.rows[(year, KpiMetric.DESIGNERS)].actual == 1
    assert board.rows[(year, KpiMetric.ENGINEERS)].actual == 1
    assert board.rows[(year, KpiMetric.LEADERS)].actual == 0
    jinan = kpi.build(acme.region, [acme.region])
    in_jinan = TalentProfile.objects.filter(city=acme.region).exclude(talent_since=None).count()
    assert jinan.rows[(year, KpiMetric.TALENTS)].actual == in_jinan
    assert dict(programme_figures())["数字技能人才"] == "5"


def test_default_targets_ramp_to_the_plan_totals_and_can_be_edited(province_admin, city_admin) -> None:
    assert kpi.targets()[(2030, "talents")] == 8_000_000
    assert kpi.targets()[(2026, "leaders")] == 2_000
    assert kpi.targets()[(2028, "demand_fit")] == 85
    actions.set_kpi_target(actor=province_admin, year=2027, metric="talents", value=3_500_000)
    assert kpi.targets()[(2027, "talents")] == 3_500_000
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.set_kpi_target(actor=city_admin, year=2027, metric="talents", value=1)


def test_city_admins_see_only_their_city_and_the_province_admin_all(
    client, population, city_admin, province_admin, rival, learner
) -> None:
    client.force_login(city_admin)
    page = client.get(reverse("talent:dashboard"), {"city": rival.region_id})
    assert page.status_code == 200 and page.context["city"].name == "济南"
    assert [c.name for c, _f in page.context["board"].per_city] == ["济南"]
    client.force_login(province_admin)
    page = client.get(reverse("talent:dashboard"), {"city": rival.region_id})
    assert page.context["city"] == rival.region
    page = client.get(reverse("talent:dashboard"))
    assert len(page.context["board"].per_city) == 16 and b"<svg" in page.content
    client.force_login(learner)
    assert client.get(reverse("talent:dashboard")).status_code == 403


def test_the_dashboard_reads_a_bounded_number_of_queries(
    client, population, province_admin, django_assert_max_num_queries
) -> None:
    client.force_login(province_admin)
    with django_assert_max_num_queries(40):
        page = client.get(reverse("talent:dashboard"))
    # The bound means something only for the page itself: a refusal or an error page is cheap.
    assert page.status_code == 200
    assert len(page.context["board"].per_city) == 16 and b"<svg" in page.content
