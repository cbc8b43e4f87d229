"""Organizer pages for live rounds: the round list of a contest, the round editor (settings,
questions from the bank, a random draw, a question written on the spot), delete and reset
confirmations, and the preview of a question as the big screen or a contestant's phone shows it.

Thin: forms read input, `competitions.live.authoring` decides, selectors say what is offered.
Everyone but the contest's managers gets 404.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from competitions import selectors as contest_selectors
from competitions.live import actions, authoring, events, hub, selectors
from competitions.live.forms import (
    BankFilterForm,
    DrawForm,
    MoveForm,
    PickForm,
    PreviewForm,
    QuestionRowForm,
    RoundForm,
    WriteQuestionForm,
)
from competitions.live.models import LiveQuestion, LiveRound
from competitions.models import Contest
from config.bad_input import form_error_text, refusal_text
from lms.models import Question

BANK_PAGE = 25


# --- round list and creation --------------------------------------------------------------


@login_required
def round_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    contest = contest_selectors.access_managed_contest(slug, request.user)
    return render(request, "live/manage/rounds.html", {"contest": contest, "rows": selectors.round_rows(contest)})


@login_required
def round_new(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    contest = contest_selectors.access_managed_contest(slug, request.user)
    initial = {"title": _("理论赛第一场"), "default_seconds": 20, "default_points": 10}
    form = RoundForm(request.POST or None, contest=contest, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            live_round = authoring.create_round(request.user, contest, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("场次已创建，请添加题目。"))
            return redirect("live:edit_round", live_round.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "live/manage/new.html", {"contest": contest, "form": form}, status=status)


# --- the editor ---------------------------------------------------------------------------


def _bank_query(data: Any) -> tuple[BankFilterForm, dict[str, Any], str]:
    """The picker's filter form, the filters it validated ({} when invalid) and their query string."""
    form = BankFilterForm(data)
    if not form.is_valid():
        return form, {}, ""
    filters = form.filters()
    q = (form.cleaned_data.get("q") or "").strip()
    pairs = {k: v for k, v in {**filters, "q": q}.items() if v not in (None, "")}
    return form, {**filters, "q": q}, urlencode(pairs)


def _editor_url(live_round: LiveRound, query: str = "") -> str:
    url = reverse("live:edit_round", args=[live_round.pk])
    return f"{url}?{query}" if query else url


