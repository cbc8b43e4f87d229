"""Quiz and exam attempts: papers, autosave, submission, grading. Re-exported by lms.actions.

The server is the clock: an attempt's `deadline` is fixed at start and every save or submission
is checked against it. Option letters are shuffled per attempt; responses are translated back to
the question's original letters before they are stored, so grading never sees the shuffle.
"""

from __future__ import annotations

import codecs
import datetime as dt
import os
import random
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actions import audit, audit_many, in_language_of, notify
from accounts.choices import NoticeKind, NoticeLevel, Role
from accounts.models import User
from accounts.selectors import people_visible_to
from accounts.validators import check_length
from lms import papers
from lms.grading import OPTION_LETTERS, grade
from lms.models import (
    Attempt,
    AttemptAnswer,
    AttemptStatus,
    Question,
    QuestionType,
    Quiz,
)
from lms.papers import rule_candidates as rule_candidates

# A submission that reaches the server this long after the deadline still counts: it covers
# the network round trip of a click made in the last second, nothing more.
GRACE = dt.timedelta(seconds=5)
MAX_TEXT = 5000


class LateSubmissionError(ValidationError):
    """The attempt's time ran out; its autosaved answers were graded instead."""


# --- Building a paper ----------------------------------------------------------------------------


def build_paper(quiz: Quiz, rng: random.Random | None = None) -> list[dict[str, Any]]:
    """A new paper for `quiz` (lms.papers.draw from the process's prepared pool)."""
    return papers.draw(papers.pool_for(quiz), rng or new_rng())


def new_rng() -> random.Random:
    """A generator for one paper, seeded from the OS: a draw nobody can predict, without a
    system call for every choice (random.SystemRandom makes one per number)."""
    return random.Random(int.from_bytes(os.urandom(16), "big"))


# --- Attempts -----------------------------------------------------------------------------------


def _deadline(quiz: Quiz, start: dt.datetime) -> dt.datetime | None:
    ends = [start + dt.timedelta(minutes=quiz.time_limit_minutes)] if quiz.time_limit_minutes else []
    if quiz.closes_at:
        ends.append(quiz.closes_at)
    return min(ends) if ends else None


def attempts_left(quiz: Quiz, learner: User) -> int | None:
    if not quiz.max_attempts:
        return None
    return max(0, quiz.max_attempts - Attempt.objects.filter(quiz=quiz, learner=learner).count())


def window_error(quiz: Quiz, now: dt.datetime) -> str:
    """Why nobody may start `quiz` now ("" when they may): unpublished, not yet open, or closed."""
    if not quiz.is_published:
        return _("该测验尚未发布。")
    if quiz.opens_at and now < quiz.opens_at:
        return _("该测验将于 %(t)s 开放。") % {"t": timezone.localtime(quiz.opens_at).strftime("%Y-%m-%d %H:%M")}
    if quiz.closes_at and now >= quiz.closes_at:
        return _("该测验已于 %(t)s 截止。") % {"t": timezone.localtime(quiz.closes_at).strftime("%Y-%m-%d %H:%M")}
    return ""


@transaction.atomic
def start_attempt(quiz: Quiz, learner: User) -> Attempt:
    """Start (or resume) the learner's attempt.

    An attempt still open and in time is resumed; one whose time ran out is graded first. The
    attempts limit and the quiz's opening window are enforced here; the unique (quiz, learner,
    number) constraint settles two starts racing. (A sitting's socket opens many at once with
    the same rules: lms.sittings.open_papers.)
    """
    now = timezone.now()
    refused = window_error(quiz, now)
    if refused:
        raise ValidationError(refused)
    current = Attempt.objects.filter(quiz=quiz, learner=learner, status=AttemptStatus.IN_PROGRESS).first()
    if current is not None:
        if current.deadline is None or now <= current.deadline:
            return current
        _finalize(current, now)
    done = Attempt.objects.filter(quiz=quiz, learner=learner).count()
    if quiz.max_attempts and done >= quiz.max_attempts:
        raise ValidationError(_("您已作答 %(n)d 次，达到该测验的次数上限。") % {"n": done})
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                quiz=quiz, learner=learner, number=done + 1, paper=build_paper(quiz), deadline=_deadline(quiz, now)
            )
    except IntegrityError:
        raise ValidationError(_("您已在另一个窗口开始了本次作答，请刷新页面。")) from None
    audit(learner, "quiz.start", attempt, after={"quiz": quiz.pk, "number": attempt.number})
    return attempt


