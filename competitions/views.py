"""Thin views: public contest pages, the contestant's registration and ticket, the organizer
console, the judge's scoring sheet. Input enters through the forms of `competitions.forms`;
every change goes through `competitions.actions`; what a page offers comes from
`competitions.selectors`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.choices import Role
from accounts.http import AuthenticatedHttpRequest, user_or_none
from competitions import actions, scoring, selectors
from competitions.forms import (
    AbsenceForm,
    AnswerForm,
    AppealDecisionForm,
    AppealForm,
    BoardForm,
    ClarificationForm,
    ContestForm,
    EventGroupForm,
    ItemForm,
    JudgeForm,
    MarkSheetForm,
    PromotionRuleForm,
    PublishForm,
    RegisterForm,
    ReviewForm,
    SheetOpForm,
    SignOffForm,
    StatusForm,
    TaskForm,
    TheoryMarksForm,
)
from competitions.models import (
    Appeal,
    Contest,
    EventGroup,
    ItemKind,
    JudgeAssignment,
    RegistrationStatus,
    SignOff,
    Ticket,
)
from config.bad_input import form_error_text, refusal_text

# --- Public ------------------------------------------------------------------------------------


def contest_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "competitions/list.html",
        {"contests": selectors.public_contests(), "board_groups": selectors.board_groups()},
    )


def contest_detail(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = user_or_none(request)
    contest = selectors.access_public_contest(slug, viewer)
    rules = selectors.rules_for(contest)
    registration = selectors.own_registration(contest, request.user)
    team_contest = rules.team_size_max > 1
    published = rules.results_published_at is not None
    may = selectors.registration_actions(request.user, contest, registration)
    context: dict[str, Any] = {
        "contest": contest,
        "rules": rules,
        "groups": contest.event_groups.order_by("id"),
        "registration": registration,
        "may": may,
        "ticket": Ticket.objects.filter(registration=registration).first() if registration else None,
        "register_form": RegisterForm(contest=contest, team_contest=team_contest),
        "tie_break": scoring.TIE_BREAK,
        "team_rule": scoring.TEAM_RULE if team_contest else "",
        "can_manage": selectors.can_manage(viewer, contest),
        "published": published,
        "appeal_deadline": selectors.appeal_deadline(contest),
        "nominations": selectors.nominations_for(contest, request.user),
        "clarifications": selectors.clarifications_for(contest, request.user),
    }
    if may.nominate:
        choices = selectors.nomination_choices(request.user)
        if choices:
            context["nominate_form"] = RegisterForm(contest=contest, team_contest=team_contest, person_choices=choices)
    if registration is not None:
        context["result"] = getattr(registration, "result", None) if published else None
        context["appeals"] = registration.appeals.prefetch_related("rescores__mark__item")
        context["certificate"] = selectors.award_certificate(registration) if published else None
        context["check_in"] = selectors.check_in_of(registration)
    return render(request, "competitions/detail.html", context)


@login_required
@require_POST
def register_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Registration for oneself, or an enterprise admin's nomination (the form's `person`)."""
    contest = selectors.access_public_contest(slug, request.user)
    form = RegisterForm(
        request.POST,
        contest=contest,
        team_contest=selectors.is_team_contest(contest),
        person_choices=selectors.nomination_choices(request.user),
    )
    if not form.is_valid():
        messages.error(request, _("请选择赛项后再提交。"))
        return redirect("competitions:detail", slug)
    person = form.cleaned_data.get("person") or request.user
    try:
        actions.register(
            person=person,
            contest=contest,
            event_group=form.cleaned_data["event_group"],
            actor=request.user,
            team=form.cleaned_data.get("team") or None,
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(
            request,
            _("报名已提交，等待组织者审核。")
            if person == request.user
            else _("已推荐 %(p)s 报名。") % {"p": person.real_name},
        )
    return redirect("competitions:detail", slug)


@login_required
@require_POST
def withdraw_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    contest = selectors.access_public_contest(slug, request.user)
    registration = selectors.access_own_registration(contest, request.user)
    try:
        actions.withdraw_registration(registration, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, _("报名已撤回。"))
    return redirect("competitions:detail", slug)


@login_required
def ticket_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    contest = selectors.access_public_contest(slug, request.user)
    registration = selectors.access_own_registration(contest, request.user)
    ticket = Ticket.objects.filter(registration=registration).first()
    if ticket is None:
        raise Http404
    return render(request, "competitions/tickets.html", {"contest": contest, "tickets": [ticket], "single": True})


@login_required
@require_POST
def ask_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    contest = selectors.access_public_contest(slug, request.user)
    form = ClarificationForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["question"].as_data())
        actions.ask_clarification(contest, actor=request.user, question=form.cleaned_data["question"])
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, _("问题已提交，裁判组答复后将在此显示。"))
    return redirect("competitions:detail", slug)


