"""Reading and writing spreadsheet files: csv (UTF-8 or GBK, as Excel saves it) and xlsx.

Everything is read as text (xlsx through calamine, written through openpyxl). Numeric cells in
identifier columns are kept as numbers long enough for `engine.check_cells` to notice what Excel
did to them (a `.0`, scientific notation, lost leading zeros) and report it instead of storing a
damaged value.

Uploads are hostile until proven otherwise: `check_file` streams the zip directory, the declared
sheet sizes and the csv line lengths in the calling process; the parse itself (`reader.py`) runs
in a child process with capped memory and time, so a file that still makes the parser explode
ends that child only, and the import ends as "文件无法读取：<reason>".
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
import signal
import subprocess
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, cast

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from accounts.pii import escape_cell
from exchange import conf, reader

logger = logging.getLogger(__name__)

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


def _refusal(message: str) -> FileProblemError:
    return FileProblemError(_("文件无法读取：%(reason)s") % {"reason": message})


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f}"


# --- Checks in the calling process: streamed, bounded, never the whole sheet -------------------

ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s(?:[^>]*?\s)?ref=\"([^\"]*)\"")
SHEET_DATA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheetData[\s/>]")
UNIQUE_COUNT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sst\s(?:[^>]*?\s)?uniqueCount=\"(\d+)\"")
CELL_REF = re.compile(r"^\$?([A-Z]{1,3})?\$?(\d{1,7})?$")
SHEET_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheet\s(?:[^>]*?\s)?(?:[A-Za-z_][\w.-]*:)?id=\"([^\"]+)\"")
RELATIONSHIP = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Relationship\s[^>]*>")
HEAD_BYTES = 64 * 1024
CHUNK = 1 << 20
RATIO_FLOOR = 1 << 20  # small members may compress well (styles, empty formatted cells)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _dimension_size(ref: str) -> tuple[int, int] | None:
    """(last row, last column) of a `<dimension ref="A1:XFD1048576">`, or None if unreadable."""
    end = ref.split(":")[-1].strip().upper()
    match = CELL_REF.match(end)
    if not match or not (match.group(1) or match.group(2)):
        return None
    rows = int(match.group(2)) if match.group(2) else 1_048_576
    columns = _column_number(match.group(1)) if match.group(1) else 16_384
    return rows, columns


def _head(archive: zipfile.ZipFile, info: zipfile.ZipInfo, size: int = HEAD_BYTES) -> bytes:
    # zipfile decompresses only as much as is read, and never past the declared size.
    with archive.open(info) as member:
        return member.read(size)


def _check_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > conf.max_zip_members():
        raise _refusal(
            _("工作簿内部有 %(n)s 个部件，超过上限 %(limit)s 个。") % {"n": len(infos), "limit": conf.max_zip_members()}
        )
    total = 0
    member_limit = conf.max_member_bytes()
    ratio_limit = conf.max_zip_ratio()
    for info in infos:
        if info.flag_bits & 0x1:
            raise _refusal(_("工作簿已加密，请取消密码保护后重新上传。"))
        if info.file_size > member_limit:
            raise _refusal(
                _(
                    "工作簿部件“%(name)s”解压后有 %(size)s MB，超过上限 %(limit)s MB。请删除多余的行、列或格式后重新上传。"
                )
                % {"name": info.filename[:80], "size": _mb(info.file_size), "limit": _mb(member_limit)}
            )
        if info.file_size > RATIO_FLOOR and info.file_size > ratio_limit * max(info.compress_size, 1):
            raise _refusal(
                _("工作簿部件“%(name)s”的压缩比为 %(ratio)s 倍，超过上限 %(limit)s 倍，可能是恶意构造的文件。")
                % {
                    "name": info.filename[:80],
                    "ratio": info.file_size // max(info.compress_size, 1),
                    "limit": ratio_limit,
                }
            )
        total += info.file_size
        if total > conf.max_unpacked_bytes():
            raise _refusal(
                _("工作簿解压后超过 %(limit)s MB，请拆分成多个文件。") % {"limit": _mb(conf.max_unpacked_bytes())}
            )
    for info in infos:
        if info.file_size >= 4 and _head(archive, info, 4) == b"PK\x03\x04":
            raise _refusal(
                _(
                    "工作簿中嵌入了压缩文件或其他文档（%(name)s），出于安全原因不予读取：请把数据复制到新的工作簿后重新上传。"
                )
                % {"name": info.filename[:80]}
            )
    return infos


def _first_sheet(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    """The worksheet calamine reads as sheet 0: the first <sheet> of workbook.xml, through its
    relationship; None when the parts cannot be followed (calamine will fail on them too)."""
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return None
    match = SHEET_TAG.search(_head(archive, archive.getinfo("xl/workbook.xml"), 4 * HEAD_BYTES))
    if not match:
        return None
    wanted = match.group(1)
    for tag in RELATIONSHIP.findall(_head(archive, archive.getinfo("xl/_rels/workbook.xml.rels"), 4 * HEAD_BYTES)):
        ident = re.search(rb'\bId="([^"]*)"', tag)
        target = re.search(rb'\bTarget="([^"]*)"', tag)
        if ident and target and ident.group(1) == wanted:
            path = target.group(1).decode("utf-8", "replace")
            path = path.lstrip("/") if path.startswith("/") else "xl/" + path
            return path if path in names else None
    return None


def _check_limits(rows: int, columns: int, what: str) -> None:
    if rows - 1 > conf.max_rows():
        raise _refusal(
            _("%(what)s有 %(rows)s 行，超过上限 %(limit)s 行。请拆分成多个文件，或删除数据下方的空行和格式。")
            % {"what": what, "rows": f"{rows:,}", "limit": f"{conf.max_rows():,}"}
        )
    if columns > conf.max_columns():
        raise _refusal(
            _("%(what)s有 %(cols)s 列，超过上限 %(limit)s 列。请删除数据右侧多余的列和格式后重新上传。")
            % {"what": what, "cols": f"{columns:,}", "limit": conf.max_columns()}
        )
    if rows * columns > conf.max_cells():
        raise _refusal(
            _(
                "%(what)s的范围为 %(rows)s 行 × %(cols)s 列，超过 %(limit)s 个单元格的上限。请删除远处的单元格或拆分文件。"
            )
            % {"what": what, "rows": f"{rows:,}", "cols": f"{columns:,}", "limit": f"{conf.max_cells():,}"}
        )


def _check_dimension(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse a worksheet whose declared <dimension> is beyond the limits. The element comes
    before <sheetData>, so the first bytes are enough; a sheet may omit it or lie, which is why
    the parse itself also runs in a capped child process."""
    head = _head(archive, info)
    data = SHEET_DATA.search(head)
    match = DIMENSION.search(head, 0, data.start() if data else len(head))
    if not match:
        return
    size = _dimension_size(match.group(1).decode("ascii", "replace"))
    if size is not None:
        _check_limits(size[0], size[1], _("工作表声明的范围"))


