"""The exam socket: thin. Authenticate, parse into an event model, hand the item to the sitting's
group commit (lms.sittings through config.group_commit), send the result.

It uses no channel layer: nothing is broadcast, so a Redis restart does not touch a sitting.
Answers are acknowledged only after they are committed; the page keeps every unacknowledged
answer and resends it with its sequence number after a reconnect (to this or another process).
"""

from __future__ import annotations

import contextlib
from typing import Any

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.utils import await_many_dispatch
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pydantic import ValidationError as SchemaError

from accounts.actions import is_offered
from config.db_threads import db_call
from config.group_commit import GroupCommit
from config.pacing import pacer
from config.rate import TokenBucket
from lms import actions, events, papers, selectors, sittings
from lms.models import Attempt, AttemptStatus, Quiz
from lms.quizzes import to_stored

# A short answer of 5,000 Chinese characters is 15 KB of UTF-8, its JSON a little more.
MAX_MESSAGE_BYTES = 24 * 1024
RATE_PER_SECOND = 10.0
RATE_BURST = 30.0
CLOSE_ANONYMOUS = 4401
CLOSE_NOT_FOUND = 4404
CLOSE_ABUSE = 4429
MAX_VIOLATIONS = 30


OPENS = GroupCommit(
    "exam opens",
    actions.open_papers,
    lambda _r: sittings.Opened(error=_("暂时无法打开试卷，请稍后重试。")),
    flush_setting="EXAM_FLUSH_MS",
    max_batch=500,
)
ANSWERS = GroupCommit("exam answers", actions.store_answers, sittings.not_stored, flush_setting="EXAM_FLUSH_MS")
SUBMITS = GroupCommit(
    "exam submissions",
    actions.submit_papers,
    lambda _r: sittings.Submitted(ok=False, error=_("暂时无法交卷，正在重试…")),
    flush_setting="EXAM_FLUSH_MS",
    max_batch=500,
)


def _hello(quiz_id: int, learner_id: int, lang: str) -> Attempt | bool | None:
    """The learner's open attempt of the quiz (None if there is none; False if no such quiz).
    Before the bell, the quiz's papers are prepared in this process (lms.papers.warm)."""
    quiz = Quiz.objects.filter(pk=quiz_id, is_published=True).first()
    if quiz is None:
        return False
    if quiz.opens_at and timezone.now() < quiz.opens_at:
        papers.warm(quiz, lang)
    return Attempt.objects.filter(quiz_id=quiz_id, learner_id=learner_id, status=AttemptStatus.IN_PROGRESS).first()


