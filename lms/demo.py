"""Demo data for lms: a question bank, the quizzes the demo lessons link to (ids 1–3), an exam,
a work-study module, a cohort, and an enrollment with progress for learner 13800000001.

Called by `manage.py seed_demo` after cms; idempotent (natural keys: question fingerprint,
quiz id, course slug, mobile). Skips the course parts when the cms demo courses are missing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from accounts.calendar import day_in_month
from accounts.models import User
from lms import actions
from lms.models import (
    CourseRule,
    Enrollment,
    PaperMode,
    Question,
    QuizKind,
    QuizQuestion,
    WorkLog,
    WorkStudyModule,
    WorkStudyTask,
)
from lms.models import Quiz as QuizModel

if TYPE_CHECKING:
    from cms.models import CoursePage

S, M, TF, FILL, SHORT = "single", "multiple", "truefalse", "fill", "short"

# (qtype, stem, options, answer, explanation, difficulty, knowledge point)
BANK: dict[str, list[tuple]] = {
    "industrial_internet": [
        (
            S,
            "PLC 的中文全称是？",
            ["可编程逻辑控制器", "个人计算机", "电源线通信", "产品生命周期"],
            "A",
            "PLC 即可编程逻辑控制器，是产线控制的核心设备。",
            1,
            "PLC 基础",
        ),
        (
            M,
            "下列哪些是常见的工业通信协议？",
            ["Modbus", "OPC UA", "HTML", "Profinet"],
            ["A", "B", "D"],
            "HTML 是网页标记语言，不是工业通信协议。",
            2,
            "通信协议",
        ),
        (TF, "OPC UA 支持跨平台、带安全机制的数据交换。", [], True, "OPC UA 内置加密与身份认证。", 2, "通信协议"),
        (
            FILL,
            "设备联网后采集的运行数据常用于计算设备综合效率，简称____。",
            [],
            [["OEE"]],
            "OEE = 可用率 × 性能率 × 良品率。",
            3,
            "设备效率",
        ),
        (
            S,
            "边缘网关在设备联网中的主要作用是？",
            ["协议转换与数据预处理", "替代 PLC 控制", "打印报表", "存储图纸"],
            "A",
            "边缘网关把现场协议转换为上层系统能用的数据。",
            2,
            "边缘计算",
        ),
        (SHORT, "简述设备联网给车间带来的两个好处。", [], None, "", 3, "设备联网价值"),
    ],
    "data_analysis": [
        (
            S,
            "描述一组数据离散程度的指标是？",
            ["平均值", "标准差", "众数", "中位数"],
            "B",
            "标准差越大，数据越分散。",
            1,
            "统计基础",
        ),
        (
            M,
            "控制图可以用来？",
            ["判断过程是否受控", "发现异常波动", "替代全部检验", "跟踪过程趋势"],
            ["A", "B", "D"],
            "控制图不能替代检验。",
            3,
            "统计过程控制",
        ),
        (TF, "帕累托图按问题出现的频次从高到低排列。", [], True, "帕累托图帮助抓住主要矛盾。", 1, "质量工具"),
        (FILL, "过程能力指数常记作____。", [], [["Cpk", "CPK"]], "Cpk 同时考虑了均值偏移。", 3, "过程能力"),
        (
            S,
            "Excel 中对数据分组汇总最常用的功能是？",
            ["数据透视表", "冻结窗格", "条件格式", "拼写检查"],
            "A",
            "数据透视表可快速分组汇总。",
            1,
            "数据工具",
        ),
    ],
    "digital_operations": [
        (
            S,
            "中小企业数字化转型宜从哪里起步？",
            ["痛点最明显的业务场景", "一次性全面上系统", "先买最贵的软件", "先招大量 IT 人员"],
            "A",
            "小步快跑，从痛点场景切入。",
            1,
            "转型路径",
        ),
        (
            M,
            "评估转型项目成效可关注哪些指标？",
            ["交付周期", "不良率", "库存周转", "员工午餐满意度"],
            ["A", "B", "C"],
            "关注与经营结果相关的指标。",
            2,
            "成效评估",
        ),
        (TF, "数字化转型只是 IT 部门的事。", [], False, "转型需要业务、管理与 IT 共同推进。", 1, "组织保障"),
        (
            FILL,
            "企业资源计划系统的英文缩写是____。",
            [],
            [["ERP"]],
            "ERP：Enterprise Resource Planning。",
            2,
            "信息系统",
        ),
        (S, "制造执行系统的英文缩写是？", ["MES", "CRM", "OA", "BI"], "A", "MES 管理车间执行层。", 1, "信息系统"),
    ],
}

# quiz id the cms demo lessons link to → (course slug, bank domain, title)
QUIZZES = {
    1: ("device-networking-basics", "industrial_internet", "设备联网基础随堂测验"),
    2: ("production-data-analysis", "data_analysis", "质量数据分析随堂测验"),
    3: ("sme-transformation-management", "digital_operations", "转型规划与管理随堂测验"),
}
EXAM_TITLE = "工业互联网基础能力考试（随机组卷）"


def _bank() -> dict[str, list[Question]]:
    result: dict[str, list[Question]] = {}
    for domain, rows in BANK.items():
        result[domain] = []
        for qtype, stem, options, answer, explanation, difficulty, point in rows:
            question = Question(qtype=qtype, stem=stem, options=options)
            from lms.grading import question_fingerprint

            existing = Question.objects.filter(fingerprint=question_fingerprint(qtype, stem, options)).first()
            question = existing or question
            question.answer = answer
            question.explanation = explanation
            question.difficulty = difficulty
            question.knowledge_point = point
            question.domain = domain
            question.level = "beginner"
            question.points = Decimal(2) if qtype == SHORT else Decimal(1)
            question.rubric = "答出两点且结合本企业实际得满分，每点 1 分。" if qtype == SHORT else ""
            question.save()
            result[domain].append(question)
    return result


def _courses() -> dict[str, CoursePage]:
    from cms.models import CoursePage

    return {c.slug: c for c in CoursePage.objects.live()}


def _reset_sequence() -> None:
    """Quizzes 1–3 are created with fixed ids; move PostgreSQL's sequence past them."""
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [QuizModel]):
            cursor.execute(sql)