def _paper_entry(attempt: Attempt, question_id: Any) -> dict[str, Any]:
    try:
        qid = int(question_id)
    except (TypeError, ValueError):
        raise ValidationError(_("题目编号无效。")) from None
    for entry in attempt.paper:
        if entry["q"] == qid:
            return entry
    raise ValidationError(_("该题不在您的试卷上。"))


def to_original(question: Question, perm: list[int], response: Any) -> Any:
    """Translate a response in displayed letters to the question's own letters, validating its shape."""
    blanks = len(question.answer or []) if question.qtype == QuestionType.FILL else 0
    return _to_original(question.qtype, blanks, perm, response)


def _to_original(qtype: str, blanks: int, perm: list[int], response: Any) -> Any:
    if response in (None, "", []):
        return None
    letters = OPTION_LETTERS[: len(perm)]

    def letter(value: Any) -> str:
        shown = str(value).strip().upper()
        if len(shown) != 1 or shown not in letters:
            raise ValidationError(_("选项“%(v)s”不在本题的选项中。") % {"v": str(value)[:10]})
        return OPTION_LETTERS[perm[letters.index(shown)]]

    if qtype == QuestionType.SINGLE:
        if not isinstance(response, str):
            raise ValidationError(_("单选题只能选择一个选项。"))
        return letter(response)
    if qtype == QuestionType.MULTIPLE:
        if not isinstance(response, list):
            raise ValidationError(_("多选题的答案格式不正确。"))
        return sorted({letter(v) for v in response})
    if qtype == QuestionType.TRUE_FALSE:
        if isinstance(response, bool):
            return response
        if str(response).lower() in ("true", "false"):
            return str(response).lower() == "true"
        raise ValidationError(_("判断题请选择“正确”或“错误”。"))
    if qtype == QuestionType.FILL:
        values = [response] if isinstance(response, str) else response
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ValidationError(_("填空题的答案格式不正确。"))
        if len(values) > max(1, blanks):
            raise ValidationError(_("填空数量超过本题的空格数。"))
        return [v[:200] for v in values]
    if not isinstance(response, str):
        raise ValidationError(_("请填写文字答案。"))
    if len(response) > MAX_TEXT:
        raise ValidationError(_("答案不能超过 %(n)d 字。") % {"n": MAX_TEXT})
    return response


def _check_open(attempt: Attempt, learner: User, now: dt.datetime) -> None:
    if attempt.learner_id != learner.pk:
        raise PermissionDenied(_("这不是您的试卷。"))
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise ValidationError(_("试卷已提交，不能再修改答案。"))
    if attempt.deadline is not None and now > attempt.deadline + GRACE:
        raise LateSubmissionError(
            _("作答时间已于 %(t)s 结束，本次操作未被接受；时限内保存的答案已计入成绩。")
            % {"t": timezone.localtime(attempt.deadline).strftime("%H:%M:%S")}
        )


def save_answer(
    attempt: Attempt, learner: User, question_id: Any, response: Any, seq: int | None = None
) -> AttemptAnswer:
    """Autosave one answer (idempotent: saving again replaces it; with the page's sequence number
    an older answer never replaces a newer one). Refused after the deadline, after submission,
    for a question not on this paper, or for a response of the wrong shape. Stored by the same
    guarded statement as the exam socket's batches (lms.sittings.store_answers)."""
    from lms.sittings import PendingAnswer, store_answers

    now = timezone.now()
    _check_open(attempt, learner, now)
    entry = _paper_entry(attempt, question_id)
    stored = to_stored(entry, response)
    [result] = store_answers([PendingAnswer(attempt.pk, learner.pk, entry["q"], stored, seq)])
    if result.deadline != attempt.deadline:
        attempt.deadline = result.deadline  # a proctor's extension: the caller shows the new one
    if not result.stored:
        raise LateSubmissionError(result.error) if result.code == "late" else ValidationError(result.error)
    return AttemptAnswer(attempt=attempt, question_id=entry["q"], response=stored, saved_at=now, seq=seq)


