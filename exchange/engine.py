"""The import and export pipeline shared by every record type.

Import: read the file as text → map the Chinese headers → generic cell checks (required fields,
identifiers damaged by Excel) → the record type's importer checks each chunk against the file
and the database → a row report. Nothing is written unless every row is valid, or the caller
chose "only valid rows"; the write is one transaction, so an import never half-happens.

Export: the record type's exporter yields rows; personal identifiers are masked unless the
exporter holds `accounts.view_pii`, and every cell that could be read as a formula is escaped,
in csv and xlsx alike. Every export is audited (`exchange.export`), an unmasked one also as
`pii.export`.

Both take an optional context (the contest, round, cohort or city a page works in, already
resolved and permission-checked by `registry.resolve_context`): the importer and exporter
receive it, and on import the context column of every row is fixed to it.
"""

from __future__ import annotations

import gc
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts import pii
from accounts.actions import audit
from exchange.files import FileProblemError, read_table, write_csv, write_xlsx
from exchange.registry import Column, RecordType, Row, WriteCounts, context_kind

if TYPE_CHECKING:
    from accounts.models import User

# The row report keeps this many errors in full; the counts are always exact.
MAX_STORED_ERRORS = 10_000
DOT_ZERO = re.compile(r"^\d+\.0+$")
SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE][+-]?\d+$")

Progress = Callable[[int, str], None]


@dataclass
class ImportReport:
    record_type: str
    total: int = 0
    valid: int = 0
    error_count: int = 0
    error_rows: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    counts: WriteCounts = field(default_factory=WriteCounts)
    written: bool = False
    ignored_columns: list[str] = field(default_factory=list)
    message: str = ""

    def add_errors(self, row: Row) -> None:
        self.error_rows += 1
        for column, message in row.errors:
            self.error_count += 1
            if len(self.errors) < MAX_STORED_ERRORS:
                self.errors.append({"row": row.number, "column": column, "message": message})

    def lines(self) -> Iterator[str]:
        """The row report as plain text lines (the command prints these)."""
        for error in self.errors:
            yield _("第 %(row)s 行 [%(column)s] %(message)s") % error
        if self.error_count > len(self.errors):
            yield _("……另有 %(n)s 条错误未列出。") % {"n": self.error_count - len(self.errors)}


def map_header(record_type: RecordType, header: list[str], context: Any = None) -> tuple[dict[str, int], list[str]]:
    """Column key → index in the file, and the headers that are not ours (ignored). Within a
    context the column it fixes may be left out."""
    by_header = {c.header: c for c in record_type.columns}
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for index, text in enumerate(header):
        name = text.strip().lstrip("*").strip()
        column = by_header.get(name)
        if column is None:
            if name:
                ignored.append(name)
            continue
        if column.key in positions:
            raise FileProblemError(_("列“%(h)s”出现了两次，请删除重复的列。") % {"h": name})
        positions[column.key] = index
    expected = record_type.file_columns(context)
    missing = [c.header for c in expected if c.required and c.key not in positions]
    if missing:
        raise FileProblemError(
            _("缺少必填列：%(cols)s。请使用模板，第 1 行应为列标题：%(all)s。")
            % {"cols": "、".join(missing), "all": "、".join(c.header for c in expected)}
        )
    if ignored and not record_type.extra_columns_allowed:
        raise FileProblemError(_("文件中有模板之外的列：%(cols)s。") % {"cols": "、".join(ignored)})
    return positions, ignored


def check_cell(row: Row, column: Column) -> None:
    """Generic checks every record type gets: required fields and identifiers read as text."""
    value = row.values.get(column.key, "")
    if not value:
        if column.required:
            row.error(column, _("必填项为空，请填写%(h)s。") % {"h": column.header})
        return
    if not column.text:
        return
    if DOT_ZERO.match(value):
        row.error(
            column,
            _("“%(v)s”末尾多了“.0”：该列被 Excel 存成了数字。请把该列设置为“文本”格式后重新填写。") % {"v": value},
        )
    elif SCIENTIFIC.match(value):
        row.error(
            column,
            _("“%(v)s”是科学计数法：Excel 已把该号码当成数字，后几位已经丢失。请把该列设置为“文本”格式后重新填写。")
            % {"v": value},
        )
    elif column.zero_padded and value.isdigit() and len(value) < column.zero_padded:
        row.error(
            column,
            _("只有 %(n)s 位，应为 %(len)s 位：开头的 0 可能被 Excel 去掉了。请把该列设置为“文本”格式后重新填写。")
            % {"n": len(value), "len": column.zero_padded},
        )
    elif column.key in row.numeric and column.zero_padded:
        row.error(column, _("该单元格是数字格式，请把该列设置为“文本”格式，以免丢失开头的 0。"))


