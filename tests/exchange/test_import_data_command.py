"""`manage.py import_data <record type> <file> [--dry-run] [--only-valid]` prints the same row
report as the web page and writes under the same rules."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import AuditEvent, User
from tests.exchange.conftest import PEOPLE_HEADER, person_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def file_with_one_bad_row(write_file):
    bad = person_row(2)
    bad[3] = "火星"
    return write_file("people.xlsx", PEOPLE_HEADER, [person_row(1), bad, person_row(3)])


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_data", *args, stdout=out)
    return out.getvalue()


def test_dry_run_prints_the_row_report_and_writes_nothing(file_with_one_bad_row, city) -> None:
    output = run("people", str(file_with_one_bad_row), "--dry-run")

    assert "第 3 行 [城市] 未知城市“火星”" in output
    assert "共 3 行：有效 2 行，有错误 1 行" in output
    assert not User.objects.filter(mobile__startswith="137").exists()


def test_a_file_with_bad_rows_is_refused_without_only_valid(file_with_one_bad_row, city) -> None:
    with pytest.raises(CommandError, match="未写入任何数据"):
        run("people", str(file_with_one_bad_row))
    assert not User.objects.filter(mobile__startswith="137").exists()


def test_only_valid_imports_the_good_rows(file_with_one_bad_row, city) -> None:
    output = run("people", str(file_with_one_bad_row), "--only-valid")

    assert "已导入：新增 2，更新 0，未变化 0" in output
    assert User.objects.filter(mobile__startswith="137").count() == 2
    assert AuditEvent.objects.get(action="exchange.import").actor is None


def test_acting_as_a_person_applies_her_scope(file_with_one_bad_row, enterprise_admin, acme) -> None:
    output = run("people", str(file_with_one_bad_row), "--only-valid", "--as", enterprise_admin.mobile)

    assert "新增 2" in output
    assert set(User.objects.filter(mobile__startswith="137").values_list("organization", flat=True)) == {acme.pk}


def test_unknown_record_types_and_files_are_explained(tmp_path) -> None:
    with pytest.raises(CommandError, match="未知的数据类型“nope”，可用：people, organizations"):
        run("nope", "x.csv")
    with pytest.raises(CommandError, match="找不到文件"):
        run("people", str(tmp_path / "missing.csv"))