def _count_rows(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """Rows (<row> elements) of a worksheet, streamed through zipfile in 1 MB pieces."""
    count = 0
    tail = b""
    limit = conf.max_rows() + 1
    with archive.open(info) as member:
        while chunk := member.read(CHUNK):
            block = tail + chunk
            # A tag is counted in the piece where it starts; the last bytes are read again with
            # the next piece, so a tag cut in two is still seen whole.
            cut = max(len(block) - 64, 0)
            count += sum(1 for match in ROW_TAG.finditer(block) if match.start() < cut)
            tail = block[cut:]
            if count > limit:
                raise _refusal(
                    _("工作表超过 %(limit)s 行，请拆分成多个文件，或删除数据下方的空行和格式。")
                    % {"limit": f"{conf.max_rows():,}"}
                )
    return count + len(ROW_TAG.findall(tail))


def _check_xlsx(path: Path) -> int:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = _check_members(archive)
            names = {info.filename for info in infos}
            for info in infos:
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    _check_dimension(archive, info)
            if "xl/sharedStrings.xml" in names:
                match = UNIQUE_COUNT.search(_head(archive, archive.getinfo("xl/sharedStrings.xml"), 4096))
                if match and int(match.group(1)) > conf.max_cells():
                    raise _refusal(
                        _("工作簿声明了 %(n)s 个不同的文本，超过上限 %(limit)s 个。")
                        % {"n": f"{int(match.group(1)):,}", "limit": f"{conf.max_cells():,}"}
                    )
            # Unusual writers may name parts differently: then the first worksheet part by name
            # is counted (the child's own limits still hold whatever it reads).
            sheets = sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))
            first = _first_sheet(archive, names) or (sheets[0] if sheets else None)
            if first is None:
                raise FileProblemError(_("无法打开该 Excel 文件，请确认是 .xlsx 格式且未加密。"))
            rows = _count_rows(archive, archive.getinfo(first))
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        ValueError,
        NotImplementedError,  # zipfile's answer to a compression method it does not support
        zlib.error,
    ) as exc:
        raise _refusal(
            _("无法打开该 Excel 文件（%(reason)s），请确认是 .xlsx 格式且未加密，或在 Excel 中另存为后重新上传。")
            % {"reason": _("zip 结构损坏") if isinstance(exc, zipfile.BadZipFile) else exc.__class__.__name__}
        ) from None
    _check_limits(rows, 1, _("工作表"))
    return max(rows - 1, 0)