def context_fixer(record_type: RecordType, context: Any) -> Callable[[Row], None] | None:
    """What the context does to each row on import: its context column, left empty or naming
    the context object, is set to the object's unique name; a row naming anything else is
    refused under that column. None when there is nothing to fix."""
    if context is None or record_type.context_column is None:
        return None
    kind = context_kind(record_type.context or "")
    assert kind.cell_values is not None, f"context kind {kind.key!r} names no cell values"
    names = kind.cell_values(context)
    column = record_type.column(record_type.context_column)

    def fix(row: Row) -> None:
        value = row.values.get(column.key, "").strip()
        if value and value not in names:
            row.error(
                column,
                _("本文件只能导入到%(kind)s“%(name)s”，该行填写的是“%(value)s”：请删除该列或改为本%(kind)s。")
                % {"kind": kind.label, "name": context, "value": value},
            )
            return
        row.values[column.key] = names[0]

    return fix


def iter_rows(
    record_type: RecordType, path: Path, fmt: str, report: ImportReport, context: Any = None
) -> Iterator[Row]:
    header, raw_rows = read_table(path, fmt)
    positions, report.ignored_columns = map_header(record_type, header, context)
    columns = [(c, positions.get(c.key)) for c in record_type.columns]
    for number, (texts, numeric) in enumerate(raw_rows, start=2):
        if not any(texts):
            continue  # Excel leaves empty rows below the data; they are not records.
        values = {c.key: (texts[i] if i is not None and i < len(texts) else "") for c, i in columns}
        numeric_keys = (
            frozenset(c.key for c, i in columns if i is not None and i in numeric) if numeric else frozenset()
        )
        yield Row(number=number, values=values, numeric=numeric_keys)


def _chunks(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_import(
    record_type: RecordType,
    actor: User,
    path: Path,
    fmt: str,
    *,
    commit: bool,
    only_valid: bool = False,
    progress: Progress | None = None,
    context: Any = None,
) -> ImportReport:
    """Check every row of the file and, when `commit` is set, write the valid rows.

    Writes nothing if any row is bad unless `only_valid`. The write happens in one transaction
    after all rows are checked; a clash with a concurrent change (unique constraints) rolls it
    back whole and is reported. Raises FileProblemError for a file that cannot be read at all.
    `context` must come from `registry.resolve_context` for this actor (it is not checked here).
    """
    # Rows are plain acyclic objects; the cyclic collector rescanning 100,000 of them on every
    # allocation burst costs more than the checks themselves, so it pauses for the run.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run_import(
            record_type, actor, path, fmt, commit=commit, only_valid=only_valid, progress=progress, context=context
        )
    finally:
        if collecting:
            gc.enable()


def _run_import(
    record_type: RecordType,
    actor: User,
    path: Path,
    fmt: str,
    *,
    commit: bool,
    only_valid: bool,
    progress: Progress | None,
    context: Any,
) -> ImportReport:
    assert record_type.importer is not None
    report = ImportReport(record_type=record_type.key)
    importer = record_type.importer(actor, context)
    fix = context_fixer(record_type, context)
    valid: list[Row] = []
    for chunk in _chunks(iter_rows(record_type, path, fmt, report, context), importer.chunk_size):
        for row in chunk:
            if fix is not None:
                fix(row)
            for column in record_type.columns:
                check_cell(row, column)
        importer.clean_chunk(chunk)
        for row in chunk:
            report.total += 1
            if row.errors:
                report.add_errors(row)
            else:
                row.values = {}  # keep memory flat on 100,000-row files: only the cleaned data stays
                valid.append(row)
        if progress:
            progress(report.total, "validate")
    report.valid = len(valid)
    report.errors.sort(key=lambda e: e["row"])
    if report.total == 0:
        report.message = _("文件中没有数据行：请在列标题下面填写数据。")
        return report
    if not commit:
        return report
    if report.error_rows and not only_valid:
        report.message = _("有 %(n)s 行有错误，未写入任何数据。请修改后重新上传，或选择“仅导入有效行”。") % {
            "n": report.error_rows
        }
        return report
    if progress:
        progress(report.total, "write")
    try:
        with transaction.atomic():
            report.counts = importer.write(valid)
            audit(
                actor,
                "exchange.import",
                context,
                after={
                    "record_type": record_type.key,
                    "rows": report.total,
                    "created": report.counts.created,
                    "updated": report.counts.updated,
                    "unchanged": report.counts.unchanged,
                    "skipped_bad_rows": report.error_rows,
                    **context_audit(record_type, context),
                },
            )
    except IntegrityError:
        report.message = _(
            "写入时发现数据已被他人同时修改（重复的手机号、身份证号或编码），本次未写入任何数据，请重新校验后导入。"
        )
        report.counts = WriteCounts()
        return report
    except (ValidationError, PermissionDenied) as exc:
        # An action refused a row that passed the checks (the data changed meanwhile): the
        # transaction is rolled back whole and the action's own message says why.
        reason = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        report.message = _("写入时被拒绝：%(reason)s。本次未写入任何数据，请重新校验后导入。") % {
            "reason": reason.rstrip("。") or _("无权执行此操作")
        }
        report.counts = WriteCounts()
        return report
    report.written = True
    return report