def _render_editor(
    request: AuthenticatedHttpRequest,
    live_round: LiveRound,
    *,
    settings_form: RoundForm | None = None,
    draw_form: DrawForm | None = None,
    write_form: WriteQuestionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    placed = selectors.placed_questions(live_round)
    bank_form, filters, query = _bank_query(request.GET or None)
    placed_ids = {lq.question_id for lq in placed}
    bank = selectors.bank_questions(**filters) if filters or not request.GET else Question.objects.none()
    page = Paginator(bank, BANK_PAGE).get_page(request.GET.get("page"))
    contest = live_round.contest
    group_domain = live_round.event_group.domain if live_round.event_group else ""
    context = {
        "contest": contest,
        "round": live_round,
        "editable": selectors.is_editable(live_round),
        "placed": [
            (lq, QuestionRowForm(initial={"seconds": lq.seconds, "points": lq.points}, prefix=f"q{lq.pk}"))
            for lq in placed
        ],
        "settings_form": settings_form
        or RoundForm(initial=authoring.round_settings(live_round), contest=contest, question_count=len(placed)),
        "bank_form": bank_form,
        "page": page,
        "placed_ids": placed_ids,
        "query_string": query,
        "knowledge_points": selectors.knowledge_points(),
        "draw_form": draw_form or DrawForm(initial={"count": 5, "domain": group_domain}),
        "write_form": write_form or WriteQuestionForm(initial={"domain": group_domain, "difficulty": 3}),
        "reset_problem": selectors.reset_problem(live_round),
        "can_reset": selectors.can_reset(live_round),
        "delete_problem": selectors.delete_problem(live_round),
    }
    return render(request, "live/manage/edit.html", context, status=status)


@login_required
def round_edit(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    live_round = selectors.access_round_for_author(request.user, round_id)
    return _render_editor(request, live_round)


@login_required
@require_POST
def round_op(request: AuthenticatedHttpRequest, round_id: int, op: str) -> HttpResponse:
    """One editor button: settings, pick (bank checkboxes), draw, write, duplicate. A form that
    does not validate re-shows the editor with what was typed (400)."""
    live_round = selectors.access_round_for_author(request.user, round_id)
    _bank_form, _filters, query = _bank_query(request.GET or None)
    back = redirect(_editor_url(live_round, query))
    try:
        if op == "settings":
            form = RoundForm(request.POST, contest=live_round.contest, question_count=live_round.questions.count())
            if not form.is_valid():
                return _render_editor(request, live_round, settings_form=form, status=400)
            authoring.update_round(request.user, live_round, **form.cleaned_data)
            messages.success(request, _("场次设置已保存。"))
        elif op == "pick":
            pick = PickForm(request.POST)
            if not pick.is_valid():
                messages.error(request, _("请先勾选要加入的试题。"))
                return back
            chosen = list(Question.objects.filter(pk__in=pick.cleaned_data["questions"]))
            placed = authoring.add_questions(request.user, live_round, chosen)
            messages.success(request, _("已加入 %(n)d 道题。") % {"n": len(placed)})
        elif op == "draw":
            draw = DrawForm(request.POST)
            if not draw.is_valid():
                return _render_editor(request, live_round, draw_form=draw, status=400)
            placed = authoring.draw_questions(
                request.user, live_round, count=draw.cleaned_data["count"], **draw.filters()
            )
            messages.success(request, _("已随机抽取 %(n)d 道题。") % {"n": len(placed)})
        elif op == "write":
            write = WriteQuestionForm(request.POST)
            if not write.is_valid():
                return _render_editor(request, live_round, write_form=write, status=400)
            data = write.cleaned_data
            try:
                authoring.write_question(
                    request.user,
                    live_round,
                    qtype=data["qtype"],
                    stem=data["stem"],
                    options=data["option_list"],
                    answer=data["answer_value"],
                    explanation=data["explanation"],
                    seconds=data["seconds"],
                    points=data["points"],
                    domain=data["domain"],
                    difficulty=data["difficulty"],
                    knowledge_point=data["knowledge_point"],
                )
            except ValidationError as exc:
                write.add_error(None, exc)
                return _render_editor(request, live_round, write_form=write, status=400)
            messages.success(request, _("新题已存入题库并加入本场次。"))
        elif op == "duplicate":
            copy = authoring.duplicate_round(request.user, live_round)
            messages.success(request, _("已复制为“%(t)s”。") % {"t": copy.title})
            return redirect("live:edit_round", copy.pk)
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal_text(exc))
    return back


@login_required
@require_POST
def question_op(request: AuthenticatedHttpRequest, round_id: int, question_id: int, op: str) -> HttpResponse:
    """A placed question's buttons: timing (seconds, points), move (to a position), remove."""
    live_round = selectors.access_round_for_author(request.user, round_id)
    live_question = get_object_or_404(LiveQuestion, pk=question_id, round=live_round)
    _bank_form, _filters, query = _bank_query(request.GET or None)
    try:
        if op == "timing":
            form = QuestionRowForm(request.POST, prefix=f"q{live_question.pk}")
            if not form.is_valid():
                messages.error(
                    request, _("第 %(p)d 题：%(e)s") % {"p": live_question.position, "e": form_error_text(form)}
                )
            else:
                authoring.set_question_timing(request.user, live_question, **form.cleaned_data)
                messages.success(request, _("第 %(p)d 题已保存。") % {"p": live_question.position})
        elif op == "move":
            move = MoveForm(request.POST)
            if move.is_valid():
                authoring.move_question(request.user, live_question, move.cleaned_data["position"])
        elif op == "remove":
            authoring.remove_question(request.user, live_question)
            messages.success(request, _("已移出第 %(p)d 题。") % {"p": live_question.position})
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal_text(exc))
    return redirect(
        _editor_url(live_round, query) + f"#q-{live_question.pk}" if op != "remove" else _editor_url(live_round, query)
    )


