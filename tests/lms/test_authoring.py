"""Organizers and training providers edit quizzes, completion rules and task books on
/learn/manage/: per-role access, validation with clear messages, actions called."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.choices import Role
from accounts.models import AuditEvent
from lms.actions import enroll, log_session, save_course_settings, save_quiz, start_attempt, submit_attempt
from lms.models import CourseRule, Enrollment, PaperMode, QuestionType, Quiz, WorkStudyTask
from lms.progress import lessons_of
from tests.lms.conftest import make_question

pytestmark = pytest.mark.django_db


def quiz_data(**kw) -> dict:
    data = {
        "title": "安全生产测验",
        "kind": "quiz",
        "description": "",
        "course": None,
        "counts_for_completion": True,
        "mode": PaperMode.FIXED,
        "time_limit_minutes": 30,
        "max_attempts": 2,
        "pass_mark": 60,
        "shuffle_options": True,
        "opens_at": None,
        "closes_at": None,
        "is_published": True,
    }
    data.update(kw)
    return data


def form_post(**kw) -> dict:
    post = {
        "title": "安全生产测验",
        "kind": "quiz",
        "mode": "fixed",
        "time_limit_minutes": "30",
        "max_attempts": "0",
        "pass_mark": "60",
        "is_published": "on",
        "rule-TOTAL_FORMS": "2",
        "rule-INITIAL_FORMS": "0",
        "rule-MIN_NUM_FORMS": "0",
        "rule-MAX_NUM_FORMS": "20",
    }
    post.update(kw)
    return post


@pytest.mark.parametrize("persona", ["learner", "mentor", "judge", "enterprise_admin", "outsider"])
def test_people_without_the_authoring_role_are_refused(client, request, persona, course) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/learn/manage/").status_code == 403
    assert client.get("/learn/manage/quizzes/new/").status_code == 403
    assert client.get(f"/learn/manage/courses/{course.pk}/").status_code == 403
    with pytest.raises(PermissionDenied):
        save_quiz(actor=request.getfixturevalue(persona), quiz=None, data=quiz_data(), question_ids=[])


@pytest.mark.parametrize("persona", ["organizer", "editor"])
def test_organizers_and_editors_reach_the_authoring_screens(client, request, persona, course) -> None:
    client.force_login(request.getfixturevalue(persona))
    page = client.get("/learn/manage/").content.decode()
    assert "新建测验" in page and course.title in page
    assert client.get("/learn/manage/quizzes/new/").status_code == 200
    assert client.get(f"/learn/manage/courses/{course.pk}/").status_code == 200


def test_an_organizer_builds_a_fixed_paper_on_the_page(client, organizer, course) -> None:
    first, second, third = (make_question() for _ in range(3))
    client.force_login(organizer)
    response = client.post(
        "/learn/manage/quizzes/new/", form_post(course=str(course.pk), add=[str(second.pk), str(first.pk)])
    )
    quiz = Quiz.objects.get(title="安全生产测验")
    assert response.status_code == 302 and response["Location"] == f"/learn/manage/quizzes/{quiz.pk}/"
    assert list(quiz.items.values_list("question_id", flat=True)) == [second.pk, first.pk]
    assert quiz.course_id == course.pk and quiz.time_limit_minutes == 30
    # Reorder (first before second), drop `second`'s neighbour, add the third.
    client.post(
        f"/learn/manage/quizzes/{quiz.pk}/",
        form_post(
            course=str(course.pk),
            questions=[str(second.pk), str(first.pk)],
            **{f"order_{second.pk}": "2", f"order_{first.pk}": "1"},
            add=[str(third.pk)],
        ),
    )
    assert list(quiz.items.values_list("question_id", flat=True)) == [first.pk, second.pk, third.pk]
    client.post(
        f"/learn/manage/quizzes/{quiz.pk}/",
        form_post(questions=[str(first.pk), str(second.pk), str(third.pk)], remove=[str(second.pk)]),
    )
    assert list(quiz.items.values_list("question_id", flat=True)) == [first.pk, third.pk]
    assert AuditEvent.objects.filter(action="lms.quiz.save").count() == 3


def test_a_draw_rule_asking_for_more_questions_than_the_bank_has_is_refused(client, organizer) -> None:
    for _ in range(2):
        make_question(domain="industrial_internet", difficulty=4)
    client.force_login(organizer)
    response = client.post(
        "/learn/manage/quizzes/new/",
        form_post(
            mode="random",
            **{"rule-0-count": "5", "rule-0-domain": "industrial_internet", "rule-0-difficulty": "4"},
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "第 1 条抽题规则需要 5 道题，题库中符合条件的启用试题只有 2 道" in page
    assert not Quiz.objects.exists()


def test_overlapping_rules_that_together_exceed_the_bank_are_refused(organizer) -> None:
    for _ in range(3):
        make_question(domain="industrial_internet", difficulty=3)
    rules = [{"count": 2, "domain": "industrial_internet"}, {"count": 2, "difficulty": 3}]
    with pytest.raises(ValidationError, match=r"第 1、2 条抽题规则共需 4 道题.*只有 3 道"):
        save_quiz(actor=organizer, quiz=None, data=quiz_data(mode=PaperMode.RANDOM), rules=rules)
    assert not Quiz.objects.exists()


def test_a_random_paper_saved_from_rules_can_be_started(organizer, learner) -> None:
    for _ in range(4):
        make_question(domain="industrial_internet")
    make_question(QuestionType.TRUE_FALSE)
    quiz = save_quiz(
        actor=organizer,
        quiz=None,
        data=quiz_data(mode=PaperMode.RANDOM),
        rules=[{"count": 3, "domain": "industrial_internet"}, {"count": 1, "qtype": "truefalse"}],
    )
    assert quiz.draw_rules == [{"count": 3, "domain": "industrial_internet"}, {"count": 1, "qtype": "truefalse"}]
    assert len(start_attempt(quiz, learner).paper) == 4


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"pass_mark": 120}, "pass_mark", "1 到 100"),
        ({"pass_mark": 0}, "pass_mark", "1 到 100"),
        ({"time_limit_minutes": 5000}, "time_limit_minutes", "分钟之间"),
        ({"title": "  "}, "title", "名称"),
    ],
)
def test_pass_mark_limits_and_names_are_checked(organizer, changes, field, message) -> None:
    question = make_question()
    with pytest.raises(ValidationError) as caught:
        save_quiz(actor=organizer, quiz=None, data=quiz_data(**changes), question_ids=[question.pk])
    assert message in " ".join(caught.value.message_dict[field])


def test_closing_before_opening_and_bad_paper_lists_are_refused(organizer) -> None:
    question = make_question()
    retired = make_question(is_active=False)
    now = timezone.now()
    with pytest.raises(ValidationError, match="截止时间必须晚于开放时间"):
        save_quiz(
            actor=organizer,
            quiz=None,
            data=quiz_data(opens_at=now, closes_at=now - dt.timedelta(hours=1)),
            question_ids=[question.pk],
        )
    with pytest.raises(ValidationError, match="不能在试卷中出现两次"):
        save_quiz(actor=organizer, quiz=None, data=quiz_data(), question_ids=[question.pk, question.pk])
    with pytest.raises(ValidationError, match=f"试题编号 {retired.pk} 不存在或已停用"):
        save_quiz(actor=organizer, quiz=None, data=quiz_data(), question_ids=[retired.pk])
    with pytest.raises(ValidationError, match="至少需要一道试题"):
        save_quiz(actor=organizer, quiz=None, data=quiz_data(), question_ids=[])
    assert not Quiz.objects.exists()


def test_a_provider_without_edit_rights_on_the_course_cannot_touch_its_settings(
    client, make_person, course, acme
) -> None:
    provider = make_person(Role.LEARNER, org=acme)
    provider.user_permissions.add(Permission.objects.get(codename="change_quiz", content_type__app_label="lms"))
    question = make_question()
    with pytest.raises(PermissionDenied, match="编辑课程"):
        save_quiz(actor=provider, quiz=None, data=quiz_data(course=course), question_ids=[question.pk])
    with pytest.raises(PermissionDenied):
        save_course_settings(actor=provider, course=course, rule={"require_quizzes": False})
    client.force_login(provider)
    assert client.get(f"/learn/manage/courses/{course.pk}/").status_code == 403
    assert course.title not in client.get("/learn/manage/").content.decode()
    standalone = save_quiz(actor=provider, quiz=None, data=quiz_data(), question_ids=[question.pk])
    assert standalone.course_id is None


def _rule_post(**kw) -> dict:
    post = {
        "require_lessons": "on",
        "require_workstudy": "on",
        "issue_certificate": "on",
        "issuer_name": "山东省数字技能培训中心",
        "module_title": "",
        "module_description": "",
        "task-TOTAL_FORMS": "1",
        "task-INITIAL_FORMS": "0",
        "task-MIN_NUM_FORMS": "0",
        "task-MAX_NUM_FORMS": "50",
    }
    post.update(kw)
    return post


def test_relaxing_the_completion_rule_recomputes_progress_and_completes_learners(
    client, organizer, course, learner, quiz_factory
) -> None:
    quiz_factory(course=course, counts_for_completion=True)
    enrollment = enroll(learner, course)
    from lms.actions import complete_lesson

    for lesson in lessons_of(course):
        complete_lesson(enrollment, lesson, how="manual")
    enrollment.refresh_from_db()
    assert enrollment.completed_at is None
    client.force_login(organizer)
    response = client.post(f"/learn/manage/courses/{course.pk}/", _rule_post())
    assert response.status_code == 302
    rule = CourseRule.objects.get(course=course)
    assert not rule.require_quizzes and rule.issuer_name == "山东省数字技能培训中心"
    enrollment = Enrollment.objects.get(pk=enrollment.pk)
    assert enrollment.completed_at is not None and enrollment.certificate.issuer_name == "山东省数字技能培训中心"


def test_a_task_book_is_written_on_the_page_and_hours_are_checked(client, organizer, course) -> None:
    client.force_login(organizer)
    bad = client.post(
        f"/learn/manage/courses/{course.pk}/",
        _rule_post(**{"module_title": "产线实训", "task-0-title": "数据采集", "task-0-required_hours": "0.2"}),
    )
    assert bad.status_code == 200 and not WorkStudyTask.objects.exists()
    ok = client.post(
        f"/learn/manage/courses/{course.pk}/",
        _rule_post(
            **{"module_title": "产线实训", "task-0-title": "数据采集", "task-0-required_hours": "6", "issuer_name": ""}
        ),
    )
    assert "颁发证书时请填写颁发单位" in ok.content.decode()
    client.post(
        f"/learn/manage/courses/{course.pk}/",
        _rule_post(**{"module_title": "产线实训", "task-0-title": "数据采集", "task-0-required_hours": "6"}),
    )
    task = WorkStudyTask.objects.get()
    assert task.module.title == "产线实训" and task.required_hours == 6


def test_a_task_with_logs_cannot_be_deleted(organizer, course, learner, workstudy) -> None:
    task = workstudy.tasks.get()
    enrollment = enroll(learner, course)
    log_session(enrollment, learner=learner, task=task, date=dt.date.today(), hours=2, content="接线")
    tasks = [{"id": task.pk, "title": task.title, "required_hours": "4", "delete": True}]
    with pytest.raises(ValidationError, match="已有学员的工学日志，不能删除"):
        save_course_settings(
            actor=organizer, course=course, rule={"require_workstudy": True}, module={"title": "实训"}, tasks=tasks
        )
    assert WorkStudyTask.objects.filter(pk=task.pk).exists()
    with pytest.raises(ValidationError, match="至少需要一个任务"):
        save_course_settings(actor=organizer, course=course, rule={}, module={"title": "实训"}, tasks=[])


def test_overlapping_rules_that_the_bank_can_satisfy_always_draw_a_full_paper(organizer, learner, quiz_factory) -> None:
    """A broad rule (any domain) and a narrow one (difficulty 5) share questions: the narrow rule
    draws first, so every paper is complete."""
    narrow = [make_question(difficulty=5) for _ in range(2)]
    broad = [make_question(difficulty=2) for _ in range(2)]
    quiz = save_quiz(
        actor=organizer,
        quiz=None,
        data=quiz_data(mode=PaperMode.RANDOM, max_attempts=0),
        rules=[{"count": 2}, {"count": 2, "difficulty": 5}],
    )
    for _ in range(8):
        attempt = start_attempt(quiz, learner)
        assert sorted(e["q"] for e in attempt.paper) == sorted(q.pk for q in narrow + broad)
        submit_attempt(attempt, learner)


def test_a_quiz_nobody_has_attempted_is_deleted_and_its_course_recomputed(
    client, organizer, course, learner, quiz_factory
) -> None:
    from lms.actions import complete_lesson
    from lms.models import QuizQuestion

    quiz = quiz_factory(course=course, counts_for_completion=True)
    enrollment = enroll(learner, course)
    for lesson in lessons_of(course):
        complete_lesson(enrollment, lesson, how="manual")
    assert Enrollment.objects.get(pk=enrollment.pk).completed_at is None  # held back by the quiz
    client.force_login(organizer)
    page = client.get(f"/learn/manage/quizzes/{quiz.pk}/").content.decode()
    assert f"/learn/manage/quizzes/{quiz.pk}/delete/" in page and "data-confirm" in page
    assert client.get(f"/learn/manage/quizzes/{quiz.pk}/delete/").status_code == 405
    response = client.post(f"/learn/manage/quizzes/{quiz.pk}/delete/", follow=True)
    assert response.redirect_chain[-1][0] == "/learn/manage/"
    assert f"测验“{quiz.title}”已删除" in response.content.decode()
    assert not Quiz.objects.filter(pk=quiz.pk).exists() and not QuizQuestion.objects.filter(quiz_id=quiz.pk).exists()
    event = AuditEvent.objects.get(action="lms.quiz.delete")
    assert event.before["title"] == quiz.title and event.actor == organizer
    assert Enrollment.objects.get(pk=enrollment.pk).completed_at is not None
    assert client.post(f"/learn/manage/quizzes/{quiz.pk}/delete/").status_code == 404


def test_a_quiz_with_attempts_is_kept_and_the_author_is_told_to_unpublish_it(
    client, organizer, learner, quiz_factory
) -> None:
    from lms.actions import delete_quiz

    quiz = quiz_factory()
    start_attempt(quiz, learner)
    client.force_login(organizer)
    response = client.post(f"/learn/manage/quizzes/{quiz.pk}/delete/", follow=True)
    assert response.redirect_chain[-1][0] == f"/learn/manage/quizzes/{quiz.pk}/"
    assert "已有 1 次作答记录，不能删除" in response.content.decode()
    assert Quiz.objects.filter(pk=quiz.pk).exists() and quiz.attempts.count() == 1
    with pytest.raises(ValidationError, match="取消“已发布”"):
        delete_quiz(actor=organizer, quiz=quiz)
    assert not AuditEvent.objects.filter(action="lms.quiz.delete").exists()
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):  # the admin or a shell cannot take the attempts with it either
        quiz.delete()
    assert quiz.attempts.count() == 1


def test_only_authors_with_rights_on_the_course_delete_its_quiz(
    client, make_person, acme, course, quiz_factory
) -> None:
    from lms.actions import delete_quiz

    quiz = quiz_factory(course=course)
    provider = make_person(Role.LEARNER, org=acme)
    provider.user_permissions.add(Permission.objects.get(codename="change_quiz", content_type__app_label="lms"))
    with pytest.raises(PermissionDenied, match="编辑课程"):
        delete_quiz(actor=provider, quiz=quiz)
    client.force_login(provider)
    assert client.post(f"/learn/manage/quizzes/{quiz.pk}/delete/").status_code == 403
    assert Quiz.objects.filter(pk=quiz.pk).exists()


def test_a_quiz_a_lesson_links_to_is_not_deleted(organizer, course, quiz_factory) -> None:
    from lms.actions import delete_quiz

    quiz = quiz_factory()
    lesson = lessons_of(course)[0]
    lesson.body = [("quiz", {"quiz_id": quiz.pk, "title": "随堂测验"})]
    lesson.save_revision().publish()
    with pytest.raises(ValidationError, match=f"课时“{lesson.title}”的内容链接到该测验"):
        delete_quiz(actor=organizer, quiz=quiz)
    assert Quiz.objects.filter(pk=quiz.pk).exists()
