"""A registration file that names one person twice (by the same mobile, or once by mobile and
once by ID number) reports the later row at check time: without the rule both rows pass the
check and the write fails for the whole file."""

from __future__ import annotations

import pytest

from accounts import pii
from accounts.choices import Role
from competitions.models import Registration
from exchange.engine import run_import
from exchange.registry import get_record_type
from tests.competitions import conftest as contest_fixtures
from tests.conftest import valid_id_number

pytestmark = pytest.mark.django_db

contest, group = contest_fixtures.contest, contest_fixtures.group


def test_the_later_row_for_the_same_person_is_reported_and_nothing_is_written(
    contest, organizer, make_person, write_file
) -> None:
    twice, other = make_person(Role.LEARNER), make_person(Role.LEARNER)
    number = valid_id_number(71)
    twice.id_number_hash = pii.fingerprint(number)
    twice.save(update_fields=["id_number_hash"])
    path = write_file(
        "报名.csv",
        ["手机号", "身份证号", "赛项"],
        [
            [twice.mobile, "", "工业互联网运维"],  # 2
            [other.mobile, "", "数据分析"],  # 3
            [twice.mobile, "", "数据分析"],  # 4: the same mobile again
            ["", number, "工业互联网运维"],  # 5: the same person by ID number
        ],
    )

    report = run_import(get_record_type("registrations"), organizer, path, "csv", commit=True, context=contest)

    assert [(e["row"], e["column"], e["message"]) for e in report.errors] == [
        (4, "手机号", "与第 2 行是同一人报名同一竞赛。"),
        (5, "手机号", "与第 2 行是同一人报名同一竞赛。"),
    ]
    assert report.valid == 2 and not report.written
    assert not Registration.objects.exists()