def to_stored(entry: dict[str, Any], response: Any) -> Any:
    """A response to one entry of a paper, in displayed letters, as it is stored (the question's
    own letters), its shape checked against the type frozen with the paper."""
    if "t" in entry:
        qtype, blanks = entry["t"], int(entry.get("n", 0))
    else:  # a paper started before the shape was stored with it
        question = Question.objects.only("qtype", "answer").get(pk=entry["q"])
        qtype = question.qtype
        blanks = len(question.answer or []) if qtype == QuestionType.FILL else 0
    if qtype == QuestionType.PRACTICAL:
        raise ValidationError(_("实操题请上传文件作答。"))
    return _to_original(qtype, blanks, entry["perm"], response)


ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE_MAGIC = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
# Allowed extensions and the first bytes a genuine file of that kind starts with.
PRACTICAL_TYPES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".zip": ZIP_MAGIC,
    ".docx": ZIP_MAGIC,
    ".xlsx": ZIP_MAGIC,
    ".pptx": ZIP_MAGIC,
    ".doc": OLE_MAGIC,
    ".xls": OLE_MAGIC,
    ".ppt": OLE_MAGIC,
    ".mp4": (),  # checked by its "ftyp" box below
    ".txt": (),  # checked as text below
}
PRACTICAL_EXTENSIONS = set(PRACTICAL_TYPES)


def _looks_genuine(ext: str, head: bytes) -> bool:
    if ext == ".mp4":
        return head[4:8] == b"ftyp"
    if ext == ".txt":
        if b"\x00" in head:
            return False
        for encoding in ("utf-8", "gb18030"):
            try:
                codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            except UnicodeDecodeError:
                continue
            return True
        return False
    return head.startswith(PRACTICAL_TYPES[ext])


def clean_upload_name(name: str) -> str:
    """The learner's file name as shown to graders: no folders, no control characters, ≤ 120."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[-120:] or "upload"


def check_practical_file(upload: Any) -> str:
    """Refuse a practical answer file that is empty, too big, of a type not accepted, or whose
    content does not match its extension (a renamed executable). Returns the extension."""
    display = clean_upload_name(upload.name)
    ext = os.path.splitext(display.lower())[1]
    if ext not in PRACTICAL_TYPES:
        raise ValidationError(
            _("不支持“%(n)s”的文件类型。请上传 PDF、图片（JPG/PNG）、Office 文档、TXT、ZIP 压缩包或 MP4 视频。")
            % {"n": display[:60]}
        )
    if not upload.size:
        raise ValidationError(_("“%(n)s”是空文件，请重新选择。") % {"n": display[:60]})
    max_bytes = settings.LMS_PRACTICAL_MAX_BYTES  # read here, so a deployment's or a test's value applies
    if upload.size > max_bytes:
        raise ValidationError(
            _("“%(n)s”超过 %(mb)d MB，请压缩后再上传。") % {"n": display[:60], "mb": max_bytes // 2**20}
        )
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    if not _looks_genuine(ext, head):
        raise ValidationError(_("“%(n)s”的内容与扩展名 %(e)s 不符，请上传真实的文件。") % {"n": display[:60], "e": ext})
    return ext


def save_upload(attempt: Attempt, learner: User, question_id: Any, upload: Any) -> AttemptAnswer:
    """Attach a file to a practical question, replacing any file uploaded before for it.

    Refused (nothing written) after the deadline or submission, for a question that is not a
    practical one on this paper, and for a file `check_practical_file` rejects. The file is written
    under a random name in private storage first; the answer row is then switched to it under the
    attempt's row lock (so it cannot land after a submission), and the replaced file is deleted
    once that commits.
    """
    _check_open(attempt, learner, timezone.now())
    entry = _paper_entry(attempt, question_id)
    qtype = entry.get("t") or Question.objects.values_list("qtype", flat=True).get(pk=entry["q"])
    if qtype != QuestionType.PRACTICAL:
        raise ValidationError(_("只有实操题可以上传文件。"))
    ext = check_practical_file(upload)
    field = AttemptAnswer._meta.get_field("upload")
    target = field.generate_filename(None, f"a{attempt.pk}-q{entry['q']}-{uuid.uuid4().hex[:12]}{ext}")
    stored = field.storage.save(target, upload, max_length=field.max_length)
    try:
        with transaction.atomic():
            locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
            _check_open(locked, learner, timezone.now())
            answer, _created = AttemptAnswer.objects.get_or_create(attempt=locked, question_id=entry["q"])
            replaced = answer.upload.name
            answer.upload.name = stored
            answer.response = clean_upload_name(upload.name)
            answer.save(update_fields=["upload", "response", "saved_at"])
            if replaced and replaced != stored:
                transaction.on_commit(lambda: field.storage.delete(replaced))
    except BaseException:
        field.storage.delete(stored)
        raise
    return answer


def _finalize(attempt: Attempt, now: dt.datetime) -> Attempt:
    """Grade one attempt (see `_finalize_many`). Caller holds the attempt's row lock."""
    _finalize_many([(attempt, now)])
    return attempt


