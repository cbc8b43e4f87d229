"""LMS fixtures: a published course with lessons, a quiz, a work-study module — built through
cms and lms code the way the app builds them."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from PIL import Image

from lms.models import PaperMode, Question, QuestionType, Quiz, QuizQuestion, WorkStudyModule, WorkStudyTask


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    """Uploads (work-study photos, practical answers) go to a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def course(db: None):
    from wagtail.models import Page, Site

    from cms.models import CourseIndexPage, CoursePage, LessonPage

    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(title="Root", slug="root")
    site = Site.objects.filter(is_default_site=True).first()
    parent = site.root_page if site else root
    index = CourseIndexPage.objects.first()
    if index is None:
        try:
            index = parent.specific.add_child(instance=CourseIndexPage(title="课程", slug="courses-lms"))
        except Exception:
            index = root.add_child(instance=CourseIndexPage(title="课程", slug="courses-lms"))
    page = index.add_child(
        instance=CoursePage(
            title="工业互联网入门",
            slug="iiot-basics-lms",
            summary="面向一线操作人员的工业互联网入门课",
            audience_tracks=["operator"],
            skill_domain="industrial_internet",
            level="beginner",
            industries=[],
            hours=Decimal("12"),
        )
    )
    for i, required in enumerate([True, True, False], start=1):
        page.add_child(instance=LessonPage(title=f"第{i}课", slug=f"lesson-{i}", summary="", is_required=required))
    return CoursePage.objects.get(pk=page.pk)


@pytest.fixture
def lessons(course) -> list:
    from lms.progress import lessons_of

    return lessons_of(course)


def make_question(qtype: str = QuestionType.SINGLE, stem: str = "", **kw) -> Question:
    defaults = {
        QuestionType.SINGLE: {"options": ["甲", "乙", "丙", "丁"], "answer": "B"},
        QuestionType.MULTIPLE: {"options": ["甲", "乙", "丙"], "answer": ["A", "C"]},
        QuestionType.TRUE_FALSE: {"answer": True},
        QuestionType.FILL: {"answer": [["PLC", "可编程逻辑控制器"]]},
        QuestionType.SHORT: {"rubric": "说出两点得满分"},
        QuestionType.PRACTICAL: {"rubric": "上传接线图"},
    }[qtype]
    defaults.update(kw)
    question = Question(qtype=qtype, stem=stem or f"{qtype} 题 {Question.objects.count() + 1}", **defaults)
    question.save()
    return question


@pytest.fixture
def quiz_factory(db: None) -> Callable[..., Quiz]:
    def make(questions: list[Question] | None = None, **kw) -> Quiz:
        values = {"title": "第一单元测验", "mode": PaperMode.FIXED, "pass_mark": 60}
        values.update(kw)
        quiz = Quiz.objects.create(**values)
        for i, question in enumerate(questions if questions is not None else [make_question()]):
            QuizQuestion.objects.create(quiz=quiz, question=question, order=i)
        return quiz

    return make


@pytest.fixture
def workstudy(course) -> WorkStudyModule:
    module = WorkStudyModule.objects.create(course=course, title="产线数据采集实训")
    WorkStudyTask.objects.create(module=module, title="完成一台设备的数据采集", required_hours=Decimal("4"), order=1)
    return module


def jpeg_bytes(size: tuple[int, int] = (800, 600), exif: bool = True) -> bytes:
    image = Image.new("RGB", size, (30, 120, 200))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "TestCam"  # Make
        data[0x8825] = {2: (36.0, 40.0, 0.0)}  # GPS latitude
        image.save(out, "JPEG", exif=data.tobytes())
    else:
        image.save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def set_body() -> Callable[..., object]:
    """Give a lesson content: a list of (block type, value) in StreamField's raw form, saved."""

    def make(lesson, blocks: list[tuple[str, object]]):
        import json

        from cms.models import LessonPage

        page = LessonPage.objects.get(pk=lesson.pk)
        page.body = json.dumps([{"type": kind, "value": value} for kind, value in blocks])
        page.save()
        return LessonPage.objects.get(pk=lesson.pk)

    return make


@pytest.fixture
def video_document(db: None, tmp_path):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    return get_document_model().objects.create(
        title="联网演示", file=ContentFile(b"\x00\x00\x00\x18ftypmp42", name="demo.mp4")
    )
