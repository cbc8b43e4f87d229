"""Every demo person's home (/me/) renders in a bounded number of queries: each panel reads a
capped list through its app's selectors, so the cost does not grow with the data."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command

from accounts.choices import Role
from accounts.demo import PEOPLE
from accounts.models import User

pytestmark = pytest.mark.django_db

# Per role, with the demo data (the learner's panels are the most: courses, quizzes, contests
# with tickets and check-in numbers, certificates, index and ranks).
MAX_QUERIES = {
    Role.LEARNER: 32,
    Role.MENTOR: 14,
    Role.ENTERPRISE_ADMIN: 15,
    Role.ORGANIZER: 20,
    Role.JUDGE: 20,
    Role.EDITOR: 14,
    Role.CITY_ADMIN: 20,
    Role.PROVINCE_ADMIN: 20,
}


def test_every_demo_persons_home_stays_within_its_roles_query_budget(client, django_assert_max_num_queries) -> None:
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    for mobile, _name, role, *_rest in PEOPLE:
        client.force_login(User.objects.get(mobile=mobile))
        with django_assert_max_num_queries(MAX_QUERIES[role]):
            response = client.get("/me/")
        assert response.status_code == 200
