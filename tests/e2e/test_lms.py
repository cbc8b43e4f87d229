"""A learner enrolls on a phone, completes the lessons, passes the quiz, logs work-study with a
photo; the mentor approves; the certificate is issued and verified on the public page."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from accounts.demo import DEMO_PASSWORD
from tests.e2e.conftest import PHONE, assert_fits, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

COURSE_SLUG = "device-networking-basics"
CORRECT = {
    "PLC 的中文全称是": ["可编程逻辑控制器"],
    "常见的工业通信协议": ["Modbus", "OPC UA", "Profinet"],
    "OPC UA 支持跨平台": ["正确"],
    "边缘网关在设备联网中": ["协议转换与数据预处理"],
}


@pytest.fixture
def newcomer(demo):
    """A new operator at the mentor's enterprise (济南精工), with the demo mentor assigned by the admin."""
    from accounts.actions import register_user
    from accounts.models import User

    mentor = User.objects.get(mobile="13800000002")
    return register_user(
        mobile="13700000099", real_name="赵新员", password=DEMO_PASSWORD, organization=mentor.organization,
        job_group="operator",
    )  # fmt: skip


def _assign_mentor(learner) -> None:
    from accounts.models import User
    from cms.models import CoursePage
    from lms.actions import assign_mentor
    from lms.models import Enrollment

    course = CoursePage.objects.get(slug=COURSE_SLUG)
    enrollment = Enrollment.objects.get(learner=learner, course=course)
    assign_mentor(
        enrollment, actor=User.objects.get(mobile="13800000003"), mentor=User.objects.get(mobile="13800000002")
    )


def _read_every_reading_lesson(learner, course) -> None:
    """Heartbeats for ten minutes of server time with the end seen, on every reading lesson."""
    import datetime as dt

    from django.utils import timezone

    from lms.actions import report_reading, visit_lesson
    from lms.models import Enrollment
    from lms.progress import lessons_of

    enrollment = Enrollment.objects.get(learner=learner, course=course)
    start = timezone.now()
    for lesson in lessons_of(course):
        visit_lesson(enrollment, lesson, now=start)
        for t in range(30, 601, 30):
            report_reading(enrollment, lesson, end_seen=True, now=start + dt.timedelta(seconds=t))


def _photo(tmp_path) -> str:
    path = tmp_path / "现场.jpg"
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), (40, 140, 90)).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return str(path)


def test_learner_to_certificate_on_a_phone(demo, newcomer, new_page, shot, tmp_path, settings) -> None:
    from cms.models import CoursePage

    course = CoursePage.objects.get(slug=COURSE_SLUG)
    page = new_page(PHONE)
    login(page, newcomer.mobile, DEMO_PASSWORD)

    page.goto("/learn/?track=operator")
    assert_fits(page)
    shot(page, "lms-catalog-phone")
    page.get_by_role("link", name=course.title).click()
    page.get_by_role("button", name="报名学习").click()
    page.get_by_text("报名成功").wait_for()
    shot(page, "lms-course-enrolled-phone")

    page.get_by_role("link", name="开始学习").click()
    for _lesson in range(20):
        # Each lesson states its rule; reading is credited by the server's clock, so the time spent
        # reading is simulated below with the server's own action (the browser cannot wait minutes).
        page.wait_for_load_state("networkidle")
        assert_fits(page)
        assert page.locator("[data-lesson-state]").get_by_text("完成条件").is_visible()
        if _lesson == 0:
            shot(page, "lms-lesson-phone")
        next_link = page.get_by_role("link", name="下一课")
        if next_link.count() == 0:
            break
        with page.expect_navigation():
            next_link.click()
    _read_every_reading_lesson(newcomer, course)
    page.goto(f"/learn/courses/{course.pk}/")
    shot(page, "lms-course-lessons-done-phone")
    assert page.locator(".done-mark").count() >= 1

    page.goto("/learn/quizzes/1/")
    page.get_by_role("button", name="开始作答").click()
    page.wait_for_url("**/learn/attempts/**")
    for stem, texts in CORRECT.items():
        question = page.locator(".question", has_text=stem)
        for text in texts:
            question.locator("label.option", has_text=text).first.click()
    page.locator(".question", has_text="设备综合效率").locator("input[type=text]").fill("ｏｅｅ")
    page.wait_for_timeout(900)  # let autosave send the last answer
    assert page.get_by_text("已自动保存").is_visible()
    assert_fits(page)
    shot(page, "lms-quiz-phone")
    page.get_by_role("button", name="交卷", exact=True).click()  # the check opens in place
    page.get_by_role("dialog").get_by_role("button", name="确认交卷").click()
    page.wait_for_url("**/review/")
    assert page.get_by_text("通过", exact=True).first.is_visible()
    shot(page, "lms-quiz-review-phone")

    _assign_mentor(newcomer)
    page.goto(f"/learn/courses/{course.pk}/workstudy/")
    photo = _photo(tmp_path)
    for task_label, hours in (("梳理设备清单与通信接口", "2"), ("完成一台设备的联网与数据采集", "4")):
        page.get_by_label("任务").select_option(label=task_label)
        page.get_by_label("学时").fill(hours)
        page.get_by_label("工作内容").fill(f"{task_label}：<script>alert(1)</script> 已完成")
        page.get_by_label("现场照片").set_input_files(photo)
        page.get_by_role("button", name="提交日志").click()
        page.get_by_text("日志已提交").wait_for()
    assert page.locator(".log-photos img").count() == 2
    assert_fits(page)
    shot(page, "lms-workstudy-phone")

    mentor_page = new_page(PHONE)
    login(mentor_page, "13800000002", DEMO_PASSWORD)
    mentor_page.goto("/learn/mentor/")
    assert_fits(mentor_page)
    shot(mentor_page, "lms-mentor-queue-phone")
    for _log in range(2):
        mentor_page.locator("article.card", has_text="赵新员").first.get_by_role("button", name="通过").click()
        mentor_page.get_by_text("已审核。").wait_for()

    page.goto("/learn/me/")
    shot(page, "lms-dashboard-phone")
    assert page.get_by_text("已结业").first.is_visible()
    shot(page, "lms-dashboard-phone")
    page.locator("a[href^='/learn/certificates/']").first.click()
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    assert page.locator(".certificate").get_by_text("赵新员").is_visible()
    assert page.locator(".certificate-qr svg").count() == 1
    assert_fits(page)
    shot(page, "lms-certificate-phone")

    public = new_page(PHONE)
    public.goto("/learn/verify/")
    public.get_by_label("证书编号").fill(number)
    public.get_by_role("button", name="查验").click()
    public.get_by_text("证书有效").wait_for()
    assert public.locator(".cert-result").get_by_text("赵新员").is_visible()
    assert_fits(public)
    shot(public, "lms-verify-phone")