def seed(command: BaseCommand) -> None:
    bank = _bank()
    courses = _courses()
    for quiz_id, (slug, domain, title) in QUIZZES.items():
        quiz, _created = QuizModel.objects.update_or_create(
            pk=quiz_id,
            defaults={
                "title": title,
                "kind": QuizKind.QUIZ,
                "mode": PaperMode.FIXED,
                "course": courses.get(slug),
                "time_limit_minutes": 15,
                "max_attempts": 3,
                "pass_mark": 60,
                "description": "随堂测验：客观题提交后立即评分，可查看解析。",
            },
        )
        for order, question in enumerate(q for q in bank[domain] if q.qtype != SHORT):
            QuizQuestion.objects.get_or_create(quiz=quiz, question=question, defaults={"order": order})
        if quiz.closes_at is None or quiz.closes_at < timezone.now():
            # Open since the 1st of this month, closing on the 20th of next: the demo learners'
            # calendars show both (accounts/calendar.py); refreshed once a window has passed.
            quiz.opens_at = day_in_month(1, 0)
            quiz.closes_at = day_in_month(20, 18, months_ahead=1)
            quiz.save(update_fields=["opens_at", "closes_at"])
    _reset_sequence()
    QuizModel.objects.update_or_create(
        title=EXAM_TITLE,
        defaults={
            "kind": QuizKind.EXAM,
            "mode": PaperMode.RANDOM,
            "draw_rules": [{"domain": "industrial_internet", "count": 5}],
            "time_limit_minutes": 30,
            "max_attempts": 2,
            "pass_mark": 60,
            "course": None,
            "description": "从工业互联网题库随机抽取 5 题，含 1 道简答题由导师阅卷。",
        },
    )
    course = courses.get("device-networking-basics")
    if course is None:
        command.stdout.write("lms: question bank and quizzes (no cms demo courses yet, enrollments skipped)")
        return
    CourseRule.objects.get_or_create(course=course, defaults={"issuer_name": "山东省数字技能人才培育平台"})
    module, _created = WorkStudyModule.objects.get_or_create(
        course=course,
        defaults={
            "title": "车间设备联网实训",
            "description": "在本企业车间，在导师指导下完成一台设备的联网与数据采集。",
        },
    )
    for order, (title, hours, deliverables) in enumerate(
        [
            ("梳理设备清单与通信接口", "2", "设备清单（含型号、协议、IP 规划）"),
            ("完成一台设备的联网与数据采集", "4", "采集到的 1 小时运行数据截图，现场接线照片"),
        ],
        start=1,
    ):
        WorkStudyTask.objects.get_or_create(
            module=module,
            title=title,
            defaults={"required_hours": Decimal(hours), "deliverables": deliverables, "order": order},
        )
    learner = User.objects.filter(mobile="13800000001").first()
    mentor = User.objects.filter(mobile="13800000002").first()
    admin = User.objects.filter(mobile="13800000003").first()
    if learner is None or mentor is None:
        return
    if admin is not None and not Enrollment.objects.filter(learner=learner, course=course).exists():
        actions.create_cohort(
            actor=admin,
            name="2026 春季设备联网班",
            course=course,
            mentor=mentor,
            starts_on=dt.date(2026, 3, 1),
            ends_on=dt.date(2026, 6, 30),
            learners=[learner],
        )
    enrollment = actions.enroll(learner, course)
    if enrollment.mentor_id is None:
        Enrollment.objects.filter(pk=enrollment.pk).update(mentor=mentor)
        enrollment.mentor = mentor
    from lms.progress import lessons_of

    lessons = lessons_of(course)
    if lessons:
        actions.complete_lesson(enrollment, lessons[0], how="read")
        actions.visit_lesson(enrollment, lessons[min(1, len(lessons) - 1)])
    task = module.tasks.order_by("order").first()
    if task is not None and not WorkLog.objects.filter(enrollment=enrollment).exists():
        actions.log_session(
            enrollment,
            learner=learner,
            task=task,
            date=dt.date(2026, 3, 10),
            hours="2",
            content="与导师一起梳理了 3 号线 6 台设备的型号与通信接口，整理成设备清单。",
        )
    command.stdout.write(
        f"lms: {Question.objects.count()} questions, {QuizModel.objects.count()} quizzes, demo enrollment"
    )
