"""A 1,000-row people file with 50 bad rows of ten kinds: the dry run names exactly those rows,
columns and reasons and writes nothing; "only valid rows" writes exactly 950; the corrected
file imports all 1,000; importing it again changes nothing."""

from __future__ import annotations

import pytest

from accounts import actions
from accounts.models import AuditEvent, RoleGrant, User
from exchange.engine import run_import
from tests.conftest import valid_credit_code
from tests.exchange.conftest import PEOPLE_HEADER, person_id, person_row

pytestmark = pytest.mark.django_db

TAKEN_IDS = [person_id(99_000 + n) for n in range(5)]
UNKNOWN_ORG = valid_credit_code(987_654)

# kind → (column, expected fragment of the reason, how to spoil a good row)
BAD_KINDS = {
    "id_check": (
        "身份证号",
        "校验位不正确",
        lambda r, i: r.__setitem__(2, r[2][:17] + ("0" if r[2][17] != "0" else "1")),
    ),
    "short_mobile": ("手机号", "11 位", lambda r, i: r.__setitem__(1, r[1][:10])),
    "unknown_city": ("城市", "未知城市", lambda r, i: r.__setitem__(3, "火星")),
    "unknown_org": ("单位统一社会信用代码", "未找到统一社会信用代码", lambda r, i: r.__setitem__(4, UNKNOWN_ORG)),
    "dup_in_file": ("手机号", "与第", lambda r, i: r.__setitem__(1, f"137{i - 7:08d}")),
    "dup_in_db": ("身份证号", "已被平台中的其他人员", lambda r, i: r.__setitem__(2, TAKEN_IDS[(i // 190) % 5])),
    "missing_name": ("姓名", "必填项为空", lambda r, i: r.__setitem__(0, "")),
    "dot_zero": ("手机号", "末尾多了“.0”", lambda r, i: r.__setitem__(1, r[1] + ".0")),
    "scientific": ("身份证号", "科学计数法", lambda r, i: r.__setitem__(2, "3.70102199E+17")),
    "bad_job": ("岗位类别", "未知岗位类别", lambda r, i: r.__setitem__(5, "宇航员")),
}


@pytest.fixture
def existing_person(city) -> list[User]:
    return [
        actions.register_user(
            mobile=f"1360000000{n}", real_name="已登记人员", password=None, id_number=number, region=city("济南")
        )
        for n, number in enumerate(TAKEN_IDS)
    ]


def good_rows(org_code: str) -> list[list[str]]:
    return [person_row(i, org_code if i % 2 else "") for i in range(1000)]


def spoil(rows: list[list[str]]) -> dict[int, tuple[str, str]]:
    """Spoil 50 rows (5 of each kind); return spreadsheet row number → (column, reason)."""
    expected = {}
    kinds = list(BAD_KINDS.items())
    for n in range(50):
        index = 10 + n * 19  # spread over the file, never the first rows (duplicates point back)
        _kind, (column, reason, apply) = kinds[n % len(kinds)]
        apply(rows[index], index)
        expected[index + 2] = (column, reason)
    return expected


def test_dry_run_reports_exactly_the_fifty_bad_rows_and_writes_nothing(
    province_admin, acme, existing_person, people_type, write_file
) -> None:
    rows = good_rows(acme.credit_code)
    expected = spoil(rows)
    path = write_file("people.csv", PEOPLE_HEADER, rows)
    before = User.objects.count()

    report = run_import(people_type, province_admin, path, "csv", commit=False)

    assert report.total == 1000
    assert report.error_rows == 50
    assert report.error_count == 50
    assert report.valid == 950
    found = {e["row"]: (e["column"], e["message"]) for e in report.errors}
    assert set(found) == set(expected)
    for row, (column, reason) in expected.items():
        assert found[row][0] == column, (row, found[row])
        assert reason in found[row][1], (row, found[row])
    assert User.objects.count() == before


def test_import_all_with_bad_rows_writes_nothing(
    province_admin, acme, existing_person, people_type, write_file
) -> None:
    rows = good_rows(acme.credit_code)
    spoil(rows)
    path = write_file("people.xlsx", PEOPLE_HEADER, rows)
    before = User.objects.count()

    report = run_import(people_type, province_admin, path, "xlsx", commit=True)

    assert not report.written
    assert "未写入任何数据" in report.message
    assert User.objects.count() == before


def test_only_valid_rows_writes_exactly_950(province_admin, acme, existing_person, people_type, write_file) -> None:
    rows = good_rows(acme.credit_code)
    spoil(rows)
    path = write_file("people.csv", PEOPLE_HEADER, rows)
    before = User.objects.count()

    report = run_import(people_type, province_admin, path, "csv", commit=True, only_valid=True)

    assert report.written
    assert report.counts.created == 950
    assert User.objects.count() == before + 950
    assert RoleGrant.objects.filter(user__mobile__startswith="137", role="learner").count() == 950
    audit = AuditEvent.objects.get(action="exchange.import")
    assert audit.after["created"] == 950
    assert audit.after["skipped_bad_rows"] == 50


def test_corrected_file_imports_all_rows_and_reimport_changes_nothing(
    province_admin, acme, existing_person, people_type, write_file
) -> None:
    rows = good_rows(acme.credit_code)
    spoil(rows)
    run_import(
        people_type, province_admin, write_file("bad.csv", PEOPLE_HEADER, rows), "csv", commit=True, only_valid=True
    )
    corrected = write_file("fixed.xlsx", PEOPLE_HEADER, good_rows(acme.credit_code))

    report = run_import(people_type, province_admin, corrected, "xlsx", commit=True)

    assert report.written
    assert report.error_rows == 0
    assert (report.counts.created, report.counts.unchanged) == (50, 950)
    assert User.objects.filter(mobile__startswith="137").count() == 1000

    snapshot = list(User.objects.order_by("pk").values_list())
    again = run_import(people_type, province_admin, corrected, "xlsx", commit=True)
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 1000)
    assert list(User.objects.order_by("pk").values_list()) == snapshot


def test_imported_people_follow_the_account_rules(province_admin, acme, people_type, write_file) -> None:
    path = write_file("one.csv", PEOPLE_HEADER, [person_row(5, acme.credit_code)])

    run_import(people_type, province_admin, path, "csv", commit=True)

    person = User.objects.get(mobile="13700000005")
    assert person.organization == acme
    assert person.industry == "equipment"
    assert person.job_group == "manager"
    assert person.id_number_masked == person_id(5)[:6] + "********" + person_id(5)[-4:]
    assert actions.reveal_pii(province_admin, person)["id_number"] == person_id(5)
    assert not person.has_usable_password()
    assert person.has_role("learner")
    assert person.groups.filter(name="role:learner").exists()


def test_a_changed_row_updates_the_person_and_is_audited(province_admin, acme, people_type, write_file) -> None:
    run_import(people_type, province_admin, write_file("a.csv", PEOPLE_HEADER, [person_row(7)]), "csv", commit=True)
    changed = person_row(7, acme.credit_code)
    changed[0] = "改名后的人"

    report = run_import(people_type, province_admin, write_file("b.csv", PEOPLE_HEADER, [changed]), "csv", commit=True)

    assert report.counts.updated == 1
    person = User.objects.get(mobile="13700000007")
    assert person.real_name == "改名后的人"
    assert person.organization == acme
    event = AuditEvent.objects.get(action="account.import_update")
    assert event.actor == province_admin
    assert event.after["real_name"] == "改名后的人"
