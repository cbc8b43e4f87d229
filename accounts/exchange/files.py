"""Reading and writing spreadsheet files: csv (UTF-8 or GBK, as Excel saves it) and xlsx.

Everything is read as text (xlsx through calamine, written through openpyxl). Numeric cells in
identifier columns are kept as numbers long enough for `engine.check_cells` to notice what Excel did to them (a `.0`, scientific notation, lost
leading zeros) and report it instead of storing a damaged value.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook

from accounts.pii import escape_cell

FORMATS = ("csv", "xlsx")


class FileProblemError(Exception):
    """The file as a whole cannot be read (wrong type, no header, missing columns)."""


def sniff_format(name: str, head: bytes) -> str:
    """Return "csv" or "xlsx" from the name and the first bytes, or raise FileProblemError."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xls":
        raise FileProblemError(_("不支持旧版 .xls 文件：请在 Excel 中“另存为” .xlsx 或 .csv 后重新上传。"))
    if suffix == ".xlsx":
        if not head.startswith(b"PK\x03\x04"):
            raise FileProblemError(_("文件扩展名是 .xlsx，但内容不是 Excel 工作簿，请检查文件。"))
        return "xlsx"
    if suffix == ".csv":
        if b"\x00" in head or head.startswith(b"PK\x03\x04"):
            raise FileProblemError(_("文件扩展名是 .csv，但内容不是文本表格，请检查文件。"))
        return "csv"
    raise FileProblemError(_("只接受 .xlsx 或 .csv 文件。"))


def _decode(data: bytes) -> str:
    # Excel on Chinese Windows saves "CSV" in GBK; "CSV UTF-8" has a byte-order mark.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblemError(_("无法识别 csv 文件的编码，请另存为“CSV UTF-8”后重新上传。"))


def _cell_text(value: object) -> tuple[str, bool]:
    """(text, was a number) for one xlsx cell value."""
    if value is None:
        return "", False
    if isinstance(value, bool):
        return ("是" if value else "否"), False
    if isinstance(value, int):
        return str(value), True
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value)), True
        # Beyond 15 significant digits Excel has already rounded the number away.
        return repr(value).upper() if abs(value) >= 1e15 else repr(value), True
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" "), False
    if isinstance(value, dt.date):
        return value.isoformat(), False
    return str(value).strip(), False


def read_table(path: Path, fmt: str) -> tuple[list[str], Iterator[tuple[list[str], frozenset[int]]]]:
    """Open a file and return (header, rows); each row is (texts, indexes of numeric cells)."""
    if fmt == "csv":
        text = _decode(path.read_bytes())
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = next(reader)
        except (StopIteration, csv.Error):
            raise FileProblemError(_("文件是空的：第 1 行应为列标题。")) from None

        def csv_rows() -> Iterator[tuple[list[str], frozenset[int]]]:
            for values in reader:
                yield [v.strip() for v in values], frozenset()

        return [h.strip() for h in header], csv_rows()
    return _read_xlsx(path)


def _open_first_sheet(path: Path) -> CalamineSheet:
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        try:
            return workbook.get_sheet_by_index(0)
        finally:
            workbook.close()
    except (CalamineError, OSError, ValueError, IndexError) as exc:
        raise FileProblemError(_("无法打开该 Excel 文件，请确认是 .xlsx 格式且未加密。")) from exc


def _read_xlsx(path: Path) -> tuple[list[str], Iterator[tuple[list[str], frozenset[int]]]]:
    # calamine (Rust) parses the sheet about ten times faster than openpyxl's read-only mode.
    # It hands over typed values: str for text cells, float for every number (xlsx stores
    # numbers as doubles), date/datetime for date-formatted cells, bool; "" for empty cells.
    sheet = _open_first_sheet(path)
    if sheet.start is None:
        raise FileProblemError(_("文件是空的：第 1 行应为列标题。"))
    # Rows come from row 1, columns from the first used one: pad so indexes match the sheet.
    pad = [""] * sheet.start[1]
    iterator = iter(sheet.iter_rows())
    try:
        first = next(iterator)
    except StopIteration:
        raise FileProblemError(_("文件是空的：第 1 行应为列标题。")) from None
    header = [_cell_text(v)[0] for v in [*pad, *first]]

    def xlsx_rows() -> Iterator[tuple[list[str], frozenset[int]]]:
        cell_text = _cell_text
        for values in iterator:
            texts = pad.copy()
            numeric: list[int] = []
            for value in values:
                if type(value) is str:
                    texts.append(value.strip())
                    continue
                text, is_number = cell_text(value)
                if is_number:
                    numeric.append(len(texts))
                texts.append(text)
            yield texts, frozenset(numeric)

    return header, xlsx_rows()


def estimate_rows(path: Path, fmt: str) -> int:
    """A cheap count of data rows, for choosing between inline and background processing."""
    if fmt == "csv":
        with path.open("rb") as handle:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
        return max(lines - 1, 0)
    # openpyxl trusts the sheet's <dimension> (absent from streamed workbooks, which then
    # count as empty) and parses every shared string first; calamine counts the real rows.
    return max(_open_first_sheet(path).height - 1, 0)


# --- Writing ----------------------------------------------------------------------------------

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F5FA8")


def safe(value: object) -> object:
    """A cell value safe to open in a spreadsheet: formulas neutralized, None as empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return escape_cell(value)
    return value


def write_csv(handle: io.TextIOBase, header: list[str], rows: Iterable[list[object]]) -> int:
    """Write a csv Excel opens correctly (UTF-8 with BOM); returns the number of data rows."""
    handle.write("\ufeff")
    writer = csv.writer(handle)
    writer.writerow([safe(h) for h in header])
    count = 0
    for row in rows:
        writer.writerow([safe(v) for v in row])
        count += 1
    return count


def write_xlsx(path_or_handle: Path | io.BytesIO, header: list[str], rows: Iterable[list[object]], title: str) -> int:
    """Stream an xlsx (constant memory); every text cell is a string cell, so IDs stay text."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    cells = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=safe(text))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cells.append(cell)
    sheet.append(cells)
    count = 0
    for row in rows:
        sheet.append([safe(v) for v in row])
        count += 1
    workbook.save(path_or_handle)
    return count


def template_xlsx(header: list[str], example: list[str], text_columns: list[int], notes: list[str]) -> bytes:
    """A template workbook: the header, one example row, identifier columns formatted as text,
    and a second sheet explaining each column."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("数据")
    sheet.append(header)
    sheet.append(example)
    for index in range(len(header)):
        letter = sheet.cell(row=1, column=index + 1).column_letter
        sheet.column_dimensions[letter].width = max(14, len(header[index]) * 3)
        head = sheet.cell(row=1, column=index + 1)
        head.font = HEADER_FONT
        head.fill = HEADER_FILL
        if index in text_columns:
            # "@" is Excel's text format: numbers typed later keep their leading zeros.
            for row in range(2, 1002):
                sheet.cell(row=row, column=index + 1).number_format = "@"
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet(_("填写说明"))
    guide.append([_("列"), _("说明")])
    for head, note in zip(header, notes, strict=True):
        guide.append([head, note])
    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["B"].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