def _finalize_many(closing: list[tuple[Attempt, dt.datetime]]) -> None:
    """Grade every objective answer of these attempts and queue the others for a person; each
    attempt is marked submitted at its time. Caller holds the attempts' row locks (and their
    `quiz` is loaded). A few statements for the whole batch, however many attempts: one read of
    their answers, one of their questions' keys, one UPDATE per distinct outcome (right, wrong,
    waiting for a person…), one UPDATE of the attempts."""
    if not closing:
        return
    attempts = [attempt for attempt, _at in closing]
    questions = Question.objects.in_bulk({e["q"] for attempt in attempts for e in attempt.paper})
    # Tuples, not model instances: a batch of 500 papers holds 25,000 answers.
    answers: dict[int, dict[int, tuple[int, Any, str]]] = {}
    for pk, attempt_id, question_id, response, upload in AttemptAnswer.objects.filter(attempt__in=attempts).values_list(
        "pk", "attempt_id", "question_id", "response", "upload"
    ):
        answers.setdefault(attempt_id, {})[question_id] = (pk, response, upload)
    outcomes: dict[tuple[Any, Any, bool], list[int]] = {}
    for attempt, at in closing:
        mine = answers.get(attempt.pk, {})
        total = Decimal(0)
        score = Decimal(0)
        pending = False
        for entry in attempt.paper:
            question = questions[entry["q"]]
            total += question.points
            answer = mine.get(question.pk)
            if answer is None:
                continue
            pk, response, upload = answer
            if question.is_objective:
                right = bool(grade(question.qtype, question.answer, response))
                points = question.points if right else Decimal(0)
                score += points
                outcomes.setdefault((right, points, False), []).append(pk)
            elif response or upload:
                pending = True
                outcomes.setdefault((None, None, True), []).append(pk)
            else:
                outcomes.setdefault((None, None, False), []).append(pk)
        attempt.max_score = total
        attempt.score = score
        attempt.submitted_at = at
        attempt.status = AttemptStatus.GRADING if pending else AttemptStatus.GRADED
        attempt.passed = None if pending else _passes(attempt)
    conn = connections[router.db_for_write(Attempt)]
    if conn.vendor == "postgresql":
        _write_grades_bound(conn, outcomes, attempts)
    else:
        for (is_correct, points, needs_grading), ids in outcomes.items():
            AttemptAnswer.objects.filter(pk__in=ids).update(
                is_correct=is_correct, score=points, needs_grading=needs_grading
            )
        Attempt.objects.bulk_update(attempts, ["max_score", "score", "submitted_at", "status", "passed"])
    _after_graded_many([a for a in attempts if a.status == AttemptStatus.GRADED])


def _write_grades_bound(conn: Any, outcomes: dict[tuple[Any, Any, bool], list[int]], attempts: list[Attempt]) -> None:
    """The same writes as the ORM's update/bulk_update, with the ids and values bound as arrays
    (PostgreSQL): a batch of 500 papers is 25,000 answer ids that Django would quote into the SQL."""
    from lms.sittings import bound_cursor

    answers = conn.ops.quote_name(AttemptAnswer._meta.db_table)
    table = conn.ops.quote_name(Attempt._meta.db_table)
    with bound_cursor(conn) as cursor:
        for (is_correct, points, needs_grading), ids in outcomes.items():
            cursor.execute(
                f"UPDATE {answers} SET is_correct = %s, score = %s, needs_grading = %s WHERE id = ANY(%b::bigint[])",  # noqa: S608
                [is_correct, points, needs_grading, ids],
            )
        cursor.execute(
            f"UPDATE {table} AS t SET max_score = v.max_score, score = v.score, submitted_at = v.at, "  # noqa: S608
            "status = v.status, passed = v.passed FROM unnest(%b::bigint[], %b::numeric[], %b::numeric[], "
            "%b::timestamptz[], %b::text[], %b::boolean[]) AS v (id, max_score, score, at, status, passed) "
            "WHERE t.id = v.id",
            [
                [a.pk for a in attempts],
                [a.max_score for a in attempts],
                [a.score for a in attempts],
                [a.submitted_at for a in attempts],
                [str(a.status) for a in attempts],
                [a.passed for a in attempts],
            ],
        )


