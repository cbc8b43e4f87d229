"""The spreadsheet parser that runs in a child process, never in a web or worker process.

`exchange.files.read_table` starts this file as a script (`python -I reader.py`) and
sends it one JSON request on stdin: {"path", "fmt", "out", "limits": {...}}. Before it reads a
byte of the upload, the child caps its own address space (RLIMIT_AS), CPU time (RLIMIT_CPU) and
output file size (RLIMIT_FSIZE) and disables core dumps, so a reader that misbehaves on a hostile
file (calamine sizing a sheet from a cell at XFD1048576 asks for 512 GB) takes only this process
down. The parent also enforces a wall-clock limit and kills the child when it is exceeded.

Contract:
- rows go to `out` as JSON lines: the header row first, then one line per sheet row (empty rows
  too, so row numbers stay as in Excel): `[texts, indexes of numeric cells]`;
- the last line of stdout is one JSON object: {"rows": N} on success, or {"error": code, ...}
  for a file the limits refuse (exit status 3). Any other ending (a signal, another status) means
  the child died and the parent reports "文件无法读取".

This module imports nothing from the project or Django (the child starts in ~50 ms, and `-I`
keeps the working directory off sys.path); `files.py` imports `cell_text` from here so the web
and the child convert cells the same way.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any, TextIO

REFUSED = 3


class RefusedError(Exception):
    """The file breaks a limit: the parent turns `code` and `params` into a Chinese message."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def cell_text(value: object) -> tuple[str, bool]:
    """(text, was a number) for one xlsx cell value as calamine hands it over."""
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


class Writer:
    """Writes rows as JSON lines and keeps the counts the limits are checked against."""

    def __init__(self, handle: TextIO, limits: dict[str, int]) -> None:
        self.handle = handle
        self.max_rows = limits["max_rows"]
        self.max_columns = limits["max_columns"]
        self.max_cell_chars = limits["max_cell_chars"]
        self.max_row_chars = limits["max_row_chars"]
        self.max_output = limits["max_output_bytes"]
        self.written = 0
        self.rows = -1  # the header is not a data row

    def row(self, texts: list[str], numeric: list[int], number: int) -> None:
        if len(texts) > self.max_columns and any(texts[self.max_columns :]):
            raise RefusedError("too_many_columns", limit=self.max_columns)
        del texts[self.max_columns :]
        total = 0
        for index, text in enumerate(texts):
            size = len(text)
            if size > self.max_cell_chars:
                raise RefusedError("cell_too_long", row=number, column=index + 1, limit=self.max_cell_chars)
            total += size
        if total > self.max_row_chars:
            raise RefusedError("row_too_long", row=number, limit=self.max_row_chars)
        self.rows += 1
        if self.rows > self.max_rows:
            raise RefusedError("too_many_rows", limit=self.max_rows)
        line = json.dumps([texts, numeric], ensure_ascii=False) + "\n"
        self.written += len(line)
        if self.written > self.max_output:
            raise RefusedError("too_much_text", limit=self.max_output)
        self.handle.write(line)


def read_csv(path: str, writer: Writer) -> None:
    import csv
    import io

    with open(path, "rb") as handle:
        data = handle.read()
    # Excel on Chinese Windows saves "CSV" in GBK; "CSV UTF-8" has a byte-order mark.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RefusedError("encoding")
    del data
    csv.field_size_limit(writer.max_cell_chars)
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 0
    try:
        for values in reader:
            number += 1
            writer.row([v.strip() for v in values], [], number)
    except csv.Error:
        raise RefusedError("csv_field", row=reader.line_num, limit=writer.max_cell_chars) from None
    if number == 0:
        raise RefusedError("empty")


def read_xlsx(path: str, writer: Writer) -> None:
    # Imported only after the limits are in force: the whole sheet is loaded here.
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(path)
        try:
            sheet = workbook.get_sheet_by_index(0)
        finally:
            workbook.close()
    except (CalamineError, OSError, ValueError, IndexError) as exc:
        raise RefusedError("unreadable", detail=str(exc)[:200]) from None
    if sheet.start is None:
        raise RefusedError("empty")
    # calamine's rows start at row 1 and at the first used column: pad so indexes match the sheet.
    pad_width = sheet.start[1]
    if pad_width + sheet.width > writer.max_columns:
        raise RefusedError("too_many_columns", limit=writer.max_columns)
    if sheet.height - 1 > writer.max_rows:
        raise RefusedError("too_many_rows", limit=writer.max_rows)
    pad = [""] * pad_width
    number = 0
    for values in sheet.iter_rows():
        number += 1
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
        while texts and not texts[-1]:
            texts.pop()  # trailing empty cells carry nothing; the engine pads short rows
        writer.row(texts, numeric if texts else [], number)
    if number == 0:
        raise RefusedError("empty")


def limit_self(limits: dict[str, int]) -> None:
    """Cap this process before it touches the file: memory, CPU seconds, file size, no core."""
    import resource

    memory = limits["memory_bytes"]
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = limits["cpu_seconds"]
    # The soft limit sends SIGXCPU, the hard one a second later SIGKILL.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    output = limits["max_output_bytes"] + (1 << 20)
    resource.setrlimit(resource.RLIMIT_FSIZE, (output, output))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main() -> int:
    request: dict[str, Any] = json.loads(sys.stdin.read(1 << 16))
    limits: dict[str, int] = request["limits"]
    limit_self(limits)
    try:
        with open(request["out"], "w", encoding="utf-8") as handle:
            writer = Writer(handle, limits)
            if request["fmt"] == "csv":
                read_csv(request["path"], writer)
            else:
                read_xlsx(request["path"], writer)
    except RefusedError as exc:
        print(json.dumps({"error": exc.code, **exc.params}), flush=True)
        return REFUSED
    except MemoryError:
        print(json.dumps({"error": "memory"}), flush=True)
        return REFUSED
    print(json.dumps({"rows": max(writer.rows, 0)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
