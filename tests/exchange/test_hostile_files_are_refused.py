"""Hostile spreadsheets are refused with a Chinese message and cannot end or bloat the process
that receives them (issue #19, item 1).

Each file is generated here (tests/exchange/hostile.py), uploaded through the exchange's own
upload action, and must end as a failed job whose message starts with 文件无法读取, with nothing
stored and no file left behind, while this process's peak resident memory grows by less than
64 MB. On the old code the far cell aborted the whole test process inside calamine (512 GB
allocation), the ZZ200000 cell took 4.3 GB and the whitespace bomb 1.5 GB.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse

from accounts.models import User
from exchange import actions
from exchange.files import FileProblemError, read_table
from exchange.models import ExchangeJob, JobStatus
from tests.exchange import hostile
from tests.exchange.conftest import PEOPLE_HEADER, person_row, xlsx_bytes

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
GROWTH_LIMIT = 64 * MB


def _status_bytes(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"{field} missing from /proc/self/status")


@contextmanager
def peak_growth() -> Iterator[list[int]]:
    """The growth of this process's peak resident memory over the block, in bytes."""
    # Writing 5 to clear_refs resets the peak (VmHWM) to the current size (Linux >= 4.0), so
    # earlier tests' peaks do not hide this block's.
    Path("/proc/self/clear_refs").write_text("5")
    before = _status_bytes("VmRSS")
    growth: list[int] = []
    yield growth
    growth.append(_status_bytes("VmHWM") - before)


def upload(user: User, path: Path) -> ExchangeJob:
    """Upload a file from disk as the upload view does (streamed in chunks, never whole)."""
    with path.open("rb") as handle:
        return actions.start_import(user, "people", UploadedFile(handle, name=path.name, size=path.stat().st_size))


def assert_refused(job: ExchangeJob, reason: str, exchange_root: Path, growth: list[int]) -> None:
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED, job.message
    assert job.message.startswith("文件无法读取："), job.message
    assert reason in job.message, job.message
    assert job.file_name == ""
    assert not list(exchange_root.iterdir()), "the upload and the parsed rows are removed"
    assert User.objects.filter(mobile__startswith="137").count() == 0
    assert growth[0] < GROWTH_LIMIT, f"this process grew by {growth[0] / MB:.0f} MB"