def _passes(attempt: Attempt) -> bool:
    return attempt.max_score > 0 and attempt.score * 100 >= attempt.quiz.pass_mark * attempt.max_score


def _after_graded(attempt: Attempt) -> None:
    """A passed quiz can complete a course; the course rules live in lms.progress."""
    _after_graded_many([attempt])


def _after_graded_many(attempts: list[Attempt]) -> None:
    """`progress.on_quiz_passed` for each passed attempt whose learner is enrolled in a course
    (one query finds them: a sitting of examinees with no course costs nothing more)."""
    passed = [a for a in attempts if a.passed]
    if not passed:
        return
    from lms import progress
    from lms.models import Enrollment

    enrolled = set(
        Enrollment.objects.filter(learner_id__in={a.learner_id for a in passed}).values_list("learner_id", flat=True)
    )
    for attempt in passed:
        if attempt.learner_id in enrolled:
            progress.on_quiz_passed(attempt)


def submit_attempt(attempt: Attempt, learner: User) -> Attempt:
    """Submit: grade objective answers at once, queue the rest for a person.

    A submission after the deadline (+ a few seconds' grace) is refused with LateSubmissionError, and
    the attempt is graded from what was autosaved in time.
    """
    now = timezone.now()
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)
        try:
            _check_open(locked, learner, now)
        except LateSubmissionError:
            late = True
        else:
            late = False
        if late:
            _finalize(locked, now if locked.deadline is None else locked.deadline)
            audit(learner, "quiz.late_submit", locked, reason="deadline passed")
        else:
            _finalize(locked, now)
            audit(learner, "quiz.submit", locked, after={"score": str(locked.score), "status": locked.status})
    if late:
        raise LateSubmissionError(
            _("作答时间已于 %(t)s 结束，提交被拒绝；时限内自动保存的答案已计入成绩。")
            % {"t": timezone.localtime(locked.deadline).strftime("%H:%M:%S")}
        )
    return locked


def close_if_expired(attempt: Attempt) -> Attempt:
    """Grade an open attempt whose time has run out (on the next visit; no timer process needed)."""
    if attempt.status != AttemptStatus.IN_PROGRESS or attempt.deadline is None:
        return attempt
    if timezone.now() <= attempt.deadline + GRACE:
        return attempt
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)
        if locked.status == AttemptStatus.IN_PROGRESS and locked.deadline is not None:
            _finalize(locked, locked.deadline)
    return locked


def close_expired_attempts(now: dt.datetime | None = None, *, batch: int = 500) -> int:
    """Grade every open attempt whose deadline (+ grace) has passed, whether or not the learner's
    browser is still there, `batch` at a time (a sitting's stragglers are graded together). Run
    every few seconds by the worker (lms.apps registers it) and on every access to an attempt
    (close_if_expired). Returns how many it closed. Attempts another transaction holds (being
    submitted right now) are skipped, not waited for."""
    now = now or timezone.now()
    closed = 0
    while True:
        with transaction.atomic():
            locked = list(
                Attempt.objects.select_for_update(skip_locked=True)
                .select_related("quiz")
                .filter(status=AttemptStatus.IN_PROGRESS, deadline__lt=now - GRACE)
                .order_by("pk")[:batch]
            )
            _finalize_many([(attempt, attempt.deadline or now) for attempt in locked])
            audit_many(
                "quiz.timeout_submit", [(None, a, None) for a in locked], reason="deadline passed; closed by the server"
            )
        closed += len(locked)
        if len(locked) < batch:
            return closed


