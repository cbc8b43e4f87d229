"""The django-import-export resource (the benchmark's row-by-row peer) applies the same rules."""

from __future__ import annotations

import pytest
import tablib

from accounts.models import User
from benchmarks.people_resource import PeopleResource
from tests.exchange.conftest import PEOPLE_HEADER, person_id, person_row

pytestmark = pytest.mark.django_db


def test_the_resource_imports_people_row_by_row(city, acme) -> None:
    bad = person_row(3)
    bad[1] = "12"
    dataset = tablib.Dataset(person_row(1, acme.credit_code), person_row(2), bad, headers=PEOPLE_HEADER)

    result = PeopleResource().import_data(dataset, dry_run=False)

    assert result.totals["new"] == 2
    # The bad mobile is a validation error of row 3 with the platform's own message; nothing crashed.
    assert result.has_validation_errors() and not result.has_errors()
    [invalid] = result.invalid_rows
    assert invalid.number == 3 and "手机号应为 11 位数字" in " ".join(invalid.error_dict["__all__"])
    person = User.objects.get(mobile="13700000001")
    assert (person.organization, person.region.name, person.job_group) == (acme, "青岛", "backbone")
    assert person.id_number_masked.endswith(person_id(1)[-4:])
    assert not person.has_usable_password()
