"""In a team contest every new registration names its team (as `register` requires): a row
without one is reported at check time under 队名, instead of failing the whole file at write."""

from __future__ import annotations

import pytest

from accounts.choices import Role
from competitions import selectors
from exchange.engine import run_import
from exchange.registry import get_record_type
from tests.competitions import conftest as contest_fixtures

pytestmark = pytest.mark.django_db

contest, group = contest_fixtures.contest, contest_fixtures.group


def test_a_row_without_a_team_name_is_reported(contest, organizer, acme, make_person, write_file) -> None:
    rules = selectors.rules_for(contest)
    rules.team_size_max = 2
    rules.save()
    people = [make_person(Role.LEARNER, org=acme) for _i in range(2)]
    path = write_file(
        "报名.csv",
        ["手机号", "赛项", "队名"],
        [[people[0].mobile, "工业互联网运维", "精工队"], [people[1].mobile, "工业互联网运维", ""]],
    )

    report = run_import(get_record_type("registrations"), organizer, path, "csv", commit=True, context=contest)

    assert [(e["row"], e["column"]) for e in report.errors] == [(3, "队名")]
    assert "本竞赛为团体赛" in report.errors[0]["message"]
    report = run_import(
        get_record_type("registrations"), organizer, path, "csv", commit=True, only_valid=True, context=contest
    )
    assert report.written and report.counts.created == 1
