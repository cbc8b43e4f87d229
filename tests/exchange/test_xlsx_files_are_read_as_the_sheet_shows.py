"""The xlsx reader (calamine) hands the engine the same texts as the sheet shows: numbers as
numbers to check, dates as ISO dates, row and column positions as in Excel, and a real row
count for streamed workbooks that carry no dimension."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from exchange.files import FileProblemError, estimate_rows, read_table, write_xlsx


def test_cells_are_read_as_text_with_numbers_flagged(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["编码", "数量", "日期", "时间", "是否", "备注"])
    sheet.append(["000123", 12, dt.date(2026, 3, 1), dt.datetime(2026, 3, 1, 9, 30), True, "  保留  "])
    sheet.append([123.0, 1.5, None, None, False, ""])
    path = tmp_path / "cells.xlsx"
    workbook.save(path)

    header, rows = read_table(path, "xlsx")
    first, second = list(rows)

    assert header == ["编码", "数量", "日期", "时间", "是否", "备注"]
    assert first == (["000123", "12", "2026-03-01", "2026-03-01 09:30:00", "是", "保留"], frozenset({1}))
    assert second[0][:3] == ["123", "1.5", ""]
    assert second[1] == frozenset({0, 1})


def test_a_sheet_that_starts_in_column_b_keeps_its_positions(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet["B1"] = "编码"
    sheet["B2"] = "000001"
    path = tmp_path / "offset.xlsx"
    workbook.save(path)

    header, rows = read_table(path, "xlsx")

    assert header == ["", "编码"]
    assert list(rows) == [(["", "000001"], frozenset())]


def test_a_streamed_workbook_without_dimension_is_counted(tmp_path: Path) -> None:
    path = tmp_path / "streamed.xlsx"
    write_xlsx(path, ["编码"], ([f"{n:06d}"] for n in range(2500)), title="数据")

    assert estimate_rows(path, "xlsx") == 2500


def test_an_empty_or_broken_workbook_is_a_file_problem(tmp_path: Path) -> None:
    empty = tmp_path / "empty.xlsx"
    Workbook().save(empty)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")

    with pytest.raises(FileProblemError, match="文件是空的"):
        read_table(empty, "xlsx")
    with pytest.raises(FileProblemError, match="无法打开"):
        read_table(broken, "xlsx")
    with pytest.raises(FileProblemError, match="无法打开"):
        estimate_rows(broken, "xlsx")