def flag_question(attempt: Attempt, learner: User, question_id: Any, flagged: bool) -> list[int]:
    """Flag (or unflag) a question of one's own open attempt for review; returns the flagged ids in
    paper order. Stored with the attempt so a reload and the pre-submit summary show it."""
    now = timezone.now()
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        _check_open(locked, learner, now)
        qid = _paper_entry(locked, question_id)["q"]
        current = set(locked.flagged or [])
        if flagged:
            current.add(qid)
        else:
            current.discard(qid)
        locked.flagged = [e["q"] for e in locked.paper if e["q"] in current]
        locked.save(update_fields=["flagged"])
    attempt.flagged = locked.flagged
    return list(locked.flagged)


# --- Grading by a person ------------------------------------------------------------------------


def can_grade(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_perm("lms.grade_answer"))


def grading_queue(grader: User) -> QuerySet[AttemptAnswer]:
    """Short-answer and practical answers waiting for a person, oldest first.

    Organizers, editors and province admins see all; mentors (and others with the permission)
    only answers of people in their scope.
    """
    if not can_grade(grader):
        return AttemptAnswer.objects.none()
    qs = AttemptAnswer.objects.filter(needs_grading=True).select_related(
        "attempt__quiz", "attempt__learner", "question"
    )
    if not (grader.is_superuser or grader.has_role(Role.ORGANIZER, Role.EDITOR, Role.PROVINCE_ADMIN)):
        qs = qs.filter(Q(attempt__learner__in=people_visible_to(grader).values("pk")))
    return qs.order_by("attempt__submitted_at", "pk")


# The longest comment a grader may leave on an answer (the grading form's limit too).
GRADE_COMMENT_MAX = 2000


@transaction.atomic
def grade_answer(
    answer: AttemptAnswer, *, grader: User, score: Decimal | float | str, comment: str = ""
) -> AttemptAnswer:
    """Score one queued answer against the rubric; the attempt is graded once none is pending."""
    if not grading_queue(grader).filter(pk=answer.pk).exists():
        raise PermissionDenied(_("该答案不在您的阅卷范围内，或已评分。"))
    locked = AttemptAnswer.objects.select_for_update().select_related("question").get(pk=answer.pk)
    try:
        value = Decimal(str(score))
    except ArithmeticError:
        raise ValidationError(_("请输入数字分数。")) from None
    if not value.is_finite() or value < 0 or value > locked.question.points:
        raise ValidationError(_("分数应在 0 到 %(p)s 之间。") % {"p": locked.question.points})
    locked.score = value
    locked.is_correct = value == locked.question.points
    check_length(comment, GRADE_COMMENT_MAX, _("评语"))
    locked.comment = comment.strip()
    locked.graded_by = grader
    locked.graded_at = timezone.now()
    locked.needs_grading = False
    locked.save()
    audit(grader, "quiz.grade", locked, after={"score": str(value)}, reason=locked.comment)
    attempt = Attempt.objects.select_for_update().select_related("quiz").get(pk=locked.attempt_id)
    if not attempt.answers.filter(needs_grading=True).exists():
        attempt.score = sum((a.score or Decimal(0) for a in attempt.answers.all()), Decimal(0))
        attempt.status = AttemptStatus.GRADED
        attempt.passed = _passes(attempt)
        attempt.save(update_fields=["score", "status", "passed"])
        _after_graded(attempt)
        _notify_graded(attempt)
    return locked


def _notify_graded(attempt: Attempt) -> None:
    """Tell the learner once the last answer a person marks is scored (one notice per attempt)."""
    from django.urls import reverse

    values = {"quiz": attempt.quiz.title, "score": attempt.score, "max": attempt.max_score}
    with in_language_of(attempt.learner):
        notify(
            attempt.learner,
            NoticeKind.GRADING,
            title=(_("阅卷完成：%(quiz)s 已通过") if attempt.passed else _("阅卷完成：%(quiz)s 未通过")) % values,
            body=_("得分 %(score)s / %(max)s。可查看每道题的得分和评语。") % values,
            url=reverse("lms:attempt_review", args=[attempt.pk]),
            dedupe_key=f"attempt:{attempt.pk}",
            level=NoticeLevel.SUCCESS if attempt.passed else NoticeLevel.WARNING,
        )