class ExamConsumer(AsyncWebsocketConsumer):
    attempt_id: int | None = None
    entries: dict[int, dict[str, Any]]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Channels' consumer loop without a channel layer (this socket has no group to join)."""
        self.scope = scope
        self.channel_layer = None
        self.channel_name = ""
        self.base_send = send
        with contextlib.suppress(StopConsumer):
            await await_many_dispatch([receive], self.dispatch)

    async def dispatch(self, message: dict[str, Any]) -> None:
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        user = self.scope.get("user")
        await self.accept()
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_ANONYMOUS)
            return
        self.user_id = user.pk
        self.quiz_id = int(self.scope["url_route"]["kwargs"]["quiz_id"])
        self.lang = self._language()
        self.entries = {}
        self.bucket, self.violations = TokenBucket(RATE_PER_SECOND, RATE_BURST), 0
        found = await db_call(_hello)(self.quiz_id, self.user_id, self.lang)
        if found is False:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        hello = events.Hello(server_time=timezone.now())
        if isinstance(found, Attempt):
            self._hold(found.pk, found.paper)
            hello.attempt, hello.deadline = found.pk, found.deadline
            hello.last_seq = await db_call(selectors.last_answer_seq)(found)
        await self.send(text_data=hello.model_dump_json())

    def _language(self) -> str:
        wanted = (self.scope.get("cookies") or {}).get(settings.LANGUAGE_COOKIE_NAME, "")
        return wanted if is_offered(wanted) else settings.LANGUAGE_CODE

    def _hold(self, attempt_id: int, paper: list[dict[str, Any]]) -> None:
        self.attempt_id = attempt_id
        self.entries = {entry["q"]: entry for entry in paper}

    async def _error(self, code: events.ErrorCode, message: str, **fields: Any) -> None:
        await self.send(text_data=events.Error(code=code, message=message, **fields).model_dump_json())

    def _allowed(self) -> bool:
        return self.bucket.take()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        with translation.override(self.lang):
            if text_data is None or len(text_data) > MAX_MESSAGE_BYTES:
                await self._error("too_large", _("消息过大或格式不正确。"))
                return
            if not self._allowed():
                self.violations += 1
                if self.violations > MAX_VIOLATIONS:
                    await self.close(code=CLOSE_ABUSE)
                    return
                await self._error("rate_limited", _("发送过于频繁，请稍后重试。"))
                return
            try:
                message = events.client_message.validate_json(text_data)
            except SchemaError:
                await self._error("refused", _("消息格式不正确。"))
                return
            if isinstance(message, events.OpenIn):
                await self._open()
            elif isinstance(message, events.AnswerIn):
                await self._answer(message)
            else:
                await self._submit()

    async def _open(self) -> None:
        opened = await OPENS.commit(sittings.OpenRequest(self.quiz_id, self.user_id, self.lang))
        if opened.attempt_id is None:
            await self._error("refused", opened.error)
            return
        self._hold(opened.attempt_id, opened.paper)
        now = timezone.now()
        html = ""
        if not opened.resumed and opened.pool is not None:
            seconds = None if opened.deadline is None else max(0, int((opened.deadline - now).total_seconds()))
            html = papers.paper_html(opened.attempt_id, opened.paper, opened.pool, seconds, self.lang)
        paper = events.Paper(
            attempt=opened.attempt_id,
            url=reverse("lms:attempt", args=[opened.attempt_id]),
            deadline=opened.deadline,
            server_time=now,
            last_seq=opened.last_seq,
            html=html,
        )
        await self.send(text_data=paper.model_dump_json())
        pacer.touch()  # papers going out: not the moment for a full collection

    async def _answer(self, message: events.AnswerIn) -> None:
        if self.attempt_id is None:
            await self._error("no_paper", _("请先打开试卷。"), seq=message.seq, question=message.question)
            return
        entry = self.entries.get(message.question)
        if entry is None:
            await self._error("refused", _("该题不在您的试卷上。"), seq=message.seq, question=message.question)
            return
        try:
            stored = to_stored(entry, message.response)
        except ValidationError as exc:
            await self._error("refused", "；".join(exc.messages), seq=message.seq, question=message.question)
            return
        result = await ANSWERS.commit(
            sittings.PendingAnswer(self.attempt_id, self.user_id, message.question, stored, message.seq)
        )
        if result.stored:
            ack = events.Ack(
                seq=message.seq, question=message.question, deadline=result.deadline, server_time=timezone.now()
            )
            await self.send(text_data=ack.model_dump_json())
        else:
            code: events.ErrorCode = result.code if result.code in ("closed", "late") else "not_stored"  # type: ignore[assignment]
            await self._error(code, _message(code, result), seq=message.seq, question=message.question)

    async def _submit(self) -> None:
        if self.attempt_id is None:
            await self._error("no_paper", _("请先打开试卷。"))
            return
        done = await SUBMITS.commit(sittings.SubmitRequest(self.attempt_id, self.user_id, timezone.now()))
        if not done.ok:
            await self._error("not_stored", done.error or _("暂时无法交卷，正在重试…"))
            return
        url = reverse("lms:attempt_review", args=[self.attempt_id])
        message = _message("late", sittings.AnswerResult(stored=False, deadline=None)) if done.late else ""
        await self.send(text_data=events.Submitted(url=url, late=done.late, message=message).model_dump_json())


def _message(code: str, result: sittings.AnswerResult) -> str:
    """The reason an answer was not stored, in the socket's language (the batch ran in another)."""
    if code == "closed":
        return _("试卷已提交，不能再修改答案。")
    if code == "late":
        if result.deadline is None:
            return _("作答时间已结束；时限内保存的答案已计入成绩。")
        return _("作答时间已于 %(t)s 结束，本次操作未被接受；时限内保存的答案已计入成绩。") % {
            "t": timezone.localtime(result.deadline).strftime("%H:%M:%S")
        }
    return _("答案暂未保存，正在重试…")
