"""Pages for talent. Thin: parse input, call a selector or an action, render."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.actions import audit
from accounts.choices import Role
from accounts.http import AuthenticatedHttpRequest, user_or_none
from accounts.models import Organization, Region
from accounts.ratelimits import AddressLimit, certificate_lookups
from accounts.signals import client_ip
from config.bad_input import form_errors, invalid_input
from talent import actions, charts, kpi, selectors
from talent.forms import (
    AnswerForm,
    CandidateActionForm,
    ConsentForm,
    DashboardFilterForm,
    DecisionForm,
    DeletionRequestForm,
    DemandForm,
    InviteForm,
    LeaderboardForm,
    ObjectionDecisionForm,
    ObjectionForm,
    PlanItemDoneForm,
    PlanItemForm,
    ReasonForm,
    RoundActionForm,
    RoundForm,
    StatusFilterForm,
    TargetForm,
    VerifyForm,
)
from talent.formula import formula
from talent.matching import rank_for
from talent.models import (
    NOTICE_PUBLISHED,
    CandidateStatus,
    DeletionStatus,
    EvaluationStatus,
    KpiMetric,
    Match,
    Objection,
    SelectionRound,
)

ADMINS = (Role.PROVINCE_ADMIN, Role.CITY_ADMIN)


View = TypeVar("View", bound=Callable[..., HttpResponse])


def roles_required(*roles: str) -> Callable[[View], View]:
    """`login_required` plus a role check (403 without one of `roles`): the view may annotate its
    request as `AuthenticatedHttpRequest`."""

    def decorator(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapped(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        # The wrapper takes what the view takes and returns what it returns.
        return cast(View, wrapped)

    return decorator


def _errors(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    if isinstance(exc, ValidationError):
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(exc) or _("您无权执行此操作。"))


def _form_errors(request: HttpRequest, form: Any) -> None:
    """A posted form the page cannot show again (buttons, hidden values): its errors as messages."""
    for message in form_errors(form):
        messages.error(request, message)


# --- Public --------------------------------------------------------------------------------------


def leaderboard(request: HttpRequest) -> HttpResponse:
    form = LeaderboardForm(request.GET)
    if not form.is_valid():
        return invalid_input(request, form)
    board = selectors.valid_board(form.cleaned_data["board"] or "province")
    n = form.cleaned_data["n"] or 50
    me = None
    if request.user.is_authenticated:
        me = selectors.my_rank(request.user, board)
    return render(
        request,
        "talent/leaderboard.html",
        {
            "board": board,
            "board_label": selectors.board_label(board),
            "choices": selectors.board_choices(),
            "rows": selectors.leaderboard(board, n, user_or_none(request)),
            "me": me,
            "n": n,
        },
    )


def formula_page(request: HttpRequest) -> HttpResponse:
    return render(request, "talent/formula.html", {"f": formula()})


# Public and exact (the whole verify code): one per-address budget against guessing codes.
@certificate_lookups("talent.certificates")
def verify(request: HttpRequest, code: str = "") -> HttpResponse:
    form = VerifyForm(request.GET)
    if not form.is_valid():
        return invalid_input(request, form)
    code = code or form.cleaned_data["code"]
    evaluation = selectors.verify_certificate(code) if code else None
    return render(request, "talent/verify.html", {"code": code, "evaluation": evaluation})


# Objections one client address may post a day across all rounds (people share addresses behind
# an enterprise's NAT, so this is above the per-person limit; see talent.actions.file_objection).
OBJECTIONS_PER_ADDRESS = AddressLimit(
    "talent.objections",
    "10/d",
    gettext_lazy("本网络今天提交的异议已达上限，请明天再试；如有紧急情况请联系省级管理员。"),
    retry_after=86400,
)


def notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The public notice (公示) of a round's approved list. Signed-in people object under their
    real name; anonymous visitors see a link to sign in first."""
    selection = get_object_or_404(SelectionRound, pk=pk, status__in=NOTICE_PUBLISHED)
    listed = selection.candidates.filter(status__in=(CandidateStatus.APPROVED, CandidateStatus.FINAL)).select_related(
        "person", "city", "person__organization"
    )
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = ObjectionForm(request.POST or None, listed=listed)
    if request.method == "POST" and form.is_valid():
        refused = OBJECTIONS_PER_ADDRESS.refused(request)
        if refused is not None:
            audit(user_or_none(request), "shortlist.objection_limited", selection, ip=client_ip(request))
            return refused
        candidate = form.cleaned_data["candidate"]
        try:
            actions.file_objection(candidate, text=form.cleaned_data["text"], filed_by=user_or_none(request))
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("异议已提交，将由省级管理员核实处理。"))
            return redirect("talent:notice", pk=pk)
    return render(request, "talent/notice.html", {"selection": selection, "listed": listed, "form": form})