CASES: list[tuple[str, Callable[[Path], Path], str]] = [
    # Declared far away: refused from the <dimension> in the first bytes of the sheet.
    (
        "far cell XFD1048576, declared",
        lambda p: hostile.sparse_far_cell(p, "XFD1048576", declared=True),
        "工作表声明的范围有 1,048,576 行",
    ),
    ("far cell ZZ200000, declared", lambda p: hostile.sparse_far_cell(p, "ZZ200000", declared=True), "702 列"),
    # Not declared: only two <row> elements, so the parse starts, and calamine's request for
    # the whole rectangle ends the capped child, not this process.
    (
        "far cell XFD1048576, undeclared",
        lambda p: hostile.sparse_far_cell(p, "XFD1048576", declared=False),
        "读取时所需内存超过上限",
    ),
    (
        "far cell ZZ200000, undeclared",
        lambda p: hostile.sparse_far_cell(p, "ZZ200000", declared=False),
        "读取时所需内存超过上限",
    ),
    ("whitespace bomb, 1.5 GB unpacked", lambda p: hostile.filled_workbook(p, b" ", 1500), "解压后有 1500 MB"),
    ("whitespace bomb, 200 MB unpacked", lambda p: hostile.filled_workbook(p, b" ", 200), "压缩比"),
    ("deep zip bomb (zip of zips)", lambda p: hostile.nested_zip_bomb(p, 20), "嵌入了压缩文件"),
    ("1,048,576 tiny rows", lambda p: hostile.tiny_rows(p, 1_048_575), "工作表超过 200,000 行"),
    (
        "1,048,576 tiny rows, declared",
        lambda p: hostile.tiny_rows(p, 1_048_575, declared=True),
        "工作表声明的范围有 1,048,576 行",
    ),
    (
        "shared strings declared by the billion",
        lambda p: hostile.shared_strings_bomb(p, text_chars=10, cells=10, declared_count=4_000_000_000),
        "4,000,000,000 个不同的文本",
    ),
    ("a zip that is not a workbook", lambda p: _write(p, b"PK\x03\x04" + b"\0" * 200), "无法打开该 Excel 文件"),
]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("make", "reason"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_a_hostile_workbook_is_refused_without_growing_this_process(
    province_admin, exchange_root, tmp_path, make, reason
) -> None:
    path = make(tmp_path / "hostile.xlsx")

    with peak_growth() as growth:
        job = upload(province_admin, path)

    assert_refused(job, reason, exchange_root, growth)


def test_the_shared_strings_bomb_ends_the_child_not_this_process(
    province_admin, exchange_root, tmp_path, settings
) -> None:
    # One 32,000-character shared string in 9,000 cells: a small file whose cells calamine
    # copies out to 860 MB. The child's cap is lowered only so that it dies sooner.
    settings.EXCHANGE_PARSE_MEMORY_BYTES = 320 * MB
    path = hostile.shared_strings_bomb(tmp_path / "strings.xlsx", text_chars=32_000, cells=9_000)

    with peak_growth() as growth:
        job = upload(province_admin, path)

    assert_refused(job, "读取时所需内存超过上限（320 MB）", exchange_root, growth)


def test_a_csv_with_a_100_mb_line_is_refused_without_reading_it_whole(
    province_admin, exchange_root, tmp_path, settings
) -> None:
    settings.EXCHANGE_MAX_UPLOAD_BYTES = 200 * MB  # so that the line check, not the size limit, refuses it
    path = hostile.long_line_csv(tmp_path / "people.csv", 100)

    with peak_growth() as growth:
        job = upload(province_admin, path)

    assert_refused(job, "第 2 行超过 1024 KB", exchange_root, growth)


def test_a_csv_cell_over_excels_limit_is_refused_by_the_parser(province_admin, exchange_root, tmp_path) -> None:
    # Many short lines inside one quoted cell pass the line check; the child's field limit stops it.
    cell = "\n".join(["a" * 1000] * 40)
    path = tmp_path / "people.csv"
    path.write_text(f'姓名,手机号\n"{cell}",13700000001\n', encoding="utf-8")

    with peak_growth() as growth:
        job = upload(province_admin, path)

    assert_refused(job, "32,767 个字符", exchange_root, growth)


def test_the_far_cell_through_the_upload_page_leaves_the_server_answering(
    client, province_admin, exchange_root, tmp_path
) -> None:
    path = hostile.sparse_far_cell(tmp_path / "marks.xlsx", "XFD1048576", declared=False)
    client.force_login(province_admin)

    with path.open("rb") as handle:
        response = client.post(reverse("exchange:upload", args=["people"]), {"file": handle})

    job = ExchangeJob.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "文件无法读取：读取时所需内存超过上限" in page


def test_a_child_that_runs_past_the_time_limit_is_killed(province_admin, exchange_root, tmp_path, settings) -> None:
    settings.EXCHANGE_PARSE_WALL_SECONDS = 0.001
    path = tmp_path / "people.xlsx"
    path.write_bytes(xlsx_bytes(PEOPLE_HEADER, [person_row(1)]))

    with peak_growth() as growth:
        job = upload(province_admin, path)

    assert_refused(job, "时间上限", exchange_root, growth)


def test_a_small_file_still_reads_quickly_through_the_child(tmp_path) -> None:
    path = tmp_path / "people.xlsx"
    path.write_bytes(xlsx_bytes(PEOPLE_HEADER, [person_row(n) for n in range(20)]))

    started = time.perf_counter()
    header, rows = read_table(path, "xlsx")
    assert len(list(rows)) == 20
    # Generous for a shared 2-core machine; the start of the child is about 0.1 s.
    assert time.perf_counter() - started < 5
    assert header == PEOPLE_HEADER


@pytest.mark.django_db(transaction=True)
def test_the_background_worker_refuses_the_same_way(province_admin, exchange_root, tmp_path, settings) -> None:
    from tests.exchange.conftest import run_worker

    settings.EXCHANGE_INLINE_ROWS = 0  # every file goes to the worker
    path = hostile.sparse_far_cell(tmp_path / "far.xlsx", "ZZ200000", declared=False)
    job = upload(province_admin, path)
    assert job.background

    with peak_growth() as growth:
        run_worker()

    assert_refused(job, "读取时所需内存超过上限", exchange_root, growth)


def test_the_limits_are_settings(tmp_path, settings) -> None:
    settings.EXCHANGE_ROOT = tmp_path / "root"
    settings.EXCHANGE_MAX_ROWS = 5
    path = tmp_path / "people.xlsx"
    path.write_bytes(xlsx_bytes(PEOPLE_HEADER, [person_row(n) for n in range(6)]))

    with pytest.raises(FileProblemError, match="上限 5 行"):
        read_table(path, "xlsx")
