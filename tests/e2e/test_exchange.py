"""Data exchange in the browser: upload a people file with errors, read the row report, upload the
fixed file, import it with the live progress bar (the background worker runs beside the server),
and download an export. Screenshots at desktop and phone width."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from tests.competitions import conftest as contest_fixtures
from tests.e2e.conftest import PHONE, assert_fits, login
from tests.exchange.conftest import PEOPLE_HEADER, person_row, xlsx_bytes

contest, group, approved = contest_fixtures.contest, contest_fixtures.group, contest_fixtures.approved
contestants, judges, scheme = contest_fixtures.contestants, contest_fixtures.judges, contest_fixtures.scheme

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PROVINCE_ADMIN = "13800000008"
ROWS = 1200  # above the inline threshold (1,000 rows): processed by the worker with a progress bar


@pytest.fixture
def worker():
    """The background worker, as `make run` starts it, in a thread of the test process (it shares
    the test database with the forked server)."""
    from django.db import connections
    from django_tasks_db.management.commands.db_worker import Worker

    runner = Worker(
        queue_names=["*"],
        interval=1.5,
        batch=False,
        backend_name="exchange",
        startup_delay=False,
        max_tasks=None,
        worker_id="e2e-worker",
    )

    def run() -> None:
        try:
            runner.run()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield runner
    runner.running = False
    thread.join(timeout=10)


def people_file(tmp_path: Path, name: str, *, broken: bool) -> Path:
    rows = [person_row(n) for n in range(ROWS)]
    if broken:
        rows[10][3] = "火星"
        rows[20][2] = rows[20][2][:17] + ("0" if rows[20][2][17] != "0" else "1")
        rows[30][1] = "1370000"
    path = tmp_path / name
    path.write_bytes(xlsx_bytes(PEOPLE_HEADER, rows))
    return path


def test_an_admin_fixes_a_file_imports_it_with_progress_and_exports(
    demo, worker, new_page, shot, tmp_path, live_url
) -> None:
    page = new_page()
    login(page, PROVINCE_ADMIN, DEMO_PASSWORD)
    page.goto("/exchange/")
    assert page.get_by_role("heading", name="数据交换").is_visible()
    shot(page, "exchange-index-desktop")

    page.get_by_role("link", name="导入人员").click()
    page.get_by_label("数据文件").set_input_files(str(people_file(tmp_path, "学员名单.xlsx", broken=True)))
    page.get_by_role("button", name="上传并校验").click()
    page.get_by_role("heading", name="校验结果（尚未写入）").wait_for(timeout=60_000)
    assert page.locator("[data-figure=error-rows]").inner_text() == "3"
    errors = page.locator("table.exchange-errors tbody tr")
    assert errors.count() == 3
    assert "未知城市“火星”" in errors.nth(0).inner_text() and errors.nth(0).locator("td").first.inner_text() == "12"
    assert "校验位不正确" in errors.nth(1).inner_text()
    assert "11 位" in errors.nth(2).inner_text()
    assert page.get_by_role("button", name="确认导入").count() == 0
    shot(page, "exchange-preview-desktop")
    preview_url = page.url
    assert not User.objects.filter(mobile__startswith="137").exists()

    page.get_by_role("link", name="上传修改后的文件").click()
    page.get_by_label("数据文件").set_input_files(str(people_file(tmp_path, "学员名单-已修改.xlsx", broken=False)))
    page.get_by_role("button", name="上传并校验").click()
    page.get_by_role("button", name=f"确认导入 {ROWS} 行").click(timeout=60_000)
    assert page.locator("#job-progress .progress").is_visible()
    # Catch the bar moving (or the result, if the worker was quicker than the poll).
    page.wait_for_function(
        "() => { const p = document.querySelector('[data-percent]'); return !p || Number(p.textContent) > 0; }",
        timeout=60_000,
    )
    shot(page, "exchange-progress-desktop")
    page.get_by_role("heading", name="导入结果").wait_for(timeout=60_000)
    assert page.locator("[data-figure=created]").inner_text() == str(ROWS)
    shot(page, "exchange-imported-desktop")
    assert User.objects.filter(mobile__startswith="137").count() == ROWS

    page.goto("/exchange/")
    page.locator("#fmt-people").select_option("xlsx")
    page.get_by_role("button", name="导出人员").click()
    download_button = page.get_by_role("link", name="下载文件")
    download_button.wait_for(timeout=60_000)
    assert page.get_by_text("本次导出已记入审计日志").is_visible()
    with page.expect_download() as info:
        download_button.click()
    saved = tmp_path / "export.xlsx"
    info.value.save_as(saved)
    table = list(load_workbook(saved).worksheets[0].iter_rows(values_only=True))
    assert list(table[0]) == PEOPLE_HEADER
    assert len(table) == 1 + User.objects.count()
    shot(page, "exchange-export-desktop")

    phone = new_page(PHONE)
    login(phone, PROVINCE_ADMIN, DEMO_PASSWORD)
    phone.goto(preview_url.replace(live_url, ""))
    phone.get_by_role("heading", name="错误明细（3 处）").wait_for()
    assert_fits(phone)
    shot(phone, "exchange-preview-phone")
    phone.goto("/exchange/")
    assert_fits(phone)
    shot(phone, "exchange-index-phone")


def test_page_buttons_reach_the_exchange_within_their_context_and_come_back(demo, new_page, shot, tmp_path) -> None:
    """The contest console's 批量报名 and the dashboard's 导出年度督导报告 are the exchange's own
    upload and export, within the contest or board, and the job leads back to the page."""
    from competitions.demo import SLUG
    from competitions.models import Registration

    page = new_page()
    login(page, "13800000004", DEMO_PASSWORD)  # the demo organizer
    console = f"/contests/manage/{SLUG}/"
    page.goto(console)
    page.get_by_role("link", name="批量报名").click()
    assert "2026 年山东省中小企业数字技能大赛" in page.get_by_test_id("exchange-context").inner_text()
    sheet = tmp_path / "报名.csv"
    sheet.write_text("手机号,赛项\n13800000006,数据分析\n13000000000,数据分析\n", encoding="utf-8")
    page.get_by_label("数据文件").set_input_files(str(sheet))
    page.get_by_role("button", name="上传并校验").click()
    page.get_by_role("heading", name="校验结果（尚未写入）").wait_for()
    assert "平台中没有手机号为 13000000000 的人员" in page.locator("table.exchange-errors").inner_text()
    shot(page, "exchange-contest-registrations-desktop")
    page.get_by_role("button", name="仅导入 1 行有效数据").click()
    page.get_by_role("heading", name="导入结果").wait_for()
    page.get_by_role("link", name="返回原页面").click()
    page.wait_for_url(f"**{console}")
    assert Registration.objects.filter(contest__slug=SLUG, person__mobile="13800000006").exists()

    page = new_page()
    login(page, PROVINCE_ADMIN, DEMO_PASSWORD)
    page.goto("/talent/dashboard/")
    page.get_by_role("button", name="导出年度督导报告（Excel）").click()
    page.get_by_role("link", name="下载文件").wait_for()
    page.get_by_role("link", name="返回原页面").click()
    page.wait_for_url("**/talent/dashboard/")


def _export_and_come_back(page, button: str, back_to: str, tmp_path: Path, name: str) -> Path:
    """Press a page's export button, take the file from the exchange's job page, return to the page."""
    page.get_by_role("button", name=button).click()
    download = page.get_by_role("link", name="下载文件")
    download.wait_for(timeout=60_000)
    with page.expect_download() as info:
        download.click()
    saved = tmp_path / name
    info.value.save_as(saved)
    page.get_by_role("link", name="返回原页面").click()
    page.wait_for_url(f"**{back_to}")
    return saved


def test_the_question_bank_cohort_shortlist_and_results_buttons_go_through_the_exchange(
    demo, new_page, shot, tmp_path, organizer, contest, group, contestants, judges, scheme
) -> None:
    """导入题库 (the question bank), 导出 CSV (a cohort), 导出名单（Excel） (a shortlist round) and
    导出成绩 (a contest console) are the exchange's upload and exports within their context: each
    gives a file or a row report and leads back to the page it started from."""
    from competitions import actions as contest_actions
    from lms.models import Cohort, Question
    from talent.models import SelectionRound
    from tests.competitions.conftest import score_all
    from tests.conftest import PASSWORD

    # The question bank: a file with one good and one bad row, only the good one imported.
    page = new_page()
    login(page, "13800000004", DEMO_PASSWORD)  # the demo organizer
    page.goto("/learn/manage/")
    page.get_by_role("link", name="导入题库").click()
    sheet = tmp_path / "题库.csv"
    sheet.write_text(
        "题型,题干,选项A,选项B,答案\n单选,边缘网关的作用是？,协议转换,打印,A\n问答,未知题型,,,\n", encoding="utf-8"
    )
    page.get_by_label("数据文件").set_input_files(str(sheet))
    page.get_by_role("button", name="上传并校验").click()
    page.get_by_role("heading", name="校验结果（尚未写入）").wait_for()
    assert "题型“问答”无法识别" in page.locator("table.exchange-errors").inner_text()
    page.get_by_role("button", name="仅导入 1 行有效数据").click()
    page.get_by_role("heading", name="导入结果").wait_for()
    page.get_by_role("link", name="返回原页面").click()
    page.wait_for_url("**/learn/manage/")
    assert Question.objects.filter(stem="边缘网关的作用是？").exists()

    # A cohort's progress, exported by the enterprise admin who runs it.
    cohort = Cohort.objects.get(name="2026 春季设备联网班")
    page = new_page()
    login(page, "13800000003", DEMO_PASSWORD)
    page.goto(f"/learn/cohorts/{cohort.pk}/")
    saved = _export_and_come_back(page, "导出 CSV", f"/learn/cohorts/{cohort.pk}/", tmp_path, "cohort.csv")
    assert saved.read_text(encoding="utf-8-sig").splitlines()[1:], "the cohort's learners are in the file"

    # The leader shortlist round, exported by the province admin.
    selection = SelectionRound.objects.get(name="2026 年度数字高技能领军人才遴选")
    page = new_page()
    login(page, PROVINCE_ADMIN, DEMO_PASSWORD)
    page.goto(f"/talent/shortlist/{selection.pk}/")
    saved = _export_and_come_back(
        page, "导出名单（Excel）", f"/talent/shortlist/{selection.pk}/", tmp_path, "list.xlsx"
    )
    assert load_workbook(saved).worksheets[0].max_row >= 1

    # A contest's published results, exported from its console.
    score_all(contestants, judges, scheme, [("30", "2"), ("20", "2"), ("10", "2"), ("5", "2")])
    contest_actions.sign_off(group, actor=judges[0])
    contest_actions.publish_results(contest, actor=organizer)
    page = new_page()
    login(page, organizer.mobile, PASSWORD)
    console = f"/contests/manage/{contest.slug}/"
    page.goto(console)
    saved = _export_and_come_back(page, "导出成绩", console, tmp_path, "results.csv")
    assert len(saved.read_text(encoding="utf-8-sig").splitlines()) == 1 + len(contestants)
    shot(page, "exchange-buttons-back-on-the-console-desktop")