# --- The person's own page ------------------------------------------------------------------------


@login_required
def me(request: AuthenticatedHttpRequest) -> HttpResponse:
    index, components, items = selectors.breakdown(request.user)
    profile = selectors.profile_of(request.user)
    return render(
        request,
        "talent/me.html",
        {
            "index": index,
            "components": components,
            "items": items,
            "profile": profile,
            "boards": selectors.my_boards(request.user),
            "evaluations": request.user.evaluations.all(),
            "matches": selectors.matches_of(request.user),
            "deletions": request.user.talent_deletions.all(),
        },
    )


@login_required
@require_POST
def consent(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ConsentForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("talent:me")
    granted = form.cleaned_data["granted"]
    try:
        actions.set_consent(request.user, form.cleaned_data["kind"], granted, ip=client_ip(request))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("授权设置已更新。") if granted else _("已撤回授权。"))
    return redirect("talent:me")


@login_required
def my_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    data = selectors.personal_data(request.user)
    audit(request.user, "talent.data_download", request.user, ip=client_ip(request))
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="my-talent-data.json"'
    return response


@login_required
def privacy(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's own data: what is held, what a deletion keeps, download, deletion requests."""
    deletions = list(request.user.talent_deletions.all())
    return render(
        request,
        "talent/privacy.html",
        {
            "held": selectors.data_held(request.user),
            "deletions": deletions,
            "pending": any(d.status == DeletionStatus.PENDING for d in deletions),
            "profile": selectors.profile_of(request.user),
        },
    )


@login_required
@require_POST
def deletion(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DeletionRequestForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("talent:privacy")
    try:
        actions.request_deletion(request.user, note=form.cleaned_data["note"])
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("删除申请已提交：公开展示和企业对接授权已撤回，其余数据将由管理员依规处理。"))
    return redirect("talent:privacy")


@roles_required(*ADMINS)
def deletions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Deletion requests of the people the admin is responsible for, with what each would erase."""
    form = StatusFilterForm(request.GET, statuses=DeletionStatus.choices)
    if not form.is_valid():
        return invalid_input(request, form)
    status = form.cleaned_data["status"] or DeletionStatus.PENDING
    found = list(selectors.deletions_to_decide(request.user).filter(status=status)[:100])
    # What a decision would erase matters only while it is still to be made.
    held = selectors.data_held_by_person([d.person_id for d in found]) if status == DeletionStatus.PENDING else {}
    rows = [(d, held.get(d.person_id, [])) for d in found]
    return render(
        request, "talent/deletions.html", {"rows": rows, "status": status, "statuses": DeletionStatus.choices}
    )


@roles_required(*ADMINS)
@require_POST
def decide_deletion(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = selectors.access_deletion(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("talent:deletions")
    try:
        actions.decide_deletion(
            found, actor=request.user, approve=form.cleaned_data["approve"], reason=form.cleaned_data["reason"]
        )
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        messages.success(request, found.outcome)
    return redirect("talent:deletions")


@login_required
@require_POST
def answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    match = get_object_or_404(Match, pk=pk, person=request.user)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("talent:me")
    try:
        actions.answer_match(match, person=request.user, accept=form.cleaned_data["accept"])
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    return redirect("talent:me")


# --- Evaluations ---------------------------------------------------------------------------------


@roles_required(*ADMINS)
def evaluations(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = StatusFilterForm(request.GET, statuses=EvaluationStatus.choices)
    if not form.is_valid():
        return invalid_input(request, form)
    status = form.cleaned_data["status"] or EvaluationStatus.PENDING
    rows = selectors.evaluations_to_decide(request.user).filter(status=status)[:200]
    return render(
        request,
        "talent/evaluations.html",
        {"rows": rows, "status": status, "statuses": EvaluationStatus.choices, "form": ReasonForm()},
    )


@roles_required(*ADMINS)
@require_POST
def decide_evaluation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    evaluation = selectors.access_evaluation(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("talent:evaluations")
    reason = form.cleaned_data["reason"]
    try:
        if form.cleaned_data["approve"]:
            actions.approve_evaluation(evaluation, actor=request.user, reason=reason)
            messages.success(
                request, _("已通过：%(p)s %(s)s") % {"p": evaluation.person, "s": evaluation.subject_display}
            )
        else:
            actions.reject_evaluation(evaluation, actor=request.user, reason=reason)
            messages.success(request, _("已驳回。"))
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    return redirect("talent:evaluations")


# --- Shortlist -----------------------------------------------------------------------------------


@roles_required(*ADMINS)
def rounds(request: AuthenticatedHttpRequest) -> HttpResponse:
    is_province = request.user.has_role(Role.PROVINCE_ADMIN)
    form = RoundForm(request.POST or None) if is_province else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            selection = actions.create_round(
                actor=request.user,
                year=data["year"],
                name=data["name"],
                quotas={c.pk: data["quota"] for c in selectors.admin_cities(request.user)},
                min_level=data["min_level"],
                min_index=data["min_index"],
                min_awards=data["min_awards"],
                required_categories=data["required_categories"],
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            return redirect("talent:round", pk=selection.pk)
    listing = SelectionRound.objects.annotate(n=Count("candidates"))
    return render(request, "talent/rounds.html", {"rounds": listing, "form": form})


@roles_required(*ADMINS)
def round_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    selection = selectors.access_round(request.user, pk)
    form = StatusFilterForm(request.GET, statuses=CandidateStatus.choices)
    if not form.is_valid():
        return invalid_input(request, form)
    candidates = selectors.candidates_for(request.user, selection)
    status = form.cleaned_data["status"]
    if status:
        candidates = candidates.filter(status=status)
    objections = list(
        Objection.objects.filter(candidate__in=candidates).select_related("candidate__person", "filed_by")
    )
    shown = list(candidates[:300])
    moves = selectors.candidate_moves(request.user, shown)
    objection_moves = selectors.objection_moves(request.user, objections)
    return render(
        request,
        "talent/round.html",
        {
            "selection": selection,
            "candidates": [(c, moves[c.pk]) for c in shown],
            "quotas": selectors.places_used(selection, request.user),
            "objections": [(o, objection_moves[o.pk]) for o in objections],
            "round_moves": selectors.round_moves(request.user, selection),
            "status": status,
            "statuses": CandidateStatus.choices,
            "notice_form": RoundActionForm(),
        },
    )


@roles_required(*ADMINS)
@require_POST
def round_action(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    selection = selectors.access_round(request.user, pk)
    form = RoundActionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("talent:round", pk=pk)
    what = form.cleaned_data["do"]
    try:
        if what == "generate":
            n = actions.generate_candidates(selection, actor=request.user)
            messages.success(request, _("已生成候选人 %(n)s 名。") % {"n": n})
        elif what == "notice":
            actions.start_notice(selection, actor=request.user, days=form.cleaned_data["days"] or 5)
            messages.success(request, _("名单已进入公示。"))
        else:
            finals = actions.finalize_round(selection, actor=request.user)
            messages.success(request, _("最终名单已确定，共 %(n)s 人。") % {"n": len(finals)})
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    return redirect("talent:round", pk=pk)


@roles_required(*ADMINS)
@require_POST
def candidate_action(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.access_candidate(request.user, pk)
    form = CandidateActionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("talent:round", pk=candidate.round_id)
    what, reason = form.cleaned_data["do"], form.cleaned_data["reason"]
    try:
        if what == "nominate":
            actions.nominate_candidate(candidate, actor=request.user, reason=reason)
        elif what == "decline":
            actions.decline_candidate(candidate, actor=request.user, reason=reason)
        else:
            actions.review_candidate(candidate, actor=request.user, approve=what == "approve", reason=reason)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已处理：%(p)s") % {"p": candidate.person})
    return redirect("talent:round", pk=candidate.round_id)


@roles_required(Role.PROVINCE_ADMIN)
@require_POST
def objection_action(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Uphold or dismiss an objection (upheld=1/0), or remove it as spam (spam=1); all with a reason."""
    objection = get_object_or_404(Objection.objects.select_related("candidate"), pk=pk)
    form = ObjectionDecisionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("talent:round", pk=objection.candidate.round_id)
    resolution = form.cleaned_data["resolution"]
    try:
        if form.cleaned_data["spam"]:
            actions.remove_objection(objection, actor=request.user, reason=resolution)
        else:
            actions.resolve_objection(
                objection, actor=request.user, upheld=form.cleaned_data["upheld"], resolution=resolution
            )
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    return redirect("talent:round", pk=objection.candidate.round_id)


@roles_required(*ADMINS)
def plan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.access_candidate(request.user, pk)
    if request.method == "POST" and "done" in request.POST:  # an item's "标记完成" button
        done = PlanItemDoneForm(request.POST, items=candidate.plan_items.all())
        if not done.is_valid():
            _form_errors(request, done)
            return redirect("talent:plan", pk=pk)
        try:
            actions.complete_plan_item(done.cleaned_data["done"], actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        return redirect("talent:plan", pk=pk)
    form = PlanItemForm(request.POST or None)
    if request.method == "POST":
        try:
            if form.is_valid():
                actions.add_plan_item(candidate, actor=request.user, **form.cleaned_data)
            else:
                raise ValidationError(_("请检查填写内容。"))
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            return redirect("talent:plan", pk=pk)
    return render(
        request, "talent/plan.html", {"candidate": candidate, "items": candidate.plan_items.all(), "form": form}
    )


# --- Demand matching -----------------------------------------------------------------------------


@roles_required(Role.ENTERPRISE_ADMIN, Role.CITY_ADMIN, Role.PROVINCE_ADMIN)
def demands(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = None
    org: Organization | None = None
    if request.user.has_role(Role.ENTERPRISE_ADMIN):
        _everything, _regions, orgs = selectors.scope_for(request.user)
        org = Organization.objects.filter(pk__in=orgs).first()
        form = DemandForm(request.POST or None, initial={"city": org.region.city if org else None})
    if form is not None and org is not None and request.method == "POST" and form.is_valid():
        try:
            demand = actions.post_demand(actor=request.user, organization=org, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            return redirect("talent:demand", pk=demand.pk)
    rows = selectors.demands_visible_to(request.user).annotate(n=Count("matches"))[:200]
    return render(request, "talent/demands.html", {"rows": rows, "form": form, "org": org})


@roles_required(Role.ENTERPRISE_ADMIN, Role.CITY_ADMIN, Role.PROVINCE_ADMIN)
def demand_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    demand = selectors.access_demand(request.user, pk)
    can_invite = request.user.has_role(Role.ENTERPRISE_ADMIN)
    if request.method == "POST" and can_invite:
        form = InviteForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return redirect("talent:demand", pk=pk)
        try:
            actions.invite_match(demand, form.cleaned_data["person"], actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("邀请已发出，对方接受后可查看联系方式。"))
        return redirect("talent:demand", pk=pk)
    invited = {m.person_id: m for m in demand.matches.select_related("person")}
    ranked = rank_for(demand) if can_invite else []
    contacts = {}
    if can_invite:
        for match in invited.values():
            if selectors.contact_visible(match):
                contacts[match.pk] = actions.reveal_contact(match, viewer=request.user)
    return render(
        request,
        "talent/demand.html",
        {
            "demand": demand,
            "ranked": [(c, invited.get(c.profile.person_id)) for c in ranked],
            "matches": list(invited.values()),
            "contacts": contacts,
            "can_invite": can_invite,
            "mask": selectors.mask_name,
        },
    )


# --- KPI dashboard -------------------------------------------------------------------------------


def _dashboard_scope(request: AuthenticatedHttpRequest) -> tuple[Region | None, list[Region]]:
    """(the city shown, or None for the province; the cities the viewer may choose from).
    Raises BadRequest (a 400) for a city the query names that is not the viewer's."""
    cities = selectors.admin_cities(request.user)
    if request.user.has_role(Role.PROVINCE_ADMIN) or request.user.is_superuser:
        form = DashboardFilterForm(request.GET, cities=cities)
        if not form.is_valid():
            raise BadRequest("；".join(form_errors(form)))
        city = next((c for c in cities if c.pk == form.cleaned_data["city"]), None)
        return city, cities
    if not cities:
        raise PermissionDenied
    return cities[0], cities[:1]


@roles_required(*ADMINS)
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        city, cities = _dashboard_scope(request)
    except BadRequest as exc:
        return render(request, "400.html", {"errors": [str(exc)]}, status=400)
    board = kpi.build(city, cities)
    year = min(max(timezone.now().year, kpi.YEARS[0]), kpi.YEARS[-1])
    metrics = list(KpiMetric)
    headline = [(row, charts.table_rows([row])[0]) for row in (board.rows[(year, str(m))] for m in metrics)]
    chart_list = [
        (m.label, charts.bars(str(m.label), board.series(str(m))), charts.table_rows(board.series(str(m))))
        for m in metrics
    ]
    form = TargetForm(request.POST or None) if request.user.has_role(Role.PROVINCE_ADMIN) else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            actions.set_kpi_target(actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("目标已更新。"))
            return redirect(request.get_full_path())
    return render(
        request,
        "talent/dashboard.html",
        {
            "board": board,
            "city": city,
            "cities": cities,
            "year": year,
            "headline": headline,
            "charts": chart_list,
            "years": kpi.YEARS,
            "metrics": metrics,
            "form": form,
            "is_province": request.user.has_role(Role.PROVINCE_ADMIN),
        },
    )