@login_required
@require_POST
def appeal_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    contest = selectors.access_public_contest(slug, request.user)
    registration = selectors.access_own_registration(contest, request.user)
    form = AppealForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["reason"].as_data())
        actions.file_appeal(registration, actor=request.user, reason=form.cleaned_data["reason"])
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, _("申诉已提交，仲裁结果将在此页显示。"))
    return redirect("competitions:detail", slug)


def results_view(request: HttpRequest, slug: str) -> HttpResponse:
    contest = selectors.access_public_contest(slug, user_or_none(request))
    return render(
        request,
        "competitions/results.html",
        {
            "contest": contest,
            "groups": selectors.result_tables(contest, request.user),
            "tie_break": scoring.TIE_BREAK,
            "team_rule": scoring.TEAM_RULE,
            "team_contest": selectors.is_team_contest(contest),
        },
    )


def board_view(request: HttpRequest) -> HttpResponse:
    names = selectors.board_groups()
    form = BoardForm(request.GET, names=names)
    name = (form.cleaned_data["group"] if form.is_valid() else "") or (names[0] if names else "")
    rows = selectors.provincial_board(name, viewer=user_or_none(request)) if name else []
    return render(request, "competitions/board.html", {"names": names, "name": name, "rows": rows})


# --- Organizer ---------------------------------------------------------------------------------


@login_required
def manage_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Organizers, province admins and co-organizers (who manage only the contests they joined)."""
    if not selectors.may_open_console(request.user):
        raise PermissionDenied
    return render(
        request,
        "competitions/manage_list.html",
        {
            "contests": selectors.managed_contests(request.user),
            "can_create": selectors.can_create_contest(request.user),
            "invitations": selectors.pending_invitations_for(request.user).count(),
        },
    )


@login_required
def contest_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not selectors.can_create_contest(request.user):
        raise PermissionDenied
    form = ContestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contest = actions.create_contest(
                actor=request.user,
                title=form.cleaned_data["title"],
                slug=form.cleaned_data["slug"],
                **form.action_fields(),
            )
        except ValidationError as exc:
            form.add_error(None, refusal_text(exc))
        else:
            messages.success(request, _("竞赛已创建，请添加赛项。"))
            return redirect("competitions:console", contest.slug)
    return render(request, "competitions/contest_form.html", {"form": form, "editing": False})


@login_required
def contest_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    contest = selectors.access_managed_contest(slug, request.user)
    form = ContestForm(request.POST or None, initial=ContestForm.initial_for(contest), editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_contest(
                contest, actor=request.user, title=form.cleaned_data["title"], **form.action_fields()
            )
        except ValidationError as exc:
            form.add_error(None, refusal_text(exc))
        else:
            messages.success(request, _("竞赛设置已保存。"))
            return redirect("competitions:console", contest.slug)
    return render(request, "competitions/contest_form.html", {"form": form, "editing": True, "contest": contest})


def _theory_form(contest: Contest, data: Any = None) -> TheoryMarksForm:
    approved = selectors.registrations_for(contest).filter(status=RegistrationStatus.APPROVED)
    return TheoryMarksForm(data, registrations=approved)


def _render_console(
    request: AuthenticatedHttpRequest,
    contest: Contest,
    *,
    theory_form: TheoryMarksForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The console; `theory_form` bound after a refused save, so what was typed stays."""
    rules = selectors.rules_for(contest)
    groups = contest.event_groups.order_by("id").prefetch_related("judge_assignments__judge", "practical_tasks__items")
    # (group, its sign-off or None, marks still missing)
    group_rows = [
        (
            group,
            SignOff.objects.filter(event_group=group).select_related("signed_by").first(),
            selectors.missing_marks(group) if group.practical_tasks.exists() else 0,
        )
        for group in groups
    ]
    context = {
        "contest": contest,
        "rules": rules,
        "group_rows": group_rows,
        "registrations": selectors.registrations_for(contest),
        # One page, five forms sharing field names (group, description): ids of their own, so each
        # <label for> names its own field and no id repeats.
        "group_form": EventGroupForm(auto_id="group-%s"),
        "judge_form": JudgeForm(contest=contest, auto_id="judge-%s"),
        "task_form": TaskForm(contest=contest, auto_id="task-%s"),
        "item_form": ItemForm(contest=contest, auto_id="item-%s"),
        "rule_form": PromotionRuleForm(auto_id="rule-%s"),
        "theory_form": theory_form or _theory_form(contest),
        "promotion_rules": contest.promotion_rules.all(),
        "clarifications": selectors.clarifications_for(contest, request.user),
        "appeals": selectors.appeals_for(contest),
        "team_problems": selectors.team_problems(contest),
        "published": rules.results_published_at is not None,
        "panels": selectors.console_panels(contest, request.user),
    }
    return render(request, "competitions/console.html", context, status=status)


