"""The pages that import a short list themselves (contest registrations, the question bank) read
files through the exchange's guarded reader: a file that is not a workbook is a Chinese message,
not a 500 (BadZipFile); a hostile one ends the child, not the web process; and a file with no
data rows is an error, never "已导入 0 条报名" (issue #19, items 1, 9 and 10)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from competitions import resources
from competitions.models import Registration
from lms.resources import import_questions
from tests.competitions import conftest as contest_fixtures
from tests.exchange import hostile

pytestmark = pytest.mark.django_db

contest = contest_fixtures.contest


def post_import(client, contest, name: str, data: bytes):
    return client.post(reverse("competitions:import", args=[contest.slug]), {"file": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("报名.xlsx", b"MZ\x90\x00 not a workbook", "不是 Excel 工作簿"),
        ("报名.xlsx", b"PK\x03\x04" + b"\0" * 100, "无法打开该 Excel 文件"),
        ("报名.csv", b"PK\x03\x04 a zip named csv", "不是文本表格"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_a_message_on_the_contest_import_page(
    client, contest, organizer, exchange_root, name, data, reason
) -> None:
    client.force_login(organizer)

    response = post_import(client, contest, name, data)

    assert response.status_code == 200
    assert reason in response.content.decode()
    assert not Registration.objects.filter(contest=contest).exists()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("手机号,赛项,队名\n".encode(), "文件中没有找到数据行"),
        ("手机号,赛项\n,\n , \n".encode(), "文件中没有找到数据行"),
        (b"\x8f\xa1garbage;;;\nmore;garbage\n", "缺少“手机号”列"),
    ],
)
def test_a_csv_without_registrations_is_an_error_not_zero_imported(
    client, contest, organizer, exchange_root, data, reason
) -> None:
    client.force_login(organizer)

    response = post_import(client, contest, "报名.csv", data)

    page = response.content.decode()
    assert response.status_code == 200, "the page stays on the form instead of reporting success"
    assert reason in page
    assert "已导入 0 条报名" not in page


def test_a_hostile_workbook_on_the_contest_import_ends_only_the_child(
    client, contest, organizer, exchange_root, tmp_path
) -> None:
    path = hostile.sparse_far_cell(tmp_path / "报名.xlsx", "XFD1048576", declared=False)
    client.force_login(organizer)

    response = post_import(client, contest, "报名.xlsx", path.read_bytes())

    assert response.status_code == 200
    assert "文件无法读取：读取时所需内存超过上限" in response.content.decode()
    assert not list(exchange_root.iterdir())


def test_registrations_keep_their_excel_row_numbers_past_empty_rows(contest, organizer, exchange_root) -> None:
    sheet = "手机号,赛项\n,\n13000000000,数据分析\n"

    report = resources.import_registrations(contest, sheet.encode(), "报名.csv", actor=organizer)

    assert [row for row, _reason in report.errors] == [3]


def test_the_question_bank_import_refuses_hostile_and_empty_files(organizer, exchange_root, tmp_path) -> None:
    far = hostile.sparse_far_cell(tmp_path / "bank.xlsx", "XFD1048576", declared=True).read_bytes()
    with pytest.raises(ValidationError, match="文件无法读取：工作表声明的范围"):
        import_questions(far, "bank.xlsx", actor=organizer, dry_run=True)
    with pytest.raises(ValidationError, match="文件中没有找到数据行"):
        import_questions("题型,题干,答案\n".encode(), "bank.csv", actor=organizer, dry_run=True)
