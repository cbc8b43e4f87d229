"""JSON API for the quiz page: the paper (never the keys), autosave and flags. Mounted at /api/lms/."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.security import django_auth

from accounts.http import signed_in_user
from config.converters import DB_ID_MAX
from lms import actions, selectors
from lms.models import Attempt

router = Router(tags=["lms"], auth=django_auth)


class OptionOut(Schema):
    letter: str
    text: str


class QuestionOut(Schema):
    id: int
    number: int
    qtype: str
    stem: str
    points: float
    options: list[OptionOut]
    blanks: int
    response: Any = None
    flagged: bool = False


class PaperOut(Schema):
    attempt: int
    status: str
    deadline: dt.datetime | None
    server_time: dt.datetime
    questions: list[QuestionOut]


class AnswerIn(Schema):
    question: int
    response: Any = None
    # The exam page's sequence number (lms/static/lms/exam.js): an older answer arriving late
    # never replaces a newer one, a resend is stored once. Without one, the answer replaces.
    seq: int | None = Field(None, ge=1, le=DB_ID_MAX)


class SavedOut(Schema):
    saved: bool
    question: int
    server_time: dt.datetime
    # The attempt's deadline as it stands now: a proctor's extension reaches the page this way.
    deadline: dt.datetime | None = None


def _attempt(request: HttpRequest, attempt_id: int) -> Attempt:
    try:
        return selectors.access_attempt(signed_in_user(request), attempt_id)
    except Exception:
        raise HttpError(404, "未找到该试卷。") from None


@router.get("/attempts/{attempt_id}/paper", response=PaperOut, summary="The learner's own paper, without answer keys")
def paper(request: HttpRequest, attempt_id: int) -> dict[str, Any]:
    from django.utils import timezone

    attempt = actions.close_if_expired(_attempt(request, attempt_id))
    items = selectors.paper_view(attempt)
    return {
        "attempt": attempt.pk,
        "status": attempt.status,
        "deadline": attempt.deadline,
        "server_time": timezone.now(),
        "questions": [
            {
                **{k: item[k] for k in ("id", "number", "qtype", "stem", "response", "flagged")},
                "points": float(item["points"]),
                "options": [{"letter": letter, "text": text} for letter, text in item["options"]],
                "blanks": len(item["blanks"]),
            }
            for item in items
        ],
    }


@router.post("/attempts/{attempt_id}/answers", response=SavedOut, summary="Autosave one answer")
def save(request: HttpRequest, attempt_id: int, payload: AnswerIn) -> dict[str, Any]:
    """Acknowledged only after the answer is committed. 409 after the deadline or submission,
    400 for a question not on the paper or a malformed response."""
    from django.utils import timezone

    attempt = _attempt(request, attempt_id)
    try:
        actions.save_answer(attempt, signed_in_user(request), payload.question, payload.response, payload.seq)
    except actions.LateSubmissionError as exc:
        raise HttpError(409, "；".join(exc.messages)) from None
    except ValidationError as exc:
        status = 409 if not attempt.is_open else 400
        raise HttpError(status, "；".join(exc.messages)) from None
    except PermissionDenied as exc:
        raise HttpError(404, str(exc)) from None
    return {"saved": True, "question": payload.question, "server_time": timezone.now(), "deadline": attempt.deadline}


class FlagIn(Schema):
    question: int
    flagged: bool


class FlagsOut(Schema):
    flagged: list[int]
    server_time: dt.datetime


@router.post("/attempts/{attempt_id}/flags", response=FlagsOut, summary="Flag a question for review (or unflag it)")
def flag(request: HttpRequest, attempt_id: int, payload: FlagIn) -> dict[str, Any]:
    """Stored with the attempt (a reload and the pre-submit summary show it). 409 after the
    deadline or submission, 400 for a question not on the paper."""
    from django.utils import timezone

    attempt = _attempt(request, attempt_id)
    try:
        flagged = actions.flag_question(attempt, signed_in_user(request), payload.question, payload.flagged)
    except ValidationError as exc:
        attempt.refresh_from_db(fields=["status"])
        status = 409 if isinstance(exc, actions.LateSubmissionError) or not attempt.is_open else 400
        raise HttpError(status, "；".join(exc.messages)) from None
    except PermissionDenied as exc:
        raise HttpError(404, str(exc)) from None
    return {"flagged": flagged, "server_time": timezone.now()}


class UploadOut(Schema):
    saved: bool
    question: int
    name: str
    url: str
    server_time: dt.datetime


@router.post("/attempts/{attempt_id}/uploads", response=UploadOut, summary="Autosave a practical answer's file")
def upload(request: HttpRequest, attempt_id: int, question: Form[int], file: File[UploadedFile]) -> dict[str, Any]:
    """Multipart (question, file). Replaces the file uploaded before for that question; the
    answer is acknowledged after it is committed. 409 after the deadline or submission, 400 for
    a question that is not a practical one on the paper or a file that is refused."""
    from django.urls import reverse
    from django.utils import timezone

    attempt = _attempt(request, attempt_id)
    try:
        answer = actions.save_upload(attempt, signed_in_user(request), question, file)
    except actions.LateSubmissionError as exc:
        raise HttpError(409, "；".join(exc.messages)) from None
    except ValidationError as exc:
        attempt.refresh_from_db(fields=["status"])
        raise HttpError(409 if not attempt.is_open else 400, "；".join(exc.messages)) from None
    except PermissionDenied as exc:
        raise HttpError(404, str(exc)) from None
    return {
        "saved": True,
        "question": question,
        "name": str(answer.response or ""),
        "url": reverse("lms:answer_file", args=[answer.pk]),
        "server_time": timezone.now(),
    }


class SignalIn(Schema):
    kind: Literal["hidden", "paste", "presence"]


class SignalOut(Schema):
    counted: bool
    deadline: dt.datetime | None
    server_time: dt.datetime


@router.post("/attempts/{attempt_id}/signals", response=SignalOut, summary="Report a tab-hidden or paste signal")
def signal(request: HttpRequest, attempt_id: int, payload: SignalIn) -> dict[str, Any]:
    """Counted per attempt for the proctor (lms.proctoring.record_signal): "hidden" when the
    exam page went to the background, "paste" when text was pasted, "presence" when the page is
    open but idle. Answers with the attempt's current deadline (a proctor may have extended it).
    404 for someone else's attempt, 409 once it is submitted or its time is up."""
    from django.utils import timezone

    attempt = _attempt(request, attempt_id)
    try:
        actions.record_signal(attempt, signed_in_user(request), payload.kind)
    except ValidationError as exc:
        raise HttpError(409, "；".join(exc.messages)) from None
    except PermissionDenied as exc:
        raise HttpError(404, str(exc)) from None
    return {"counted": payload.kind != "presence", "deadline": attempt.deadline, "server_time": timezone.now()}