@login_required
def console(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    contest = selectors.access_managed_contest(slug, request.user)
    return _render_console(request, contest)


# --- Console operations: one form and one action each ----------------------------------------


@dataclass(frozen=True)
class ConsoleOp:
    """A console button: the form that reads its POST, the step that calls the action and
    returns the success message, and the message for a form that does not validate ('' to
    show the form's own errors)."""

    form: Callable[[Any, Contest], forms.Form]
    run: Callable[[AuthenticatedHttpRequest, Contest, Any], str]
    invalid: str = ""


def _review(request: AuthenticatedHttpRequest, contest: Contest, form: Any) -> str:
    data = form.cleaned_data
    approve = data["decision"] == "approve"
    actions.review_registration(data["registration"], actor=request.user, approve=approve, reason=data["reason"])
    return _("已通过并生成准考证。") if approve else _("已退回。")


def _group(request: AuthenticatedHttpRequest, contest: Contest, form: Any) -> str:
    data = form.cleaned_data
    actions.add_event_group(contest, actor=request.user, name=data["name"], domain=data["domain"])
    return _("赛项已添加。")


def _judge(request: AuthenticatedHttpRequest, contest: Contest, form: Any) -> str:
    data = form.cleaned_data
    actions.assign_judge(
        data["group"], data["judge"], actor=request.user, is_chief=data["is_chief"], is_arbiter=data["is_arbiter"]
    )
    return _("裁判已分配。")


def _task(request: AuthenticatedHttpRequest, contest: Contest, form: Any) -> str:
    data = form.cleaned_data
    actions.add_task(data["group"], actor=request.user, title=data["title"], description=data["description"])
    return _("实操任务已添加。")


def _item(request: AuthenticatedHttpRequest, contest: Contest, form: Any) -> str:
    data = form.cleaned_data
    actions.add_item(
        data["task"], actor=request.user, kind=data["kind"], description=data["description"], points=data["points"]
    )
    return _("评分项已添加。")


def _rule(request: AuthenticatedHttpRequest, contest: Contest, form: Any) -> str:
    data = form.cleaned_data
    actions.set_promotion_rule(contest, actor=request.user, **data)
    return _("以赛代评规则已保存。")


def _publish(request: AuthenticatedHttpRequest, contest: Contest, form: Any) -> str:
    actions.publish_results(contest, actor=request.user)
    return _("成绩已公布。")


def _recompute(request: AuthenticatedHttpRequest, contest: Contest, form: Any) -> str:
    differences = actions.recompute_results(contest, actor=request.user)
    if differences:
        raise ValidationError(
            _("重算发现 %(n)s 处差异：%(d)s") % {"n": len(differences), "d": "；".join(differences[:5])}
        )
    return _("已按存储的评分重算，与公布成绩一致。")


def _answer(request: AuthenticatedHttpRequest, contest: Contest, form: Any) -> str:
    data = form.cleaned_data
    actions.answer_clarification(
        data["clarification"], actor=request.user, answer=data["answer"], to_all=data["to_all"]
    )
    return _("已答复。")


def _decide(request: AuthenticatedHttpRequest, contest: Contest | None, form: AppealDecisionForm) -> str:
    data = form.cleaned_data
    actions.decide_appeal(
        data["appeal"],
        actor=request.user,
        uphold=data["decision"] == "uphold",
        decision=data["text"],
        rescores=form.rescores(),
        theory=data["theory"],
    )
    return _("申诉已处理。")


def _appeal_form(post: Any, appeals: Any) -> AppealDecisionForm:
    """The decision form over `appeals` (a decided one is refused by `decide_appeal`, with its reason)."""
    return AppealDecisionForm(post, appeals=appeals.select_related("registration"))


def _checkin(request: AuthenticatedHttpRequest, contest: Contest, form: Any) -> str:
    drawn = actions.draw_check_in_numbers(contest, actor=request.user)
    if not drawn:
        return _("所有审核通过的选手（队伍）都已有检录号。")
    return _("已抽取 %(n)s 个检录号。") % {"n": drawn}


def _status(request: AuthenticatedHttpRequest, contest: Contest, form: Any) -> str:
    data = form.cleaned_data
    actions.update_contest(contest, actor=request.user, status=data["status"])
    return _("状态已更新。")


CONSOLE_OPS: dict[str, ConsoleOp] = {
    "review": ConsoleOp(lambda post, contest: ReviewForm(post, contest=contest), _review),
    "group": ConsoleOp(lambda post, contest: EventGroupForm(post), _group, _("请填写赛项名称。")),
    "judge": ConsoleOp(lambda post, contest: JudgeForm(post, contest=contest), _judge, _("请选择赛项和裁判。")),
    "task": ConsoleOp(lambda post, contest: TaskForm(post, contest=contest), _task, _("请填写实操任务名称。")),
    "item": ConsoleOp(
        lambda post, contest: ItemForm(post, contest=contest), _item, _("请完整填写评分项（分值须大于 0）。")
    ),
    "rule": ConsoleOp(lambda post, contest: PromotionRuleForm(post), _rule, _("请选择奖项和晋升等级。")),
    "publish": ConsoleOp(lambda post, contest: PublishForm(post), _publish),
    "recompute": ConsoleOp(lambda post, contest: forms.Form(post), _recompute),
    "answer": ConsoleOp(lambda post, contest: AnswerForm(post, contest=contest), _answer),
    "appeal": ConsoleOp(lambda post, contest: _appeal_form(post, selectors.appeals_for(contest)), _decide),
    "checkin": ConsoleOp(lambda post, contest: forms.Form(post), _checkin),
    "status": ConsoleOp(lambda post, contest: StatusForm(post), _status),
}


@login_required
@require_POST
def console_op(request: AuthenticatedHttpRequest, slug: str, op: str) -> HttpResponse:
    """One console button: its form reads the POST, its action runs, the console reports. The
    theory marks (many rows, all or nothing) re-show the console as typed when one is wrong."""
    contest = selectors.access_managed_contest(slug, request.user)
    if op == "theory":
        return _save_theory_marks(request, contest)
    if op not in CONSOLE_OPS:
        raise Http404
    spec = CONSOLE_OPS[op]
    form = spec.form(request.POST, contest)
    if not form.is_valid():
        messages.error(request, spec.invalid or form_error_text(form))
        return redirect("competitions:console", contest.slug)
    if op == "publish" and not form.cleaned_data["confirm"]:
        return _confirm_publish(request, contest)
    try:
        message = spec.run(request, contest, form)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, message)
    return redirect("competitions:console", contest.slug)