@login_required
def round_delete(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    """GET: what deleting erases; POST: delete."""
    live_round = selectors.access_round_for_author(request.user, round_id)
    contest = live_round.contest
    if request.method == "POST":
        try:
            authoring.delete_round(request.user, live_round)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, refusal_text(exc))
            return redirect("live:edit_round", live_round.pk)
        messages.success(request, _("场次“%(t)s”已删除。") % {"t": live_round.title})
        return redirect("live:rounds", contest.slug)
    context = {"contest": contest, "round": live_round, "problem": selectors.delete_problem(live_round)}
    return render(request, "live/manage/delete.html", context)


@login_required
def round_reset(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    """GET: what a reset erases (counts); POST: reset."""
    live_round = selectors.access_round_for_author(request.user, round_id)
    if request.method == "POST":
        try:
            counts = authoring.reset_round(request.user, live_round)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, refusal_text(exc))
        else:
            live_round.refresh_from_db()
            hub.broadcast_from_request(live_round.pk, actions.state_broadcast(live_round))
            messages.success(
                request,
                _("已重置：清除 %(a)d 条作答、%(s)d 个席位的得分、%(g)d 条可疑信号，场次回到候场。")
                % {"a": counts["answers"], "s": counts["seats"], "g": counts["signals"]},
            )
        return redirect("live:edit_round", live_round.pk)
    context = {
        "contest": live_round.contest,
        "round": live_round,
        "problem": selectors.reset_problem(live_round),
        "counts": selectors.reset_counts(live_round),
    }
    return render(request, "live/manage/reset.html", context)


# --- preview ------------------------------------------------------------------------------


def preview_messages(live_round: LiveRound, live_question: LiveQuestion, *, role: events.Role) -> list[dict[str, Any]]:
    """What the server would send a screen or a contestant connecting while question `n` is
    open: `welcome`, then a snapshot of the round in state "question" showing it, built from the
    same event models (no answer key: the key only comes with a reveal)."""
    now = timezone.now()
    closes = now + timedelta(seconds=live_question.seconds)
    seq = live_round.seq
    welcome = events.Welcome(
        seq=seq,
        server_time=now.timestamp(),
        role=role,
        round_id=live_round.pk,
        title=live_round.title,
        contest=live_round.contest.title,
    )
    snapshot = events.Snapshot(
        seq=seq,
        server_time=now.timestamp(),
        state="question",
        paused=False,
        frozen=False,
        question=selectors.question_view(live_question),
        opens_at=now.timestamp(),
        closes_at=closes.timestamp(),
        remaining=float(live_question.seconds),
        reveal=None,
        my_answer=None,
        standing=None,
        leaderboard=events.Leaderboard(
            seq=seq, server_time=now.timestamp(), frozen=False, shown=False, top=[], total=0
        ),
        progress=None,
    )
    return [welcome.model_dump(mode="json"), snapshot.model_dump(mode="json")]


@login_required
def preview(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    """`?n=<position>&as=screen|play`: the big screen or the contestant page with question n
    open, rendered from `preview_messages` and connected to nothing."""
    live_round = selectors.access_round_for_author(request.user, round_id)
    form = PreviewForm(request.GET)
    form.is_valid()
    if "view" in form.errors:
        raise Http404
    as_, position = form.cleaned_data["view"], form.position()
    live_question = (
        live_round.questions.select_related("question").filter(position=position).first()
        or live_round.questions.select_related("question").order_by("position").first()
    )
    if live_question is None:
        messages.error(request, _("本场次还没有题目，添加题目后才能预览。"))
        return redirect("live:edit_round", live_round.pk)
    role: events.Role = "screen" if as_ == "screen" else "contestant"
    context = {
        "round": live_round,
        "ticket": None,
        "preview_messages": preview_messages(live_round, live_question, role=role),
        "preview_position": live_question.position,
    }
    return render(request, f"live/{as_}.html", context)


def contest_rounds_panel(contest: Contest, user: Any) -> dict[str, Any]:
    """The contest console's live-round panel (registered in LiveConfig.ready)."""
    return {"contest": contest, "rows": selectors.round_rows(contest)}
