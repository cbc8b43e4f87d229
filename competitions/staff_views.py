"""Thin views of contest staff: the organizer's staff page (invite, revoke, resend, remove, see
recusals), the invitation page a link opens (accept, decline, or activate an account and
accept), and the signed-in person's own pending invitations. Input through
`competitions.forms`, changes through `competitions.actions`, what is offered from
`competitions.selectors`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest, user_or_none
from accounts.models import User
from accounts.signals import client_ip
from accounts.sms import SmsError
from competitions import actions, selectors
from competitions.forms import (
    ActivationForm,
    InvitationAnswerForm,
    InvitationChoiceForm,
    StaffInviteForm,
    StaffRemoveForm,
)
from competitions.models import Contest, InvitationStatus, JudgeAssignment, StaffInvitation, StaffRole
from config.bad_input import refusal_text


def _render_staff(
    request: AuthenticatedHttpRequest, contest: Contest, *, form: StaffInviteForm | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "contest": contest,
        "staff": selectors.staff_overview(contest),
        "recusals": selectors.staff_recusals(contest),
        "form": form or StaffInviteForm(contest=contest),
    }
    return render(request, "competitions/staff.html", context, status=status)


@login_required
def staff_page(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Managers of the contest only (404 for anyone else)."""
    contest = selectors.access_managed_contest(slug, request.user)
    return _render_staff(request, contest)


def _sent_message(request: HttpRequest, sent: actions.SentInvitation, verb: str) -> None:
    invitation = sent.invitation
    if sent.sms_error:
        messages.warning(
            request,
            _("%(v)s，但短信未能发出（%(e)s）。请把邀请链接转给 %(n)s：%(u)s")
            % {"v": verb, "e": sent.sms_error, "n": invitation.real_name, "u": sent.url},
        )
    else:
        messages.success(
            request,
            _("%(v)s：已向 %(m)s 发送短信。也可以把邀请链接转给 %(n)s：%(u)s")
            % {"v": verb, "m": invitation.mobile_masked, "n": invitation.real_name, "u": sent.url},
        )


@login_required
@require_POST
def staff_op(request: AuthenticatedHttpRequest, slug: str, op: str) -> HttpResponse:
    """One button of the staff page: invite (a refused invitation re-shows the form as typed,
    400), revoke or resend a pending invitation, remove a co-organizer or a judge."""
    contest = selectors.access_managed_contest(slug, request.user)
    back = redirect("competitions:staff", contest.slug)
    if op == "invite":
        form = StaffInviteForm(request.POST, contest=contest)
        if form.is_valid():
            data = form.cleaned_data
            try:
                sent = actions.invite_staff(
                    contest,
                    actor=request.user,
                    mobile=data["mobile"],
                    real_name=data["real_name"],
                    role=data["role"],
                    event_groups=list(data["event_groups"]),
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for name, errors in exc.message_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                _sent_message(request, sent, _("邀请已创建"))
                return back
        messages.error(request, _("邀请未发出，请按提示修改后再试。"))
        return _render_staff(request, contest, form=form, status=400)
    try:
        if op in ("revoke", "resend"):
            choice = InvitationChoiceForm(request.POST, invitations=contest.staff_invitations.all())
            if not choice.is_valid():
                raise ValidationError(_("找不到该邀请，请刷新页面后再试。"))
            invitation = choice.cleaned_data["invitation"]
            if op == "revoke" and not choice.cleaned_data["confirm"] and invitation.status == InvitationStatus.PENDING:
                return _confirm(request, contest, "revoke", invitation=invitation)
            if op == "revoke":
                actions.revoke_invitation(invitation, actor=request.user)
                messages.success(request, _("邀请已撤销，链接已失效。"))
            else:
                _sent_message(request, actions.resend_invitation(invitation, actor=request.user), _("邀请已重发"))
        elif op == "remove":
            removal = StaffRemoveForm(request.POST, contest=contest)
            if not removal.is_valid():
                raise ValidationError(_("找不到该人员，请刷新页面后再试。"))
            if not removal.cleaned_data["confirm"]:
                return _confirm(
                    request,
                    contest,
                    "remove",
                    organizer=removal.cleaned_data["organizer"],
                    assignment=removal.cleaned_data["assignment"],
                )
            if removal.cleaned_data["organizer"] is not None:
                actions.remove_co_organizer(contest, removal.cleaned_data["organizer"], actor=request.user)
            else:
                actions.remove_judge(removal.cleaned_data["assignment"], actor=request.user)
            messages.success(request, _("已移除。"))
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal_text(exc))
    return back


