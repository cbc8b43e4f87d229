"""lms record types: cohort enrollments (scoped to the enterprise admin's organization, by mobile
or ID number, idempotent), the question bank (the existing import's rules, idempotent by
fingerprint, round trip through the export), certificates (export only, masked by permission)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from accounts.choices import Role
from accounts.models import AuditEvent, Organization, User
from exchange.engine import run_import, write_export
from exchange.registry import get_record_type
from lms import actions
from lms.models import Cohort, Enrollment, Question, QuestionType
from tests.conftest import valid_id_number
from tests.exchange.conftest import read_csv, read_xlsx

pytestmark = pytest.mark.django_db

ENROLL_HEADER = ["班级", "姓名", "手机号", "身份证号"]
QUESTION_HEADER = [
    "题型",
    "题干",
    "选项A",
    "选项B",
    "选项C",
    "选项D",
    "选项E",
    "选项F",
    "答案",
    "解析",
    "难度",
    "知识点",
    "技能领域",
    "等级",
    "分值",
]


@pytest.fixture
def course(db: None):
    from wagtail.models import Page

    from cms.models import CourseIndexPage, CoursePage

    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    index = CourseIndexPage.objects.first() or root.add_child(
        instance=CourseIndexPage(title="课程", slug="courses-exchange")
    )
    page = index.add_child(
        instance=CoursePage(
            title="工业互联网入门",
            slug="iiot-exchange",
            summary="入门课",
            audience_tracks=["operator"],
            skill_domain="industrial_internet",
            level="beginner",
            industries=[],
            hours=Decimal("12"),
        )
    )
    return CoursePage.objects.get(pk=page.pk)


def _store_id(person: User, number: str) -> None:
    from accounts import pii

    person.id_number_hash = pii.fingerprint(number)
    person.id_number_cipher = pii.encrypt(number)
    person.id_number_masked = pii.mask_id_number(number)
    person.save(update_fields=["id_number_hash", "id_number_cipher", "id_number_masked"])


@pytest.fixture
def staff(make_person: Callable[..., User], acme: Organization) -> list[User]:
    return [make_person(Role.LEARNER, org=acme, name=f"员工{i}") for i in range(3)]


@pytest.fixture
def cohort(enterprise_admin: User, mentor: User, course, staff: list[User]) -> Cohort:
    return actions.create_cohort(
        actor=enterprise_admin,
        name="一期班",
        course=course,
        mentor=mentor,
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 6, 30),
        learners=staff[:1],
    )


def run(key: str, actor: User, path: Path, *, commit: bool = True, only_valid: bool = False):
    return run_import(get_record_type(key), actor, path, path.suffix[1:], commit=commit, only_valid=only_valid)


def errors_by_row(report) -> dict[int, list[tuple[str, str]]]:
    table: dict[int, list[tuple[str, str]]] = {}
    for error in report.errors:
        table.setdefault(error["row"], []).append((error["column"], error["message"]))
    return table


# --- Cohort enrollments -----------------------------------------------------------------------


def test_an_enterprise_admin_enrolls_her_staff_by_mobile_or_id_and_a_reimport_changes_nothing(
    enterprise_admin, cohort, staff, write_file
) -> None:
    number = valid_id_number(501)
    _store_id(staff[2], number)
    path = write_file(
        "cohort.xlsx",
        ENROLL_HEADER,
        [
            ["一期班", staff[0].real_name, staff[0].mobile, ""],  # already in the cohort
            [str(cohort.pk), "", staff[1].mobile, ""],  # by cohort number
            ["一期班", staff[2].real_name, "", number],  # by ID number only
        ],
    )

    report = run("enrollments", enterprise_admin, path)

    assert report.written, report.errors
    assert (report.counts.created, report.counts.updated, report.counts.unchanged) == (2, 0, 1)
    assert set(Enrollment.objects.filter(cohort=cohort).values_list("learner_id", flat=True)) == {p.pk for p in staff}
    assert AuditEvent.objects.filter(action="lms.enroll", actor=enterprise_admin).count() == 3
    assert AuditEvent.objects.filter(action="exchange.import", actor=enterprise_admin).exists()

    again = run("enrollments", enterprise_admin, path)

    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 3)
    assert Enrollment.objects.filter(cohort=cohort).count() == 3


def test_a_learner_enrolled_elsewhere_moves_to_the_cohort_and_the_move_is_audited(
    enterprise_admin, cohort, course, staff, write_file
) -> None:
    actions.enroll(staff[1], course, actor=staff[1])
    path = write_file("move.csv", ENROLL_HEADER, [["一期班", "", staff[1].mobile, ""]])

    report = run("enrollments", enterprise_admin, path)

    assert report.counts.updated == 1
    assert Enrollment.objects.get(learner=staff[1], course=course).cohort == cohort
    event = AuditEvent.objects.get(action="lms.enroll.cohort")
    assert (event.before, event.after) == ({"cohort": None}, {"cohort": cohort.pk})


def test_bad_enrollment_rows_are_reported_in_chinese_and_nothing_is_written(
    enterprise_admin, cohort, staff, outsider, make_person, rival, course, write_file
) -> None:
    other_cohort = actions.create_cohort(
        actor=make_person(Role.ENTERPRISE_ADMIN, org=rival),
        name="青岛班",
        course=course,
        mentor=None,
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 4, 1),
        learners=[outsider],
    )
    number = valid_id_number(777)
    _store_id(staff[2], number)
    path = write_file(
        "bad.csv",
        ENROLL_HEADER,
        [
            ["一期班", "", staff[1].mobile, ""],  # 2: good
            ["二期班", "", staff[2].mobile, ""],  # 3: unknown cohort
            ["青岛班", "", staff[2].mobile, ""],  # 4: another organization's cohort
            [str(other_cohort.pk), "", staff[2].mobile, ""],  # 5: ... also by number
            ["一期班", "", outsider.mobile, ""],  # 6: not her staff
            ["一期班", "", "1380013800", ""],  # 7: mobile not 11 digits
            ["一期班", "", "13712345678", ""],  # 8: nobody has that mobile
            ["一期班", "", "", ""],  # 9: no mobile, no ID
            ["一期班", "别人", staff[2].mobile, ""],  # 10: name does not match
            ["一期班", "", staff[2].mobile, valid_id_number(778)],  # 11: ID differs from the person's
            ["一期班", "", staff[1].mobile, ""],  # 12: duplicate of row 2
            ["一期班", "", staff[2].mobile, number[:-1] + ("0" if number[-1] != "0" else "1")],  # 13: check digit
            ["", "", staff[2].mobile, ""],  # 14: cohort missing
        ],
    )

    report = run("enrollments", enterprise_admin, path)

    assert not report.written
    rows = errors_by_row(report)
    assert sorted(rows) == list(range(3, 15))
    assert "未找到本单位的班级“二期班”" in rows[3][0][1]
    assert rows[4][0][0] == "班级" and "未找到本单位的班级" in rows[4][0][1]
    assert "未找到本单位的班级" in rows[5][0][1]
    assert rows[6] == [("手机号", f"该人员不属于本单位（{cohort.organization.name}），不能加入本单位的班级。")]
    assert rows[7][0][0] == "手机号"
    assert "平台中没有手机号为 13712345678 的人员" in rows[8][0][1]
    assert "请填写手机号或身份证号" in rows[9][0][1]
    assert rows[10] == [("姓名", "姓名“别人”与平台中该人员登记的姓名不一致，请核对。")]
    assert rows[11] == [("身份证号", "与平台中该手机号人员登记的身份证号不一致。")]
    assert rows[12] == [("手机号", "与第 2 行是同一学员的同一课程（一门课程只能加入一个班级）。")]
    assert rows[13][0][0] == "身份证号"
    assert rows[14][0] == ("班级", "必填项为空，请填写班级。")
    assert Enrollment.objects.filter(cohort=cohort).count() == 1

    only_good = run("enrollments", enterprise_admin, path, only_valid=True)

    assert only_good.written and only_good.counts.created == 1
    assert Enrollment.objects.filter(cohort=cohort).count() == 2


def test_only_enterprise_admins_import_enrollments_and_admins_export_their_scope(
    enterprise_admin, cohort, city_admin, province_admin, learner, outsider, make_person, rival, course
) -> None:
    record_type = get_record_type("enrollments")
    assert record_type.importable_by(enterprise_admin)
    assert not record_type.importable_by(city_admin)
    assert not record_type.importable_by(learner)
    assert not record_type.exportable_by(learner)
    actions.create_cohort(
        actor=make_person(Role.ENTERPRISE_ADMIN, org=rival),
        name="青岛班",
        course=course,
        mentor=None,
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 4, 1),
        learners=[outsider],
    )

    buffer = io.BytesIO()
    written, unmasked = write_export(record_type, enterprise_admin, "csv", buffer)

    table = read_csv(buffer.getvalue())
    assert table[0] == ["班级", "姓名", "手机号", "身份证号", "课程", "进度（%）", "结业时间"]
    assert written == 1 and not unmasked
    assert table[1][0] == "一期班" and table[1][2].count("*") == 4  # mobile masked
    buffer = io.BytesIO()
    written, unmasked = write_export(record_type, province_admin, "xlsx", buffer)
    assert written == 2 and unmasked
    assert {r[0] for r in read_xlsx(buffer.getvalue())[1:]} == {"一期班", "青岛班"}
    assert AuditEvent.objects.filter(action="pii.export", actor=province_admin).exists()


# --- Question bank ----------------------------------------------------------------------------


def question_row(qtype: str, stem: str, options: list[str], answer: str, **extra: str) -> list[str]:
    cells = dict.fromkeys(QUESTION_HEADER, "")
    cells.update({"题型": qtype, "题干": stem, "答案": answer, **extra})
    for letter, option in zip("ABCDEF", options, strict=False):
        cells[f"选项{letter}"] = option
    return [cells[h] for h in QUESTION_HEADER]


GOOD_QUESTIONS = [
    question_row(
        "单选", "PLC 的中文全称是？", ["可编程逻辑控制器", "个人计算机"], "A", 难度="易", 技能领域="工业互联网"
    ),
    question_row("多选", "下列属于工业协议的是？", ["OPC UA", "Modbus", "HTTP 表情包"], "AB", 分值="2"),
    question_row("判断", "MES 是制造执行系统。", [], "对", 等级="入门"),
    question_row("填空", "OPC UA 中的 UA 指____", [], "统一架构|Unified Architecture", 知识点="通信协议"),
    question_row("简答", "简述数字孪生的用途。", [], "说出两点得满分"),
]


def test_organizers_import_the_question_bank_and_a_reimport_changes_nothing(organizer, write_file) -> None:
    path = write_file("bank.xlsx", QUESTION_HEADER, GOOD_QUESTIONS)

    report = run("questions", organizer, path)

    assert report.written, report.errors
    assert report.counts.created == 5
    single = Question.objects.get(stem="PLC 的中文全称是？")
    assert (single.qtype, single.answer, single.difficulty, single.domain) == (
        QuestionType.SINGLE,
        "A",
        1,
        "industrial_internet",
    )
    assert Question.objects.get(qtype=QuestionType.FILL).answer == [["统一架构", "Unified Architecture"]]
    assert Question.objects.get(qtype=QuestionType.SHORT).rubric == "说出两点得满分"
    assert AuditEvent.objects.filter(action="lms.questions.import", actor=organizer).exists()

    again = run("questions", organizer, path)

    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 5)
    assert Question.objects.count() == 5


def test_a_changed_answer_updates_the_same_question(organizer, write_file) -> None:
    run("questions", organizer, write_file("v1.csv", QUESTION_HEADER, GOOD_QUESTIONS[:1]))
    changed = question_row("单选", "PLC 的中文全称是？", ["可编程逻辑控制器", "个人计算机"], "B", 解析="见教材")

    report = run("questions", organizer, write_file("v2.csv", QUESTION_HEADER, [changed]))

    assert (report.counts.created, report.counts.updated) == (0, 1)
    question = Question.objects.get()
    assert (question.answer, question.explanation) == ("B", "见教材")


def test_bad_question_rows_name_the_column_and_reason_and_nothing_is_written(organizer, write_file) -> None:
    path = write_file(
        "bad.csv",
        QUESTION_HEADER,
        [
            GOOD_QUESTIONS[0],  # 2
            question_row("问答", "这是什么题型？", [], "x"),  # 3
            question_row("单选", "", ["甲", "乙"], "A"),  # 4
            question_row("单选", "只有一个选项", ["甲"], "A"),  # 5
            question_row("单选", "答案越界", ["甲", "乙"], "D"),  # 6
            question_row("判断", "判断题答案", [], "也许"),  # 7
            question_row("单选", "难度不对", ["甲", "乙"], "A", 难度="9"),  # 8
            question_row("单选", "分值不对", ["甲", "乙"], "A", 分值="abc"),  # 9
            question_row("单选", "领域不对", ["甲", "乙"], "A", 技能领域="炼丹"),  # 10
            GOOD_QUESTIONS[0],  # 11: same question as row 2
        ],
    )

    report = run("questions", organizer, path)

    assert not report.written and Question.objects.count() == 0
    rows = errors_by_row(report)
    assert sorted(rows) == list(range(3, 12))
    assert rows[3][0][0] == "题型" and "无法识别" in rows[3][0][1]
    assert rows[4] == [("题干", "必填项为空，请填写题干。")]
    assert rows[5] == [("选项A", "选择题至少需要两个选项")]
    assert rows[6][0][0] == "答案" and "不在选项范围 A–B 内" in rows[6][0][1]
    assert rows[7] == [("答案", "判断题答案应为“对”或“错”")]
    assert rows[8][0][0] == "难度"
    assert rows[9][0][0] == "分值"
    assert rows[10][0][0] == "技能领域"
    assert rows[11] == [("题干", "与第 2 行是同一道题（题型、题干和选项相同）。")]


def test_the_question_bank_export_reimports_unchanged_and_is_only_for_bank_managers(
    organizer, editor, learner, enterprise_admin, write_file
) -> None:
    run("questions", organizer, write_file("bank.csv", QUESTION_HEADER, GOOD_QUESTIONS))
    Question.objects.filter(stem="简述数字孪生的用途。").update(stem="=HYPERLINK(1)")
    record_type = get_record_type("questions")
    assert record_type.exportable_by(editor) and record_type.importable_by(editor)
    assert not record_type.exportable_by(learner)
    assert not record_type.importable_by(enterprise_admin)

    buffer = io.BytesIO()
    written, _unmasked = write_export(record_type, organizer, "xlsx", buffer)

    table = read_xlsx(buffer.getvalue())
    assert written == 5 and table[0] == QUESTION_HEADER
    assert [r[1] for r in table[1:] if str(r[1]).startswith("'")] == ["'=HYPERLINK(1)"]
    Question.objects.filter(stem="=HYPERLINK(1)").delete()
    kept = [r for r in table[1:] if not str(r[1]).startswith("'")]
    assert len(kept) == 4

    report = run("questions", organizer, write_file("back.xlsx", QUESTION_HEADER, kept))

    assert report.written, report.errors
    assert (report.counts.created, report.counts.updated, report.counts.unchanged) == (0, 0, 4)


# --- Certificates (export only) ---------------------------------------------------------------


def test_certificates_are_export_only_scoped_and_masked_without_permission(
    enterprise_admin, province_admin, learner, outsider
) -> None:
    for person in (learner, outsider):
        actions.issue_certificate(
            holder=person,
            kind="course",
            title="工业互联网入门 结业证书",
            issuer_name="数智英才培育平台",
            hours=12,
            source="test",
            source_id=person.pk,
        )
    record_type = get_record_type("certificates")
    assert record_type.importer is None
    assert not record_type.importable_by(province_admin)
    assert not record_type.exportable_by(learner)

    buffer = io.BytesIO()
    written, unmasked = write_export(record_type, enterprise_admin, "csv", buffer)

    table = read_csv(buffer.getvalue())
    assert table[0] == [
        "证书编号",
        "姓名",
        "手机号",
        "单位",
        "类型",
        "证书名称",
        "颁发单位",
        "学时",
        "颁发时间",
        "状态",
    ]
    assert written == 1 and not unmasked
    assert table[1][1:3] == [learner.real_name, learner.mobile[:3] + "****" + learner.mobile[-4:]]
    assert table[1][4] == "课程结业证书" and table[1][7] == "12" and table[1][9] == "有效"

    buffer = io.BytesIO()
    written, unmasked = write_export(record_type, province_admin, "csv", buffer)
    assert written == 2 and unmasked
    assert {r[2] for r in read_csv(buffer.getvalue())[1:]} == {learner.mobile, outsider.mobile}


def test_the_templates_have_chinese_headers_and_the_question_example_imports(client, organizer, tmp_path) -> None:
    from django.urls import reverse
    from openpyxl import load_workbook

    client.force_login(organizer)
    response = client.get(reverse("exchange:template", args=["questions", "xlsx"]))
    header, example = list(
        load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(max_row=2, values_only=True)
    )
    assert list(header) == QUESTION_HEADER
    assert example[:3] == ("单选", "PLC 的中文全称是？", "可编程逻辑控制器")
    path = tmp_path / "template.xlsx"
    path.write_bytes(response.content)

    report = run("questions", organizer, path, commit=False)

    assert (report.total, report.error_rows) == (1, 0), report.errors
    assert client.get(reverse("exchange:template", args=["enrollments", "xlsx"])).status_code == 404  # not hers


def test_an_editor_sees_the_question_bank_on_the_exchange_page(client, editor) -> None:
    from django.urls import reverse

    client.force_login(editor)

    page = client.get(reverse("exchange:index")).content.decode()

    assert "导入题库" in page and "导出题库" in page and "班级学员" not in page
    assert client.get(reverse("exchange:upload", args=["people"])).status_code == 404


def test_operators_import_the_question_bank_from_the_command_line(organizer, write_file) -> None:
    from django.core.management import call_command

    path = write_file("bank.csv", QUESTION_HEADER, [GOOD_QUESTIONS[0], question_row("单选", "缺选项", ["甲"], "A")])
    out = io.StringIO()

    call_command("import_data", "questions", str(path), "--dry-run", "--as", organizer.mobile, stdout=out)

    assert "第 3 行 [选项A] 选择题至少需要两个选项" in out.getvalue()
    assert not Question.objects.exists()
    call_command("import_data", "questions", str(path), "--only-valid", "--as", organizer.mobile, stdout=io.StringIO())
    assert Question.objects.get().created_by == organizer