# --- Export -----------------------------------------------------------------------------------


def _mask(column: Column, value: object) -> object:
    if not isinstance(value, str) or not value or "*" in value:
        return value
    if column.pii == "mobile":
        return pii.mask_mobile(value)
    if column.pii == "id_number":
        return pii.mask_id_number(value)
    return value


def context_audit(record_type: RecordType, context: Any) -> dict[str, object]:
    """What an audit record says about the context: its kind, id and name (nothing without one)."""
    if context is None:
        return {}
    return {"context": {"kind": record_type.context, "id": getattr(context, "pk", None), "name": str(context)}}


def record_count(objects: Any) -> int:
    """How many records an exporter's `queryset()` holds: a QuerySet, or any sized collection
    (a leaderboard, a report built in memory)."""
    return objects.count() if isinstance(objects, QuerySet) else len(objects)


def _iterate(objects: Any) -> Iterator[Any]:
    return objects.iterator(chunk_size=2000) if isinstance(objects, QuerySet) else iter(objects)


def export_table(
    record_type: RecordType, actor: User, context: Any = None
) -> tuple[list[str], Iterator[list[object]], int, bool]:
    """(header, rows, row count, unmasked) for what `actor` may export of this record type,
    within `context` (from `registry.resolve_context`) when given.

    Personal identifiers are masked unless the actor holds `accounts.view_pii`. Every export
    writes an `exchange.export` audit record, an unmasked one also `pii.export`, before any row
    leaves the database.
    """
    assert record_type.exporter is not None
    has_pii = any(c.pii for c in record_type.columns)
    reveal = has_pii and actor.has_perm("accounts.view_pii")
    exporter = record_type.exporter(actor, reveal, context)
    queryset = exporter.queryset()
    count = record_count(queryset)
    scope = context_audit(record_type, context)
    # The audit record's target is the context object (the contest, round, cohort), if any.
    audit(actor, "exchange.export", context, after={"record_type": record_type.key, "rows": count, **scope})
    if reveal:
        audit(
            actor,
            "pii.export",
            None,
            after={"record_type": record_type.key, "rows": count, **scope},
            reason=_("导出含完整个人信息的数据"),
        )
    columns = record_type.columns

    def rows() -> Iterator[list[object]]:
        for values in exporter.rows(_iterate(queryset)):
            if reveal:
                yield [values.get(c.key, "") for c in columns]
            else:
                yield [_mask(c, values.get(c.key, "")) if c.pii else values.get(c.key, "") for c in columns]

    return record_type.headers, rows(), count, reveal


def write_export(
    record_type: RecordType,
    actor: User,
    fmt: str,
    destination: Path | io.BytesIO,
    progress: Progress | None = None,
    context: Any = None,
) -> tuple[int, bool]:
    """Write the export file; returns (rows written, unmasked)."""
    header, table_rows, _count, reveal = export_table(record_type, actor, context)

    def counted() -> Iterator[list[object]]:
        for done, row in enumerate(table_rows, start=1):
            if progress and done % 2000 == 0:
                progress(done, "export")
            yield row

    rows = counted()
    if fmt == "csv":
        if isinstance(destination, Path):
            with destination.open("w", encoding="utf-8", newline="") as handle:
                written = write_csv(handle, header, rows)
        else:
            text = io.StringIO(newline="")
            written = write_csv(text, header, rows)
            destination.write(text.getvalue().encode("utf-8"))
        return written, reveal
    return write_xlsx(destination, header, rows, title=str(record_type.label)), reveal
