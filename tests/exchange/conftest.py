"""Helpers for the data-exchange tests: people rows, csv/xlsx files, running imports."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from accounts.validators import id_check_char
from exchange.registry import get_record_type

PEOPLE_HEADER = ["姓名", "手机号", "身份证号", "城市", "单位统一社会信用代码", "岗位类别", "行业"]
CITIES = ["济南", "青岛", "淄博", "烟台", "潍坊"]
JOBS = ["一线操作人员", "技术骨干", "管理人员"]


def person_id(seq: int) -> str:
    body = f"370102{1970 + seq % 40}{1 + seq % 12:02d}{1 + seq % 28:02d}{seq % 1000:03d}"
    return body + id_check_char(body)


def person_row(seq: int, org_code: str = "") -> list[str]:
    return [
        f"导入测试{seq}",
        f"137{seq:08d}",
        person_id(seq),
        CITIES[seq % len(CITIES)],
        org_code,
        JOBS[seq % len(JOBS)],
        "装备制造",
    ]


def csv_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def read_xlsx(data: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[..., Path]:
    def write(name: str, header: list[str], rows: list[list[object]]) -> Path:
        path = tmp_path / name
        data = xlsx_bytes(header, rows) if name.endswith(".xlsx") else csv_bytes(header, rows)
        path.write_bytes(data)
        return path

    return write


@pytest.fixture
def people_type():
    return get_record_type("people")


@pytest.fixture
def exchange_root(tmp_path: Path, settings) -> Path:
    root = tmp_path / "exchange-files"
    settings.EXCHANGE_ROOT = root
    return root


def run_worker() -> None:
    """Run every queued exchange task in this process, as `db_worker --batch` would."""
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="exchange",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
    ).run()


def chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


@pytest.fixture(autouse=True)
def _talent_boards_in_the_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """Imports that approve evaluations move people on the talent boards: keep the boards in the
    database, whose rows roll back with each test (a shared Redis would carry them over)."""
    from talent import boards

    monkeypatch.setattr(boards, "backend", boards.DbBoards)


def export_rows(key: str, actor, *, context=None) -> list[list[str]]:
    """The csv rows (header first) of an export of record type `key`, as `actor` within `context`."""
    from exchange.engine import write_export

    buffer = io.BytesIO()
    write_export(get_record_type(key), actor, "csv", buffer, context=context)
    return read_csv(buffer.getvalue())
