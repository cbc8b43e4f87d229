"""A 23-digit monthly pay and a board named city:<huge> or city:² are refused, not a 500
(issue #19, item 9)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from talent import actions
from talent.models import Demand

pytestmark = pytest.mark.django_db


def test_a_23_digit_pay_is_a_form_error(client, enterprise_admin, acme) -> None:
    client.force_login(enterprise_admin)
    response = client.post(
        reverse("talent:demands"),
        {
            "title": "数控工",
            "domains": ["industrial_internet"],
            "headcount": 2,
            "city": acme.region_id,
            "pay_min": "12345678901234567890123",
            "pay_max": "",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["pay_min"]
    assert not Demand.objects.exists()
    with pytest.raises(ValidationError, match="月薪"):
        actions.post_demand(
            actor=enterprise_admin,
            organization=acme,
            title="数控工",
            domains=["industrial_internet"],
            headcount=2,
            city=acme.region,
            pay_min=10**22,
        )


@pytest.mark.parametrize("board", ["city:9223372036854775808", "city:99999999999999999999999", "city:²", "city:-1"])
def test_a_city_board_that_cannot_exist_is_a_404(client, board) -> None:
    assert client.get(reverse("talent:leaderboard"), {"board": board}).status_code == 404
    assert client.get("/api/talent/leaderboard", {"board": board}).status_code == 404