def _save_theory_marks(request: AuthenticatedHttpRequest, contest: Contest) -> HttpResponse:
    """Every theory score typed on the console is stored, or none is: a wrong one keeps what was
    typed in every input and marks the wrong ones (400)."""
    form = _theory_form(contest, request.POST)
    if form.is_valid():
        try:
            saved = actions.set_theory_marks(actor=request.user, scores=form.scores())
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name, errors)
        except PermissionDenied as exc:
            messages.error(request, refusal_text(exc))
            return redirect("competitions:console", contest.slug)
        else:
            messages.success(request, _("已保存 %(n)s 个理论成绩。") % {"n": saved})
            return redirect("competitions:console", contest.slug)
    messages.error(
        request, _("%(n)s 个理论成绩有误，本次均未保存，已在表中标出，请改正后再保存。") % {"n": len(form.errors)}
    )
    return _render_console(request, contest, theory_form=form, status=400)


def _confirm_publish(request: AuthenticatedHttpRequest, contest: Contest) -> HttpResponse:
    """Publishing feeds the talent ledger, certificates and recommendations: the organizer sees
    what will be published (per event group: who took part, who is 缺考, the awards) and confirms
    with a second POST carrying confirm=1. Works without JavaScript."""
    context = {
        "contest": contest,
        "groups": selectors.publication_preview(contest),
        "pending": selectors.unsigned_groups(contest),
        "published": selectors.rules_for(contest).results_published_at is not None,
    }
    return render(request, "competitions/confirm_publish.html", context)