def _check_csv(path: Path) -> int:
    """Lines of a csv, streamed in 1 MB pieces; a line longer than the row limit is refused
    before anything holds it in memory."""
    limit = conf.max_row_chars()
    lines = 0
    current = 0  # bytes of the line being read
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            start = 0
            while True:
                end = chunk.find(b"\n", start)
                current += (len(chunk) if end == -1 else end) - start
                if current > limit:
                    raise _refusal(
                        _("第 %(row)s 行超过 %(limit)s KB，不像正常的表格文件。请检查文件，或拆分过长的单元格。")
                        % {"row": f"{lines + 1:,}", "limit": limit // 1024}
                    )
                if end == -1:
                    break
                lines += 1
                current = 0
                start = end + 1
    if current:
        lines += 1
    if lines - 1 > conf.max_rows():
        _check_limits(lines, 1, _("文件"))
    return max(lines - 1, 0)


def check_file(path: Path, fmt: str) -> int:
    """Check a file's structure against the limits without parsing it; returns an estimate of
    its data rows (for choosing inline or background processing). Raises FileProblemError.

    Runs in the calling (web) process, so it only streams: the zip directory, the first 64 KB of
    each worksheet (its declared <dimension>), and the first worksheet's <row> tags through
    zipfile, which never inflates past a member's declared size; csv line lengths in 1 MB pieces.
    """
    return _check_csv(path) if fmt == "csv" else _check_xlsx(path)


estimate_rows = check_file


# --- The parse, in a child process with its own limits ----------------------------------------

READER = Path(__file__).with_name("reader.py")


def _limits() -> dict[str, int]:
    return {
        "max_rows": conf.max_rows(),
        "max_columns": conf.max_columns(),
        "max_cell_chars": conf.max_cell_chars(),
        "max_row_chars": conf.max_row_chars(),
        "max_output_bytes": conf.max_parsed_bytes(),
        "memory_bytes": conf.parse_memory_bytes(),
        "cpu_seconds": conf.parse_cpu_seconds(),
    }


def _refused_message(status: dict[str, Any]) -> FileProblemError:
    code = str(status.get("error"))
    params = {k: (f"{v:,}" if isinstance(v, int) else v) for k, v in status.items()}
    if code == "empty":
        return FileProblemError(_("文件是空的：第 1 行应为列标题。"))
    if code == "unreadable":
        return FileProblemError(_("无法打开该 Excel 文件，请确认是 .xlsx 格式且未加密。"))
    if code == "encoding":
        return FileProblemError(_("无法识别 csv 文件的编码，请另存为“CSV UTF-8”后重新上传。"))
    messages = {
        "too_many_rows": _("文件超过 %(limit)s 行，请拆分成多个文件。"),
        "too_many_columns": _("文件超过 %(limit)s 列，请删除数据右侧多余的列后重新上传。"),
        "cell_too_long": _("第 %(row)s 行第 %(column)s 列超过 %(limit)s 个字符（Excel 单元格的上限）。"),
        "csv_field": _("第 %(row)s 行附近有超过 %(limit)s 个字符的单元格或不成对的引号，请检查文件。"),
        "row_too_long": _("第 %(row)s 行超过 %(limit)s 个字符，请拆分过长的内容。"),
        "too_much_text": _("文件中的文本解开后超过上限，可能是恶意构造的文件。"),
        "memory": _("读取时所需内存超过上限，文件可能含有远处的单元格或被压缩的大量数据。"),
    }
    return _refusal(messages.get(code, _("文件内容不符合要求。")) % params)


def _died_message(returncode: int, timed_out: bool) -> FileProblemError:
    if timed_out or returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        reason = _("读取超过了 %(s)s 秒的时间上限，文件可能是恶意构造的，或请拆分成较小的文件。") % {
            "s": f"{min(conf.parse_cpu_seconds(), conf.parse_wall_seconds()):g}"
        }
    elif returncode == -signal.SIGXFSZ:
        reason = _("文件中的文本解开后超过上限，可能是恶意构造的文件。")
    else:
        # Rust aborts (SIGABRT) when an allocation fails; Python ends with MemoryError.
        reason = _("读取时所需内存超过上限（%(mb)s MB），文件可能含有远处的单元格或被压缩的大量数据。") % {
            "mb": _mb(conf.parse_memory_bytes())
        }
    return _refusal(reason)


def _parse_in_child(path: Path, fmt: str) -> tuple[IO[str], int]:
    """Run reader.py on the file; returns the open (already unlinked) rows file and the count."""
    limits = _limits()
    handle, out_name = tempfile.mkstemp(prefix="parsed-", suffix=".jsonl", dir=conf.root())
    os.close(handle)
    out = Path(out_name)
    request = json.dumps({"path": str(path), "fmt": fmt, "out": str(out), "limits": limits})
    try:
        # A new interpreter (fork+exec), not multiprocessing's fork: daphne and the worker run
        # threads. -I keeps the working directory and PYTHON* variables out of the child.
        child = subprocess.Popen(  # noqa: S603 - our own script, no shell, no user input in argv
            [sys.executable, "-I", str(READER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            close_fds=True,
            # A one-line reason in the log, not a Rust backtrace.
            env={**os.environ, "RUST_BACKTRACE": "0"},
        )
        timed_out = False
        try:
            stdout, stderr = child.communicate(request.encode(), timeout=conf.parse_wall_seconds())
        except subprocess.TimeoutExpired:
            child.kill()
            stdout, stderr = child.communicate()
            timed_out = True
        lines = stdout.decode("utf-8", "replace").strip().splitlines()
        status: dict[str, Any] = {}
        if lines:
            try:
                status = json.loads(lines[-1])
            except ValueError:
                status = {}
        if child.returncode == 0 and isinstance(status.get("rows"), int):
            rows = open(out, encoding="utf-8")  # noqa: SIM115 - the caller's iterator closes it
            return rows, status["rows"]
        if child.returncode == reader.REFUSED and "error" in status:
            raise _refused_message(status)
        logger.warning(
            "spreadsheet reader ended with status %s (timeout: %s): %s",
            child.returncode,
            timed_out,
            stderr[:300].decode("utf-8", "replace"),
        )
        raise _died_message(child.returncode, timed_out)
    finally:
        # The parent keeps its open handle; the name goes at once so nothing is left behind.
        out.unlink(missing_ok=True)


def read_table(path: Path, fmt: str) -> tuple[list[str], Iterator[tuple[list[str], frozenset[int]]]]:
    """Open a file and return (header, rows); each row is (texts, indexes of numeric cells).

    The file is checked first (`check_file`) and then parsed by `reader.py` in a child process
    with capped memory, CPU time and output; this process only reads the child's rows back, one
    line at a time. Raises FileProblemError ("文件无法读取：…") for a file the checks refuse or
    the child could not read; nothing has been processed by then.
    """
    check_file(path, fmt)
    handle, _count = _parse_in_child(path, fmt)
    try:
        first = handle.readline()
        header = json.loads(first)[0] if first else []
    except ValueError:
        handle.close()
        raise _refusal(_("读取结果不完整，请重新上传。")) from None
    if not any(header):
        handle.close()
        raise FileProblemError(_("文件是空的：第 1 行应为列标题。"))

    def rows() -> Iterator[tuple[list[str], frozenset[int]]]:
        loads = json.loads
        with handle:
            for line in handle:
                texts, numeric = loads(line)
                yield texts, frozenset(numeric)

    return header, rows()


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


def write_csv(handle: io.TextIOBase, header: list[str], rows: Iterable[Sequence[object]]) -> int:
    """Write a csv Excel opens correctly (UTF-8 with BOM); returns the number of data rows."""
    handle.write("\ufeff")
    writer = csv.writer(handle)
    writer.writerow([safe(h) for h in header])
    count = 0
    for row in rows:
        writer.writerow([safe(v) for v in row])
        count += 1
    return count


def write_xlsx(
    path_or_handle: Path | io.BytesIO, header: list[str], rows: Iterable[Sequence[object]], title: str
) -> int:
    """Stream an xlsx (constant memory); every text cell is a string cell, so IDs stay text."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    cells = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=escape_cell(text))
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
    # A new workbook has one worksheet, and it is the active one.
    sheet = cast(Worksheet, workbook.active)
    sheet.title = _("数据")
    sheet.append(header)
    sheet.append(example)
    for index in range(len(header)):
        letter = get_column_letter(index + 1)
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
    for text, note in zip(header, notes, strict=True):
        guide.append([text, note])
    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["B"].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