def test_organizer_builds_a_quiz_and_a_learner_autosaves_a_practical_file(demo, new_page, shot, tmp_path) -> None:
    from lms.models import Question, Quiz

    practical = Question(qtype="practical", stem="上传设备联网接线图（PDF）", rubric="接线正确、标注清楚")
    practical.save()

    organizer = new_page(PHONE)
    login(organizer, "13800000004", DEMO_PASSWORD)
    organizer.goto("/learn/manage/")
    assert_fits(organizer)
    shot(organizer, "lms-manage-phone")

    organizer.goto("/learn/manage/quizzes/new/?bank_q=接线图")
    organizer.get_by_label("名称").fill("设备联网实操考核")
    organizer.get_by_label("随机组卷").check()
    organizer.locator("[name=rule-0-count]").fill("150")
    organizer.get_by_label("发布（学员可见）").check()
    organizer.get_by_role("button", name="保存").click()
    organizer.get_by_text("题库中符合条件的启用试题只有").wait_for()
    assert_fits(organizer)
    shot(organizer, "lms-manage-quiz-refused-phone")
    assert not Quiz.objects.filter(title="设备联网实操考核").exists()

    organizer.get_by_label("固定试卷").check()
    organizer.locator("[name=rule-0-count]").fill("")
    organizer.locator(f"input[name=add][value='{practical.pk}']").check()
    organizer.get_by_role("button", name="保存").click()
    organizer.get_by_text("测验已保存").wait_for()
    quiz = Quiz.objects.get(title="设备联网实操考核")
    assert list(quiz.items.values_list("question_id", flat=True)) == [practical.pk]
    assert_fits(organizer)
    shot(organizer, "lms-manage-quiz-saved-phone")

    organizer.goto("/learn/manage/")
    organizer.get_by_role("link", name="设备联网与数据采集实操", exact=True).click()
    organizer.get_by_text("工学一体任务书").wait_for()
    assert_fits(organizer)
    shot(organizer, "lms-manage-course-phone")

    learner = new_page(PHONE)
    login(learner, "13800000001", DEMO_PASSWORD)
    learner.goto(f"/learn/quizzes/{quiz.pk}/")
    learner.get_by_role("button", name="开始作答").click()
    learner.wait_for_url("**/learn/attempts/**")
    drawing = tmp_path / "接线图.pdf"
    drawing.write_bytes(b"%PDF-1.7\n%%EOF\n")
    learner.get_by_label("上传实操成果").set_input_files(str(drawing))
    learner.locator("[data-upload-state] a", has_text="接线图.pdf").wait_for()
    learner.reload()
    assert learner.locator("[data-upload-state] a", has_text="接线图.pdf").is_visible()
    assert_fits(learner)
    shot(learner, "lms-practical-uploaded-phone")
    learner.get_by_role("button", name="交卷", exact=True).click()
    learner.get_by_role("dialog").get_by_role("button", name="确认交卷").click()
    learner.wait_for_url("**/review/")
    assert learner.get_by_text("主观题待阅卷").is_visible()

    organizer.goto("/learn/grading/")
    link = organizer.get_by_role("link", name="下载实操成果").first
    href = link.get_attribute("href")
    assert organizer.request.get(href).body() == b"%PDF-1.7\n%%EOF\n"
    assert_fits(organizer)
    shot(organizer, "lms-grading-practical-phone")
    stranger = new_page(PHONE)
    login(stranger, "13800000011", DEMO_PASSWORD)
    assert stranger.request.get(href).status == 404

    # The quiz now has an attempt: deleting it asks first, then is refused with the way out.
    organizer.goto(f"/learn/manage/quizzes/{quiz.pk}/")
    asked: list[str] = []
    organizer.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    organizer.get_by_role("button", name="删除测验").click()
    organizer.get_by_text("已有 1 次作答记录，不能删除").wait_for()
    assert asked and "设备联网实操考核" in asked[0]
    assert Quiz.objects.filter(pk=quiz.pk).exists()
    assert_fits(organizer)
    shot(organizer, "lms-manage-quiz-delete-refused-phone")
