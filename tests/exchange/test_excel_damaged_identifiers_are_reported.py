"""IDs, mobiles and codes are read as text: numbers Excel damaged are reported, not stored, and
leading zeros in text cells survive."""

from __future__ import annotations

import pytest

from accounts.models import User
from exchange import registry
from exchange.engine import run_import
from exchange.registry import Column, Importer, RecordType, WriteCounts
from tests.exchange.conftest import PEOPLE_HEADER, person_id, person_row

pytestmark = pytest.mark.django_db


class KeepCodes(Importer):
    """A record type whose rows are kept in memory: enough to see what the reader hands over."""

    written: list[str] = []

    def clean_chunk(self, rows) -> None:
        for row in rows:
            row.data = row.values["code"]
            row.action = "create"

    def write(self, rows) -> WriteCounts:
        KeepCodes.written = [r.data for r in rows]
        return WriteCounts(created=len(rows))


@pytest.fixture
def codes_type():
    record_type = registry.register(
        RecordType(
            key="test-codes",
            label="编码",
            columns=(Column("code", "编码", required=True, text=True, zero_padded=6),),
            natural_key=("code",),
            importer=KeepCodes,
            can_import=lambda user: True,
        )
    )
    yield record_type
    registry.unregister("test-codes")


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_leading_zeros_in_text_cells_survive(codes_type, province_admin, write_file, suffix) -> None:
    path = write_file(f"codes.{suffix}", ["编码"], [["000123"], ["012345"], ["100000"]])

    report = run_import(codes_type, province_admin, path, suffix, commit=True)

    assert report.written
    assert KeepCodes.written == ["000123", "012345", "100000"]


def test_numeric_cells_that_lost_leading_zeros_are_reported(codes_type, province_admin, write_file) -> None:
    path = write_file("codes.xlsx", ["编码"], [[123], ["000456"]])

    report = run_import(codes_type, province_admin, path, "xlsx", commit=False)

    assert report.error_rows == 1
    assert report.errors[0]["row"] == 2
    assert "开头的 0 可能被 Excel 去掉了" in report.errors[0]["message"]


def test_excel_numbers_in_identifier_columns_are_reported_not_stored(province_admin, people_type, write_file) -> None:
    dot_zero = person_row(1)
    dot_zero[1] = 13700000001.0  # an xlsx float cell: read back as "13700000001" is fine …
    rounded = person_row(2)
    rounded[2] = 370102199001011234.0  # … but an 18-digit ID as a number has lost its last digits
    text_dot_zero = person_row(3)
    text_dot_zero[1] = "13700000003.0"
    path = write_file("people.xlsx", PEOPLE_HEADER, [dot_zero, rounded, text_dot_zero])

    report = run_import(people_type, province_admin, path, "xlsx", commit=True, only_valid=True)

    messages = {(e["row"], e["column"]): e["message"] for e in report.errors}
    assert "科学计数法" in messages[(3, "身份证号")]
    assert "末尾多了“.0”" in messages[(4, "手机号")]
    assert report.counts.created == 1
    assert User.objects.filter(mobile="13700000001").exists()
    assert not User.objects.filter(mobile__startswith="1370000000", real_name="导入测试3").exists()


def test_id_numbers_ending_in_x_keep_their_x(province_admin, people_type, write_file) -> None:
    row = person_row(1)
    number = next(person_id(n) for n in range(2000) if person_id(n).endswith("X"))
    row[2] = number.lower()
    path = write_file("people.csv", PEOPLE_HEADER, [row])

    run_import(people_type, province_admin, path, "csv", commit=True)

    assert User.objects.get(mobile="13700000001").id_number_masked.endswith(number[-4:])
