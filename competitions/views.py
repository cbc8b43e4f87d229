"""Thin views: public contest pages, the contestant's registration and ticket, the organizer
console, the judge's scoring sheet. Every change goes through `competitions.actions`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.actions import audit
from accounts.choices import Role
from accounts.models import User
from competitions import actions, scoring, selectors
from competitions.forms import (
    ClarificationForm,
    ContestForm,
    EventGroupForm,
    ImportForm,
    ItemForm,
    JudgeForm,
    PromotionRuleForm,
    RegisterForm,
    TaskForm,
)
from competitions.models import (
    Appeal,
    Award,
    Clarification,
    Contest,
    ItemKind,
    Mark,
    MarkingItem,
    Registration,
    RegistrationStatus,
    SignOff,
    Ticket,
)
from competitions.resources import import_registrations, results_csv
from config.converters import get_by_id_or_404


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("没有权限执行此操作。")


# --- Public ------------------------------------------------------------------------------------


def contest_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "competitions/list.html",
        {"contests": selectors.public_contests(), "board_groups": selectors.board_groups()},
    )


def _nomination_choices(request: HttpRequest) -> list[tuple[int, str]] | None:
    user = request.user
    if not user.is_authenticated or not user.has_role(Role.ENTERPRISE_ADMIN):
        return None
    org_ids = selectors.enterprise_admin_org_ids(user)
    people = User.objects.filter(organization_id__in=org_ids, is_active=True).order_by("real_name")
    return [(p.pk, f"{p.real_name}（{p.mobile_masked}）") for p in people]


def contest_detail(request: HttpRequest, slug: str) -> HttpResponse:
    contest = selectors.access_public_contest(slug, request.user)
    rules = selectors.rules_for(contest)
    registration = selectors.own_registration(contest, request.user)
    team_contest = rules.team_size_max > 1
    context: dict[str, Any] = {
        "contest": contest,
        "rules": rules,
        "groups": contest.event_groups.order_by("id"),
        "registration": registration,
        "ticket": Ticket.objects.filter(registration=registration).first() if registration else None,
        "window_problem": selectors.registration_window_problem(contest),
        "register_form": RegisterForm(contest=contest, team_contest=team_contest),
        "tie_break": scoring.TIE_BREAK,
        "team_rule": scoring.TEAM_RULE if team_contest else "",
        "can_manage": selectors.can_manage(request.user, contest),
        "published": rules.results_published_at is not None,
        "appeal_open": selectors.appeal_open(contest),
        "appeal_deadline": selectors.appeal_deadline(contest),
    }
    choices = _nomination_choices(request)
    if choices:
        context["nominate_form"] = RegisterForm(contest=contest, team_contest=team_contest, person_choices=choices)
    context["nominations"] = selectors.nominations_for(contest, request.user)
    if request.user.is_authenticated:
        context["clarifications"] = selectors.clarifications_for(contest, request.user)
        if registration is not None:
            context["result"] = getattr(registration, "result", None) if context["published"] else None
            context["appeals"] = registration.appeals.prefetch_related("rescores__mark__item")
            context["certificate"] = selectors.award_certificate(registration) if context["published"] else None
            context["check_in"] = selectors.check_in_of(registration)
    else:
        context["clarifications"] = selectors.clarifications_for(contest, request.user)
    return render(request, "competitions/detail.html", context)


@login_required
@require_POST
def register_view(request: HttpRequest, slug: str) -> HttpResponse:
    contest = selectors.access_public_contest(slug, request.user)
    rules = selectors.rules_for(contest)
    choices = _nomination_choices(request) if request.POST.get("person") else None
    form = RegisterForm(request.POST, contest=contest, team_contest=rules.team_size_max > 1, person_choices=choices)
    if not form.is_valid():
        messages.error(request, _("请选择赛项后再提交。"))
        return redirect("competitions:detail", slug)
    person = request.user
    if choices is not None:
        person = get_object_or_404(User, pk=form.cleaned_data["person"])
    group = get_object_or_404(contest.event_groups, pk=form.cleaned_data["event_group"])
    try:
        actions.register(
            person=person,
            contest=contest,
            event_group=group,
            actor=request.user,
            team=form.cleaned_data.get("team") or None,
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
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
def withdraw_view(request: HttpRequest, slug: str) -> HttpResponse:
    contest = selectors.access_public_contest(slug, request.user)
    registration = selectors.access_own_registration(contest, request.user)
    try:
        actions.withdraw_registration(registration, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("报名已撤回。"))
    return redirect("competitions:detail", slug)


@login_required
def ticket_view(request: HttpRequest, slug: str) -> HttpResponse:
    contest = selectors.access_public_contest(slug, request.user)
    registration = selectors.access_own_registration(contest, request.user)
    ticket = Ticket.objects.filter(registration=registration).first()
    if ticket is None:
        raise Http404
    return render(request, "competitions/tickets.html", {"contest": contest, "tickets": [ticket], "single": True})


@login_required
@require_POST
def ask_view(request: HttpRequest, slug: str) -> HttpResponse:
    contest = selectors.access_public_contest(slug, request.user)
    form = ClarificationForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["question"])
        actions.ask_clarification(contest, actor=request.user, question=form.cleaned_data["question"])
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("问题已提交，裁判组答复后将在此显示。"))
    return redirect("competitions:detail", slug)


@login_required
@require_POST
def appeal_view(request: HttpRequest, slug: str) -> HttpResponse:
    contest = selectors.access_public_contest(slug, request.user)
    registration = selectors.access_own_registration(contest, request.user)
    try:
        actions.file_appeal(registration, actor=request.user, reason=request.POST.get("reason", ""))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("申诉已提交，仲裁结果将在此页显示。"))
    return redirect("competitions:detail", slug)


def results_view(request: HttpRequest, slug: str) -> HttpResponse:
    contest = selectors.access_public_contest(slug, request.user)
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
    name = request.GET.get("group") or (names[0] if names else "")
    rows = selectors.provincial_board(name, viewer=request.user) if name else []
    return render(request, "competitions/board.html", {"names": names, "name": name, "rows": rows})


# --- Organizer ---------------------------------------------------------------------------------


@login_required
def manage_list(request: HttpRequest) -> HttpResponse:
    if not selectors.can_create_contest(request.user):
        raise PermissionDenied
    return render(request, "competitions/manage_list.html", {"contests": selectors.managed_contests(request.user)})


@login_required
def contest_create(request: HttpRequest) -> HttpResponse:
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
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("竞赛已创建，请添加赛项。"))
            return redirect("competitions:console", contest.slug)
    return render(request, "competitions/contest_form.html", {"form": form, "editing": False})


@login_required
def contest_edit(request: HttpRequest, slug: str) -> HttpResponse:
    contest = selectors.access_managed_contest(slug, request.user)
    form = ContestForm(request.POST or None, initial=ContestForm.initial_for(contest), editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_contest(
                contest, actor=request.user, title=form.cleaned_data["title"], **form.action_fields()
            )
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("竞赛设置已保存。"))
            return redirect("competitions:console", contest.slug)
    return render(request, "competitions/contest_form.html", {"form": form, "editing": True, "contest": contest})


@login_required
def console(request: HttpRequest, slug: str) -> HttpResponse:
    contest = selectors.access_managed_contest(slug, request.user)
    groups = list(
        contest.event_groups.order_by("id").prefetch_related("judge_assignments__judge", "practical_tasks__items")
    )
    for group in groups:
        group.signed = SignOff.objects.filter(event_group=group).select_related("signed_by").first()
        group.missing = selectors.missing_marks(group) if group.practical_tasks.exists() else 0
    context = {
        "contest": contest,
        "rules": selectors.rules_for(contest),
        "groups": groups,
        "registrations": selectors.registrations_for(contest),
        "group_form": EventGroupForm(),
        "judge_form": JudgeForm(contest=contest),
        "task_form": TaskForm(contest=contest),
        "item_form": ItemForm(contest=contest),
        "rule_form": PromotionRuleForm(),
        "import_form": ImportForm(),
        "promotion_rules": contest.promotion_rules.all(),
        "clarifications": selectors.clarifications_for(contest, request.user),
        "appeals": selectors.appeals_for(contest),
        "team_problems": selectors.team_problems(contest),
        "published": selectors.rules_for(contest).results_published_at is not None,
    }
    return render(request, "competitions/console.html", context)


def _post_op(request: HttpRequest, contest, op: str) -> str:
    """Run one console operation; returns the success message. Raises on refusal."""
    post = request.POST
    if op == "review":
        registration = get_by_id_or_404(Registration, post.get("registration"), contest=contest)
        approve = post.get("decision") == "approve"
        actions.review_registration(registration, actor=request.user, approve=approve, reason=post.get("reason", ""))
        return _("已通过并生成准考证。") if approve else _("已退回。")
    if op == "group":
        form = EventGroupForm(post)
        if not form.is_valid():
            raise ValidationError(_("请填写赛项名称。"))
        actions.add_event_group(contest, actor=request.user, **form.cleaned_data)
        return _("赛项已添加。")
    if op == "judge":
        form = JudgeForm(post, contest=contest)
        if not form.is_valid():
            raise ValidationError(_("请选择赛项和裁判。"))
        group = get_object_or_404(contest.event_groups, pk=form.cleaned_data["group"])
        actions.assign_judge(
            group,
            form.cleaned_data["judge"],
            actor=request.user,
            is_chief=form.cleaned_data["is_chief"],
            is_arbiter=form.cleaned_data["is_arbiter"],
        )
        return _("裁判已分配。")
    if op == "task":
        form = TaskForm(post, contest=contest)
        if not form.is_valid():
            raise ValidationError(_("请填写实操任务名称。"))
        group = get_object_or_404(contest.event_groups, pk=form.cleaned_data["group"])
        actions.add_task(
            group, actor=request.user, title=form.cleaned_data["title"], description=form.cleaned_data["description"]
        )
        return _("实操任务已添加。")
    if op == "item":
        form = ItemForm(post, contest=contest)
        if not form.is_valid():
            raise ValidationError(_("请完整填写评分项（分值须大于 0）。"))
        from competitions.models import PracticalTask

        task = get_object_or_404(PracticalTask, pk=form.cleaned_data["task"], event_group__contest=contest)
        actions.add_item(
            task,
            actor=request.user,
            kind=form.cleaned_data["kind"],
            description=form.cleaned_data["description"],
            points=form.cleaned_data["points"],
        )
        return _("评分项已添加。")
    if op == "theory":
        count = 0
        for registration in selectors.registrations_for(contest).filter(status=RegistrationStatus.APPROVED):
            value = post.get(f"theory-{registration.pk}", "").strip()
            if value:
                actions.set_theory_mark(registration, actor=request.user, score=value)
                count += 1
        return _("已保存 %(n)s 个理论成绩。") % {"n": count}
    if op == "rule":
        form = PromotionRuleForm(post)
        if not form.is_valid():
            raise ValidationError(_("请选择奖项和晋升等级。"))
        actions.set_promotion_rule(contest, actor=request.user, **form.cleaned_data)
        return _("以赛代评规则已保存。")
    if op == "publish":
        actions.publish_results(contest, actor=request.user)
        return _("成绩已公布。")
    if op == "recompute":
        differences = actions.recompute_results(contest, actor=request.user)
        if differences:
            raise ValidationError(
                _("重算发现 %(n)s 处差异：%(d)s") % {"n": len(differences), "d": "；".join(differences[:5])}
            )
        return _("已按存储的评分重算，与公布成绩一致。")
    if op == "answer":
        clarification = get_by_id_or_404(Clarification, post.get("clarification"), contest=contest)
        actions.answer_clarification(
            clarification, actor=request.user, answer=post.get("answer", ""), to_all=post.get("to_all") == "on"
        )
        return _("已答复。")
    if op == "appeal":
        appeal = get_by_id_or_404(Appeal, post.get("appeal"), registration__contest=contest)
        _decide_from_post(request, appeal)
        return _("申诉已处理。")
    if op == "checkin":
        drawn = actions.draw_check_in_numbers(contest, actor=request.user)
        if not drawn:
            return _("所有审核通过的选手（队伍）都已有检录号。")
        return _("已抽取 %(n)s 个检录号。") % {"n": drawn}
    if op == "status":
        actions.update_contest(contest, actor=request.user, status=post.get("status", contest.status))
        return _("状态已更新。")
    raise Http404


def _decide_from_post(request: HttpRequest, appeal: Appeal) -> None:
    """Arbitration form: changed mark inputs become re-scores with the given reason."""
    post = request.POST
    rescores = []
    for mark in selectors.contested_marks(appeal.registration):
        value = post.get(f"mark-{mark.pk}", "").strip()
        if value and Decimal(value) != mark.value:
            rescores.append((mark, value, post.get("rescore_reason", "")))
    actions.decide_appeal(
        appeal,
        actor=request.user,
        uphold=post.get("decision") == "uphold",
        decision=post.get("text", ""),
        rescores=rescores,
        theory=post.get("theory", "").strip() or None,
    )


@login_required
@require_POST
def console_op(request: HttpRequest, slug: str, op: str) -> HttpResponse:
    contest = selectors.access_managed_contest(slug, request.user)
    if op == "publish" and request.POST.get("confirm") != "1":
        return _confirm_publish(request, contest)
    try:
        message = _post_op(request, contest, op)
    except (ValidationError, PermissionDenied, ArithmeticError) as exc:
        messages.error(request, _error_text(exc) if not isinstance(exc, ArithmeticError) else _("分数必须是数字。"))
    else:
        messages.success(request, message)
    return redirect("competitions:console", slug)


def _confirm_publish(request: HttpRequest, contest: Contest) -> HttpResponse:
    """Publishing feeds the talent ledger, certificates and recommendations: the organizer sees
    what will be published (per event group: who took part, who is 缺考, the awards) and confirms
    with a second POST carrying confirm=1. Works without JavaScript."""
    rows = selectors.compute_results(contest)
    groups = []
    for group in contest.event_groups.order_by("id"):
        mine = [r for r in rows if r.event_group_id == group.pk]
        if not mine:
            continue
        awards = {
            award: len({(r.team_id or r.registration_id) for r in mine if r.award == award}) for award in Award.values
        }
        groups.append(
            {
                "name": group.name,
                "ranked": len([r for r in mine if not r.absent]),
                "absent": len([r for r in mine if r.absent]),
                "awards": [(label, awards[value]) for value, label in Award.choices if awards[value]],
            }
        )
    context = {
        "contest": contest,
        "groups": groups,
        "pending": selectors.unsigned_groups(contest),
        "published": selectors.rules_for(contest).results_published_at is not None,
    }
    return render(request, "competitions/confirm_publish.html", context)


@login_required
def import_view(request: HttpRequest, slug: str) -> HttpResponse:
    contest = selectors.access_managed_contest(slug, request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = import_registrations(contest, upload.read(), upload.name, actor=request.user)
        except ValidationError as exc:
            form.add_error("file", _error_text(exc))
        else:
            if report.ok:
                messages.success(request, _("已导入 %(n)s 条报名，等待审核。") % {"n": report.created})
                return redirect("competitions:console", slug)
    return render(request, "competitions/import.html", {"contest": contest, "form": form, "report": report})


@login_required
def tickets_print(request: HttpRequest, slug: str) -> HttpResponse:
    contest = selectors.access_managed_contest(slug, request.user)
    tickets = Ticket.objects.filter(registration__contest=contest).select_related(
        "registration__person__organization", "registration__event_group"
    )
    return render(request, "competitions/tickets.html", {"contest": contest, "tickets": tickets.order_by("number")})


@login_required
def export_view(request: HttpRequest, slug: str) -> HttpResponse:
    contest = selectors.access_managed_contest(slug, request.user)
    audit(request.user, "contest.results.export", contest)
    response = HttpResponse(results_csv(contest), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="results-{contest.slug}.csv"'
    return response


# --- Judges ------------------------------------------------------------------------------------


@login_required
def judge_home(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role(Role.JUDGE):
        raise PermissionDenied
    return render(request, "competitions/judge_home.html", {"assignments": selectors.judge_assignments(request.user)})


def _sheet_rows(group, judge: User) -> list[dict[str, Any]]:
    """One row per entrant of the group (a contestant, or a team in a team contest), labelled by
    number only — the 检录号 once drawn, else the ticket number(s): judges see neither names
    nor organizations."""
    registrations = {
        r.pk: r
        for r in group.registrations.filter(status=RegistrationStatus.APPROVED).select_related("ticket", "person")
    }
    numbers = selectors.check_in_numbers(group)
    rows = []
    for entrant in selectors.entrants(group):
        members = [registrations[reg_id] for reg_id in entrant.registration_ids]
        tickets = [m.ticket.number if getattr(m, "ticket", None) is not None else str(m.pk) for m in members]
        orgs = {m.person.organization_id for m in members if m.person.organization_id}
        team = entrant.team_id is not None
        rows.append(
            {
                "entrant": entrant,
                "key": entrant.key,
                "team": team,
                "label": numbers.get(entrant.key) or "、".join(tickets),
                "check_in": entrant.key in numbers,
                "prefix": f"t-{entrant.team_id}" if team else f"m-{entrant.registration_ids[0]}",
                "registration": None if team else members[0],
                "recused": selectors.is_recused(judge, orgs),
            }
        )
    return rows


@login_required
def judge_sheet(request: HttpRequest, group_id: int) -> HttpResponse:
    group, assignment = selectors.access_judged_group(group_id, request.user)
    items = list(
        MarkingItem.objects.filter(task__event_group=group).select_related("task").order_by("task_id", "order", "id")
    )
    rows = _sheet_rows(group, request.user)
    absentees = selectors.practical_absentees(group)
    for row in rows:
        row["absent"] = row["key"] in absentees
    own = {
        (selectors.mark_key(m.registration_id, m.team_id), m.item_id): m.value
        for m in Mark.objects.filter(judge=request.user, item__in=items)
    }
    signed = SignOff.objects.filter(event_group=group).select_related("signed_by").first()
    if request.method == "POST" and request.POST.get("op") == "appeal" and assignment.is_arbiter:
        appeal = get_by_id_or_404(Appeal, request.POST.get("appeal"), registration__event_group=group)
        try:
            _decide_from_post(request, appeal)
        except (ValidationError, PermissionDenied, ArithmeticError) as exc:
            messages.error(request, _error_text(exc) if not isinstance(exc, ArithmeticError) else _("分数必须是数字。"))
        else:
            messages.success(request, _("申诉已处理。"))
        return redirect("competitions:judge_sheet", group.pk)
    if request.method == "POST" and request.POST.get("op") == "absence":
        # The button's value is "<1 to record | 0 to withdraw>:<row prefix>".
        flag, _sep, prefix = request.POST.get("absence", "").partition(":")
        row = next((r for r in rows if r["prefix"] == prefix), None)
        if row is None or flag not in ("0", "1"):
            raise Http404
        who = (
            {"team": group.teams.get(pk=row["entrant"].team_id)}
            if row["team"]
            else {"registration": row["registration"]}
        )
        absent = flag == "1"
        try:
            actions.set_practical_absence(group, actor=request.user, absent=absent, **who)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(
                request,
                (_("已登记 %(l)s 实操缺考。") if absent else _("已撤销 %(l)s 的实操缺考登记。")) % {"l": row["label"]},
            )
        return redirect("competitions:judge_sheet", group.pk)
    if request.method == "POST" and request.POST.get("op") == "signoff":
        try:
            actions.sign_off(group, actor=request.user, note=request.POST.get("note", ""))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("已签字确认，本赛项实操成绩生效。"))
        return redirect("competitions:judge_sheet", group.pk)
    typed: dict[tuple[str, int], str] = {}
    wrong: dict[tuple[str, int], str] = {}
    if request.method == "POST":
        saved, problems = 0, []
        teams = {t.pk: t for t in group.teams.all()}
        for row in rows:
            if row["recused"] or row["absent"]:
                continue
            for item in items:
                value = request.POST.get(f"{row['prefix']}-{item.pk}", "").strip()
                if value == "" or own.get((row["key"], item.pk)) == _as_decimal(value):
                    continue
                target = (
                    {"team": teams[row["entrant"].team_id]} if row["team"] else {"registration": row["registration"]}
                )
                try:
                    actions.record_mark(judge=request.user, item=item, value=value, **target)
                    saved += 1
                except (ValidationError, PermissionDenied) as exc:
                    problems.append(f"{row['label']}：{_error_text(exc)}")
                    # Keep what was typed in the wrong cell and say what is wrong next to it.
                    typed[(row["prefix"], item.pk)] = value
                    wrong[(row["prefix"], item.pk)] = _error_text(exc)
        if not problems:
            messages.success(request, _("已保存 %(n)s 个评分。") % {"n": saved})
            return redirect("competitions:judge_sheet", group.pk)
        if saved:
            messages.success(request, _("已保存 %(n)s 个评分。") % {"n": saved})
        messages.error(request, _("%(n)s 个评分有误，未保存，已在表中标出，请改正后再保存。") % {"n": len(problems)})
        own = {
            (selectors.mark_key(m.registration_id, m.team_id), m.item_id): m.value
            for m in Mark.objects.filter(judge=request.user, item__in=items)
        }
    for row in rows:
        row["cells"] = [
            {
                "item": item,
                "value": typed.get((row["prefix"], item.pk), own.get((row["key"], item.pk), "")),
                "error": wrong.get((row["prefix"], item.pk), ""),
            }
            for item in items
        ]
    labels = {row["key"]: row["label"] for row in rows}
    flagged = []
    if assignment.is_chief:
        for found in selectors.disagreements(group):
            key = selectors.mark_key(found.registration_id, found.team_id)
            flagged.append({"item": found.item, "low": found.low, "high": found.high, "label": labels.get(key, "")})
    context = {
        "group": group,
        "contest": group.contest,
        "assignment": assignment,
        "items": items,
        "rows": rows,
        "signed": signed,
        "flagged": flagged,
        "missing": selectors.missing_marks(group) if assignment.is_chief else 0,
        "judgement": ItemKind.JUDGEMENT,
        "team_contest": selectors.is_team_contest(group.contest),
        "check_in": bool(rows) and all(row["check_in"] for row in rows),
        "appeals": (
            Appeal.objects.filter(registration__event_group=group).select_related("registration__person")
            if assignment.is_arbiter
            else []
        ),
    }
    return render(request, "competitions/judge_sheet.html", context, status=400 if wrong else 200)


def _as_decimal(value: str) -> Decimal | None:
    try:
        return Decimal(value)
    except ArithmeticError:
        return None
