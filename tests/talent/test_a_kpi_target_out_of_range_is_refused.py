"""KPI targets are bounded: a whole number of people up to 20 million, a fit rate from 0 to 100.

A target of 1e308 used to be saved and drawn on every dashboard (issue #19, item 10).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from talent import actions, kpi
from talent.models import KpiTarget

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("metric", "value"),
    [
        ("talents", 1e308),
        ("talents", float("inf")),
        ("talents", float("nan")),
        ("talents", 20_000_001),
        ("talents", 12.5),
        ("talents", -1),
        ("demand_fit", 100.5),
        ("demand_fit", float("nan")),
    ],
)
def test_an_absurd_target_is_refused(province_admin, metric, value) -> None:
    with pytest.raises(ValidationError):
        actions.set_kpi_target(actor=province_admin, year=2027, metric=metric, value=value)
    assert not KpiTarget.objects.exists()


def test_sane_targets_are_kept(province_admin) -> None:
    actions.set_kpi_target(actor=province_admin, year=2027, metric="talents", value=20_000_000)
    actions.set_kpi_target(actor=province_admin, year=2027, metric="demand_fit", value=87.5)
    assert kpi.targets()[(2027, "talents")] == 20_000_000
    assert kpi.targets()[(2027, "demand_fit")] == 87.5


def test_the_dashboard_form_refuses_1e308_with_a_message(client, province_admin) -> None:
    client.force_login(province_admin)
    response = client.post(reverse("talent:dashboard"), {"year": 2027, "metric": "talents", "value": "1e308"})
    assert response.status_code == 200
    assert not KpiTarget.objects.exists()
    assert response.context["form"].errors["value"]
