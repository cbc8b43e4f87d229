"""Proctoring an exam sitting: integrity signals from the exam page, the proctor's roster of
examinees, and a time extension for one person.

Signals follow the live contests' rule (competitions.live: "page hidden" while a question is
open): recorded only for the attempt's own learner while the attempt is open, never changing a
score by themselves. Unlike the live round's one row per signal, an exam keeps counters (one
`AttemptProctoring` row per attempt), so 2,000 examinees switching tabs all afternoon cannot
grow the database.

Who may proctor a quiz: whoever may author it (lms.authoring: `lms.change_quiz`, plus Wagtail
edit rights on its course when it belongs to one). Actions are re-exported by lms.actions, reads
by lms.selectors.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Least
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.actions import audit
from accounts.models import User
from lms.authoring import can_author, can_edit_course
from lms.models import Attempt, AttemptAnswer, AttemptProctoring, AttemptStatus, Enrollment, Quiz
from lms.quizzes import GRACE

SignalName = Literal["hidden", "paste", "presence"]
# A counter stops here: past it the number says "a great many" and the row stays the same size.
MAX_COUNT = 9999
# A page that autosaved or reported within this window counts as connected.
ONLINE_WINDOW = dt.timedelta(seconds=60)
MIN_EXTENSION, MAX_EXTENSION = 1, 120
# All extensions of one attempt together: a proctor fixes a lost quarter of an hour, not a day.
MAX_TOTAL_EXTENSION = 600
ROSTER_PAGE = 100


# --- Signals (the examinee's page) ------------------------------------------------------------------


def _check_reporting(attempt: Attempt, learner: User, now: dt.datetime) -> None:
    if attempt.learner_id != learner.pk:
        raise PermissionDenied(_("这不是您的试卷。"))
    if attempt.status != AttemptStatus.IN_PROGRESS or (attempt.deadline is not None and now > attempt.deadline + GRACE):
        raise ValidationError(_("试卷已提交或作答时间已结束，不再记录。"))


def record_signal(attempt: Attempt, learner: User, kind: SignalName) -> AttemptProctoring:
    """Count one signal from the exam page ("hidden": the page went to the background; "paste":
    text was pasted into an answer; "presence": the page is still open, nothing suspicious) and
    note that the page is connected. Only the attempt's own learner, only while it is open.

    One UPDATE in the common case (counters bounded at MAX_COUNT); the first report of an
    attempt creates its row, a racing second one falls back to the UPDATE.
    """
    now = timezone.now()
    _check_reporting(attempt, learner, now)
    changes: dict[str, Any] = {"last_seen_at": now}
    if kind in ("hidden", "paste"):
        field = f"{kind}_count"
        changes[field] = Least(F(field) + 1, Value(MAX_COUNT))
        changes["first_signal_at"] = Coalesce(F("first_signal_at"), Value(now))
        changes["last_signal_at"] = now
    rows = AttemptProctoring.objects.filter(pk=attempt.pk)
    if not rows.update(**changes):
        initial: dict[str, Any] = {"last_seen_at": now}
        if kind in ("hidden", "paste"):
            initial.update({f"{kind}_count": 1, "first_signal_at": now, "last_signal_at": now})
        try:
            with transaction.atomic():
                return AttemptProctoring.objects.create(attempt=attempt, **initial)
        except IntegrityError:
            rows.update(**changes)
    return AttemptProctoring.objects.get(pk=attempt.pk)


# --- Who may proctor --------------------------------------------------------------------------------


def can_proctor(user: User, quiz: Quiz) -> bool:
    """The same rule as editing the quiz: an author, with edit rights on its course if it has one."""
    if not can_author(user):
        return False
    return quiz.course is None or can_edit_course(user, quiz.course)


def access_proctored_quiz(user: User, quiz_id: int | str) -> Quiz:
    """The quiz, if `user` may proctor it: 404 for no such quiz, 403 for someone without rights."""
    try:
        quiz = Quiz.objects.select_related("course").get(pk=int(quiz_id))
    except (Quiz.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_proctor(user, quiz):
        raise PermissionDenied(_("您没有监考该测验的权限。"))
    return quiz


def access_proctored_attempt(user: User, quiz: Quiz, attempt_id: int | str) -> Attempt:
    try:
        return Attempt.objects.select_related("learner", "quiz").get(pk=int(attempt_id), quiz=quiz)
    except (Attempt.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- The roster (the proctor's page) ----------------------------------------------------------------


class SittingState:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    TIMED_OUT = "timed_out"


STATE_LABELS = {
    SittingState.NOT_STARTED: gettext_lazy("未开始"),
    SittingState.IN_PROGRESS: gettext_lazy("作答中"),
    SittingState.SUBMITTED: gettext_lazy("已交卷"),
    SittingState.TIMED_OUT: gettext_lazy("超时由系统交卷"),
}


@dataclass(frozen=True)
class Examinee:
    user: User
    attempt_id: int | None
    state: str
    answered: int
    questions: int
    last_activity: dt.datetime | None
    online: bool
    hidden_count: int
    paste_count: int
    last_signal_at: dt.datetime | None
    extra_minutes: int
    deadline: dt.datetime | None
    seconds_left: int | None

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def can_extend(self) -> bool:
        return self.state == SittingState.IN_PROGRESS and self.deadline is not None

    @property
    def time_left(self) -> str:
        if self.seconds_left is None:
            return ""
        minutes, seconds = divmod(self.seconds_left, 60)
        return f"{minutes:02d}:{seconds:02d}"


def roster_queryset(quiz: Quiz) -> QuerySet[User]:
    """Everyone in the sitting: enrolled on the quiz's course, or with an attempt at it. Each
    row carries its latest attempt's figures as subqueries, so a page of the roster is one query
    however many people sit the exam."""
    latest = Attempt.objects.filter(quiz=quiz, learner=OuterRef("pk")).order_by("-number")
    answered = (
        AttemptAnswer.objects.filter(attempt_id=OuterRef("a_id"))
        .filter(Q(response__isnull=False) | ~Q(upload=""))
        .values("attempt_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    last_save = AttemptAnswer.objects.filter(attempt_id=OuterRef("a_id")).order_by("-saved_at").values("saved_at")[:1]
    proctoring = AttemptProctoring.objects.filter(pk=OuterRef("a_id"))
    who = Q(pk__in=Attempt.objects.filter(quiz=quiz).values("learner_id"))
    if quiz.course_id is not None:
        who |= Q(pk__in=Enrollment.objects.filter(course_id=quiz.course_id).values("learner_id"))
    return (
        User.objects.filter(who)
        .annotate(
            a_id=Subquery(latest.values("pk")[:1]),
            a_status=Subquery(latest.values("status")[:1]),
            a_started=Subquery(latest.values("started_at")[:1]),
            a_deadline=Subquery(latest.values("deadline")[:1]),
            a_submitted=Subquery(latest.values("submitted_at")[:1]),
            a_paper=Subquery(latest.values("paper")[:1]),
            a_answered=Coalesce(Subquery(answered, output_field=IntegerField()), Value(0)),
            a_saved=Subquery(last_save),
            p_hidden=Subquery(proctoring.values("hidden_count")[:1]),
            p_paste=Subquery(proctoring.values("paste_count")[:1]),
            p_signal=Subquery(proctoring.values("last_signal_at")[:1]),
            p_seen=Subquery(proctoring.values("last_seen_at")[:1]),
            p_extra=Subquery(proctoring.values("extra_minutes")[:1]),
        )
        .order_by("real_name", "pk")
    )


def _state(row: Any, now: dt.datetime) -> str:
    if row.a_id is None:
        return SittingState.NOT_STARTED
    if row.a_status == AttemptStatus.IN_PROGRESS:
        if row.a_deadline is not None and now > row.a_deadline + GRACE:
            return SittingState.TIMED_OUT  # the server closes it on its next sweep
        return SittingState.IN_PROGRESS
    if row.a_deadline is not None and row.a_submitted is not None and row.a_submitted >= row.a_deadline:
        return SittingState.TIMED_OUT  # closed by the server at the deadline, not by the learner
    return SittingState.SUBMITTED


def examinees(rows: Any, now: dt.datetime | None = None) -> list[Examinee]:
    """Turn annotated roster rows (a page of `roster_queryset`) into what the page shows."""
    now = now or timezone.now()
    result = []
    for row in rows:
        state = _state(row, now)
        seen = [t for t in (row.a_started, row.a_saved, row.p_seen) if t is not None]
        last = max(seen) if seen else None
        left = None
        if state == SittingState.IN_PROGRESS and row.a_deadline is not None:
            left = max(0, int((row.a_deadline - now).total_seconds()))
        result.append(
            Examinee(
                user=row,
                attempt_id=row.a_id,
                state=state,
                answered=row.a_answered or 0,
                questions=len(row.a_paper or []),
                last_activity=last,
                online=state == SittingState.IN_PROGRESS and last is not None and now - last <= ONLINE_WINDOW,
                hidden_count=row.p_hidden or 0,
                paste_count=row.p_paste or 0,
                last_signal_at=row.p_signal,
                extra_minutes=row.p_extra or 0,
                deadline=row.a_deadline,
                seconds_left=left,
            )
        )
    return result


def sitting_counts(quiz: Quiz) -> dict[str, int]:
    """Headline numbers for the page, counted in people: enrolled, started, writing now,
    connected now (the roster's rule: started, saved or reported within ONLINE_WINDOW), done,
    and with at least one integrity signal."""
    since = timezone.now() - ONLINE_WINDOW
    writing = Q(status=AttemptStatus.IN_PROGRESS)
    figures = (
        Attempt.objects.filter(quiz=quiz)
        .annotate(recent_save=Exists(AttemptAnswer.objects.filter(attempt=OuterRef("pk"), saved_at__gte=since)))
        .aggregate(
            started=Count("learner", distinct=True),
            writing=Count("learner", distinct=True, filter=writing),
            online=Count(
                "learner",
                distinct=True,
                filter=writing
                & (Q(proctoring__last_seen_at__gte=since) | Q(started_at__gte=since) | Q(recent_save=True)),
            ),
            flagged=Count(
                "learner", distinct=True, filter=Q(proctoring__hidden_count__gt=0) | Q(proctoring__paste_count__gt=0)
            ),
        )
    )
    enrolled = (
        Enrollment.objects.filter(course_id=quiz.course_id).count()
        if quiz.course_id is not None
        else figures["started"]
    )
    return {"enrolled": max(enrolled, figures["started"]), "done": figures["started"] - figures["writing"], **figures}


# --- Time extension (the proctor) -------------------------------------------------------------------


@transaction.atomic
def extend_attempt(*, actor: User, attempt: Attempt, minutes: int, reason: str) -> Attempt:
    """Give one examinee `minutes` more (MIN_EXTENSION–MAX_EXTENSION, at most MAX_TOTAL_EXTENSION
    in all): the attempt's server deadline moves, and the exam page learns it on its next
    autosave or report. Extensions add up. Refused for an attempt already submitted or whose
    time (with grace) has run out, for one without a deadline, and for anyone who may not
    proctor the quiz. Locks the attempt's row; audited with the deadline before and after.
    """
    locked = Attempt.objects.select_for_update(of=("self",)).select_related("quiz__course").get(pk=attempt.pk)
    if not can_proctor(actor, locked.quiz):
        raise PermissionDenied(_("您没有监考该测验的权限。"))
    if not MIN_EXTENSION <= minutes <= MAX_EXTENSION:
        raise ValidationError(
            _("延时须在 %(a)d 到 %(b)d 分钟之间。") % {"a": MIN_EXTENSION, "b": MAX_EXTENSION}, code="minutes"
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("请填写延时原因，它会记入审计日志。"), code="reason")
    now = timezone.now()
    if locked.status != AttemptStatus.IN_PROGRESS:
        raise ValidationError(_("该考生已交卷，不能再延时。"))
    if locked.deadline is None:
        raise ValidationError(_("该测验不限时，无需延时。"))
    if now > locked.deadline + GRACE:
        raise ValidationError(_("该考生的作答时间已结束，试卷将由系统交卷，不能再延时。"))
    row, _created = AttemptProctoring.objects.select_for_update().get_or_create(attempt=locked)
    if row.extra_minutes + minutes > MAX_TOTAL_EXTENSION:
        raise ValidationError(
            _("该考生已延时 %(n)d 分钟，累计不能超过 %(max)d 分钟。")
            % {"n": row.extra_minutes, "max": MAX_TOTAL_EXTENSION},
            code="minutes",
        )
    before = locked.deadline
    locked.deadline = before + dt.timedelta(minutes=minutes)
    locked.save(update_fields=["deadline"])
    row.extra_minutes += minutes
    row.save(update_fields=["extra_minutes"])
    audit(
        actor,
        "quiz.extend",
        locked,
        before={"deadline": before.isoformat()},
        after={"deadline": locked.deadline.isoformat(), "minutes": minutes, "extra_minutes": row.extra_minutes},
        reason=reason,
    )
    return locked