def _confirm(
    request: AuthenticatedHttpRequest,
    contest: Contest,
    op: str,
    *,
    invitation: StaffInvitation | None = None,
    organizer: User | None = None,
    assignment: JudgeAssignment | None = None,
) -> HttpResponse:
    """撤销 and 移除 first show what they will do (who, which role and groups, what follows) and
    act only on a second POST carrying confirm=1 from this page, as 公布成绩 does. Works without
    JavaScript. A judge who has marked cannot be removed: the page says so and offers no button."""
    context = {
        "contest": contest,
        "op": op,
        "invitation": invitation,
        "groups": list(invitation.event_groups.all()) if invitation is not None else [],
        "organizer": organizer,
        "assignment": assignment,
        "problem": selectors.judge_removal_problem(assignment) if assignment is not None else "",
    }
    return render(request, "competitions/confirm_staff.html", context)


def _landing(invitation: StaffInvitation) -> HttpResponse:
    """Where an accepted invitation leads: the contest console, or the judge's list of groups."""
    if invitation.role == StaffRole.CO_ORGANIZER:
        return redirect("competitions:console", invitation.contest.slug)
    return redirect("competitions:judge")


def _accepted_message(request: HttpRequest, invitation: StaffInvitation) -> None:
    messages.success(
        request,
        _("已接受邀请，您现在是“%(c)s”的%(r)s。") % {"c": invitation.contest.title, "r": invitation.get_role_display()},
    )


def invitation_page(request: HttpRequest, token: str) -> HttpResponse:
    """What the invitation link opens. Signed in with the invited number: 接受 / 谢绝. Signed
    in with another number: which number it is for, and sign-out. Anonymous with an account:
    sign in (back here). Anonymous without one: activate an account and accept in one form."""
    invitation = selectors.access_invitation(token)
    viewer = user_or_none(request)
    view = selectors.invitation_view(invitation, viewer)
    here = reverse("competitions:invitation", args=[token])
    form = ActivationForm(initial={"real_name": invitation.real_name}, mobile=invitation.mobile)
    status = 200
    if request.method == "POST" and view.state == "answer" and viewer is not None:
        return _answer(request, invitation, viewer, back=here)
    if request.method == "POST" and view.state == "activate":
        if "send_code" in request.POST:
            kept = {"real_name": request.POST.get("real_name", "")[:50] or invitation.real_name}
            form = ActivationForm(initial=kept, mobile=invitation.mobile)
            try:
                actions.send_activation_code(invitation, ip=client_ip(request))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            except SmsError as exc:
                messages.error(request, str(exc) or _("短信发送失败，请稍后再试。"))
            else:
                messages.info(request, _("验证码已发送到 %(m)s。") % {"m": invitation.mobile_masked})
        else:
            form = ActivationForm(request.POST, mobile=invitation.mobile)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    user = actions.activate_and_accept(
                        invitation,
                        real_name=data["real_name"],
                        password=data["password1"],
                        sms_code=data["sms_code"],
                        ip=client_ip(request),
                    )
                except (ValidationError, PermissionDenied) as exc:
                    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
                        for name, errors in exc.message_dict.items():
                            form.add_error(name if name in form.fields else None, errors)
                    else:
                        form.add_error(None, refusal_text(exc))
                else:
                    login(request, user, backend="accounts.backends.MobileBackend")
                    invitation.refresh_from_db()
                    messages.success(request, _("账户已激活，欢迎加入数智英才！"))
                    _accepted_message(request, invitation)
                    return _landing(invitation)
            status = 400
    elif request.method == "POST":
        status = 400
        messages.error(request, _("该邀请当前不能这样处理，请看页面上的说明。"))
    context: dict[str, Any] = {
        "invitation": invitation,
        "view": view,
        "groups": list(invitation.event_groups.all()),
        "form": form,
        "login_url": reverse("accounts:login") + "?" + urlencode({"next": here}),
        "here": here,
    }
    return render(request, "competitions/invitation.html", context, status=status)


def _answer(request: HttpRequest, invitation: StaffInvitation, user: Any, *, back: str) -> HttpResponse:
    form = InvitationAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择接受或谢绝。"))
        return redirect(back)
    try:
        if form.cleaned_data["decision"] == "accept":
            invitation = actions.accept_invitation(invitation, user=user)
        else:
            actions.decline_invitation(invitation, user=user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal_text(exc))
        return redirect(back)
    if form.cleaned_data["decision"] == "accept":
        _accepted_message(request, invitation)
        return _landing(invitation)
    messages.info(request, _("已谢绝该邀请。"))
    return redirect(back)


@login_required
def my_invitations(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in person's open invitations (to her login number), answered here too."""
    pending = selectors.pending_invitations_for(request.user)
    if request.method == "POST":
        choice = InvitationChoiceForm(request.POST, invitations=pending)
        if not choice.is_valid():
            messages.error(request, _("找不到该邀请，它可能已过期或被撤销。"))
            return redirect("competitions:invitations")
        return _answer(
            request, choice.cleaned_data["invitation"], request.user, back=reverse("competitions:invitations")
        )
    return render(
        request,
        "competitions/invitations.html",
        {"pending": pending, "decided": selectors.decided_invitations_for(request.user)},
    )
