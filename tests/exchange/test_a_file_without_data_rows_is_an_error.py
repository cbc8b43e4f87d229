"""A file with a header and no data rows (or only empty rows) is an error on every exchange
import path, never an import of 0 rows (issue #19, item 10)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from exchange import actions
from exchange.models import JobStatus
from tests.exchange.conftest import PEOPLE_HEADER, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("people.csv", csv_bytes(PEOPLE_HEADER, [])),
        ("people.csv", csv_bytes(PEOPLE_HEADER, [[""] * 7, [" "] * 7])),
        ("people.xlsx", xlsx_bytes(PEOPLE_HEADER, [])),
    ],
)
def test_an_upload_without_data_rows_fails_with_a_reason(province_admin, exchange_root, name, data) -> None:
    job = actions.start_import(province_admin, "people", SimpleUploadedFile(name, data))

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "没有数据行" in job.message
    assert job.file_name == ""


def test_the_command_line_dry_run_of_an_empty_file_is_an_error(write_file, exchange_root) -> None:
    path = write_file("people.csv", PEOPLE_HEADER, [])

    with pytest.raises(CommandError, match="没有数据行"):
        call_command("import_data", "people", str(path), "--dry-run", stdout=io.StringIO())