@login_required
def tickets_print(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    contest = selectors.access_managed_contest(slug, request.user)
    tickets = Ticket.objects.filter(registration__contest=contest).select_related(
        "registration__person__organization", "registration__event_group"
    )
    return render(request, "competitions/tickets.html", {"contest": contest, "tickets": tickets.order_by("number")})


# --- Judges ------------------------------------------------------------------------------------


@login_required
def judge_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The groups the person judges: for the judge pool (the judge role) and for anyone an
    assignment names (an accepted invitation); the assignments are what every sheet checks."""
    assignments = selectors.judge_assignments(request.user)
    if not request.user.has_role(Role.JUDGE) and not assignments.exists():
        raise PermissionDenied
    return render(
        request,
        "competitions/judge_home.html",
        {"assignments": assignments, "invitations": selectors.pending_invitations_for(request.user).count()},
    )


@login_required
def judge_sheet(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    """The judge's sheet: marks (saved all or nothing), and for the chief judge 缺考 and the
    sign-off, for arbiters the group's appeals. One POST carries one of these (`op`)."""
    group, assignment = selectors.access_judged_group(group_id, request.user)
    items = selectors.sheet_items(group)
    rows = selectors.sheet_rows(group, request.user)
    signed = SignOff.objects.filter(event_group=group).select_related("signed_by").first()
    may = selectors.sheet_actions(assignment, signed=signed is not None)
    own = selectors.own_marks(request.user, items)
    sheet = MarkSheetForm(rows=rows, items=items, own=own)
    if request.method == "POST":
        which = SheetOpForm(request.POST)
        op = which.cleaned_data["op"] if which.is_valid() else ""
        if op == "appeal" and assignment.is_arbiter:
            return _sheet_appeal(request, group)
        if op == "absence":
            return _sheet_absence(request, group, rows)
        if op == "signoff":
            return _sheet_sign_off(request, group)
        sheet = MarkSheetForm(request.POST, rows=rows, items=items, own=own)
        if sheet.is_valid():
            try:
                saved = actions.record_marks(judge=request.user, marks=sheet.marks())
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    sheet.add_error(name, errors)
            else:
                messages.success(request, _("已保存 %(n)s 个评分。") % {"n": saved})
                return redirect("competitions:judge_sheet", group.pk)
        messages.error(
            request, _("%(n)s 个评分有误，本次评分均未保存，已在表中标出，请改正后再保存。") % {"n": len(sheet.errors)}
        )
    for row in rows:
        row.cells = [
            selectors.SheetCell(item=item, value=sheet.value(row, item), error=sheet.error(row, item)) for item in items
        ]
    return render(
        request,
        "competitions/judge_sheet.html",
        _sheet_context(group, assignment, items, rows, signed, may),
        status=400 if sheet.is_bound else 200,
    )


def _sheet_context(
    group: EventGroup,
    assignment: JudgeAssignment,
    items: list[Any],
    rows: list[selectors.SheetRow],
    signed: SignOff | None,
    may: selectors.SheetActions,
) -> dict[str, Any]:
    labels = {row.key: row.label for row in rows}
    flagged = [
        {
            "item": found.item,
            "low": found.low,
            "high": found.high,
            "label": labels.get(selectors.mark_key(found.registration_id, found.team_id), ""),
        }
        for found in (selectors.disagreements(group) if assignment.is_chief else [])
    ]
    return {
        "group": group,
        "contest": group.contest,
        "assignment": assignment,
        "may": may,
        "items": items,
        "rows": rows,
        "signed": signed,
        "flagged": flagged,
        "missing": selectors.missing_marks(group) if assignment.is_chief else 0,
        "judgement": ItemKind.JUDGEMENT,
        "team_contest": selectors.is_team_contest(group.contest),
        "check_in": bool(rows) and all(row.check_in for row in rows),
        "appeals": (
            Appeal.objects.filter(registration__event_group=group).select_related("registration__person")
            if assignment.is_arbiter
            else []
        ),
    }


def _sheet_appeal(request: AuthenticatedHttpRequest, group: EventGroup) -> HttpResponse:
    form = _appeal_form(request.POST, Appeal.objects.filter(registration__event_group=group))
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect("competitions:judge_sheet", group.pk)
    try:
        message = _decide(request, None, form)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, message)
    return redirect("competitions:judge_sheet", group.pk)


def _sheet_absence(
    request: AuthenticatedHttpRequest, group: EventGroup, rows: list[selectors.SheetRow]
) -> HttpResponse:
    form = AbsenceForm(request.POST, rows=rows)
    if not form.is_valid():
        raise Http404
    row, absent = form.target()
    try:
        actions.set_practical_absence(
            group, actor=request.user, absent=absent, registration=row.registration, team=row.team
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(
            request,
            (_("已登记 %(l)s 实操缺考。") if absent else _("已撤销 %(l)s 的实操缺考登记。")) % {"l": row.label},
        )
    return redirect("competitions:judge_sheet", group.pk)


def _sheet_sign_off(request: AuthenticatedHttpRequest, group: EventGroup) -> HttpResponse:
    form = SignOffForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form_error_text(form))
        actions.sign_off(group, actor=request.user, note=form.cleaned_data["note"])
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, _("已签字确认，本赛项实操成绩生效。"))
    return redirect("competitions:judge_sheet", group.pk)
