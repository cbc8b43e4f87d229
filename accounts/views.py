from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.http import require_POST

from accounts import actions, login_throttle, selectors
from accounts import home as home_panels
from accounts.choices import Role
from accounts.forms import (
    EmploymentDecisionForm,
    EmploymentRequestForm,
    EndEmploymentForm,
    IdentityResolveForm,
    LoginForm,
    MobileChangeForm,
    NextForm,
    PeopleSearchForm,
    ProfileForm,
    RegistrationForm,
    SendCodeForm,
    UnlockForm,
)
from accounts.http import AuthenticatedHttpRequest, signed_in_user, user_or_none
from accounts.models import SmsPurpose
from accounts.signals import client_ip
from accounts.sms import SmsError
from config.bad_input import form_errors, invalid_input

ADMIN_ROLES = (Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.ENTERPRISE_ADMIN, Role.MENTOR)


def _send_code(request: HttpRequest, form: SendCodeForm, purpose: str) -> None:
    """Send a code for the "获取验证码" button (a plain submit button: works without JS) and tell
    the person, in a message, that it is on its way or what went wrong."""
    if not form.is_valid():
        messages.error(request, " ".join(form_errors(form)))
        return
    try:
        actions.send_sms_code(form.cleaned_data["mobile"], purpose, ip=client_ip(request), actor=user_or_none(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except SmsError as exc:
        messages.error(request, str(exc) or _("短信发送失败，请稍后再试。"))
    else:
        messages.info(request, _("验证码已发送，%(m)s 分钟内有效。") % {"m": actions.sms_code_minutes()})


def register(request: HttpRequest) -> HttpResponse:
    """Registration in one form: "获取验证码" posts it to send the code to the mobile number (the
    other fields are kept, passwords excepted); "注册" checks the code, then creates the account."""
    if request.user.is_authenticated:
        return redirect("me:home")
    if request.method == "POST" and "send_code" in request.POST:
        # What was typed comes back as the form's initial values (passwords excepted), unchecked:
        # the registration itself is validated when "注册" is pressed.
        kept = {k: v for k, v in request.POST.items() if k not in ("password1", "password2", "csrfmiddlewaretoken")}
        _send_code(request, SendCodeForm(request.POST), SmsPurpose.REGISTER)
        return render(request, "accounts/register.html", {"form": RegistrationForm(initial=kept)})
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.verify_sms_code(data["mobile"], SmsPurpose.REGISTER, data["sms_code"], ip=client_ip(request))
            user = actions.register_user(
                mobile=data["mobile"],
                real_name=data["real_name"],
                password=data["password1"],
                id_number=data["id_number"] or None,
                region=data["region"],
                job_group=data["job_group"],
                industry=data["industry"] or (data["organization"].industry if data["organization"] else ""),
                ip=client_ip(request),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            # The organization chosen here is a request its enterprise admin accepts, not an employment.
            if data["organization"] is not None:
                actions.request_employment(user, data["organization"], ip=client_ip(request))
            login(request, user, backend="accounts.backends.MobileBackend")
            messages.success(request, _("注册成功，欢迎加入数智英才！"))
            if data["id_number"]:
                messages.info(request, actions.ID_SUBMITTED_MESSAGE)
            if data["organization"] is not None:
                messages.info(request, _("加入单位的申请已提交，该单位的企业管理员确认后生效。"))
            return redirect("me:home")
    return render(request, "accounts/register.html", {"form": form})


class LoginView(auth_views.LoginView):
    """The one login page. Throttling and lockout happen inside `authenticate` (django-axes).

    The language follows the person: one chosen on this device before signing in becomes theirs
    (the latest choice); otherwise the one they chose elsewhere is set on this device.
    """

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        person = form.get_user()
        here = self.request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if actions.is_offered(here):
            actions.set_language(person, here)
        elif person.language:
            _set_language_cookie(response, person.language)
        return response


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    # As django.views.i18n.set_language sets it.
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def set_language(request: HttpRequest) -> HttpResponse:
    """The header's language switch (Django's view), remembered for a signed-in person: their
    notices are then written in it."""
    response = i18n_views.set_language(request)
    language = request.POST.get(i18n_views.LANGUAGE_QUERY_PARAMETER, "")
    if request.method == "POST" and request.user.is_authenticated and actions.is_offered(language):
        actions.set_language(signed_in_user(request), language)
    return response


def login_elsewhere(request: HttpRequest) -> HttpResponse:
    """The Wagtail admin, Django admin and Wagtail front-end login URLs lead to the one login page.

    Nothing is authenticated here (a POST's password is dropped), so there is one door to
    throttle and audit; a safe `next` is carried over so the person lands where they meant to go.
    """
    form = NextForm(request.GET)
    target = form.cleaned_data["next"] if form.is_valid() else ""
    url = reverse("accounts:login")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        url += "?" + urlencode({"next": target})
    return redirect(url)


@login_required
def lockouts(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Province admins: current login lockouts, each with an audited unlock button."""
    if not request.user.has_role(Role.PROVINCE_ADMIN):
        raise PermissionDenied(_("只有省级管理员可以查看和解除登录锁定。"))
    if request.method == "POST":
        form = UnlockForm(request.POST)
        if form.is_valid():
            found = form.cleaned_data["lock"]
            login_throttle.unlock(
                request.user,
                kind=found["kind"],
                account=found["account"],
                address=found["address"],
                ip=client_ip(request),
            )
            messages.success(request, _("已解除锁定。"))
        else:
            messages.error(request, " ".join(str(message) for message in form.errors.get("lock", [])))
        return redirect("accounts:lockouts")
    return render(request, "accounts/lockouts.html", {"lockouts": login_throttle.current_lockouts()})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        user = signed_in_user(self.request)
        actions.audit(user, "account.password_change", user, ip=client_ip(self.request))
        messages.success(self.request, _("密码已修改。"))
        return response


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in form.Meta.fields}
        if form.cleaned_data.get("id_number"):
            fields["id_number"] = form.cleaned_data["id_number"]
        try:
            actions.update_profile(user, actor=user, ip=client_ip(request), **fields)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("个人资料已保存。"))
            if "id_number" in fields:  # the same words whether or not the number was free
                messages.info(request, actions.ID_SUBMITTED_MESSAGE)
            return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "grants": user.role_grants.select_related("region", "organization"),
            "employment_form": EmploymentRequestForm(),
            "employment_requests": selectors.employment_requests_of(user)[:5],
            "identity_decisions": selectors.identity_decisions_of(user),
        },
    )


@login_required
@require_POST
def employment_request(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person asks to join (or move to) an organization; its enterprise admin decides."""
    form = EmploymentRequestForm(request.POST)
    if form.is_valid():
        try:
            actions.request_employment(request.user, form.cleaned_data["organization"], ip=client_ip(request))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("申请已提交，该单位的企业管理员确认后，您的工作单位才会变更。"))
    else:
        messages.error(request, _("请选择要加入的单位后再提交。"))
    return redirect("accounts:profile")


@login_required
@require_POST
def employment_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = selectors.employment_requests_of(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    try:
        actions.withdraw_employment_request(found, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("申请已撤回。"))
    return redirect("accounts:profile")


@login_required
def employment_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """An enterprise admin's queue of people asking to join her organization."""
    if not (request.user.has_role(Role.ENTERPRISE_ADMIN, Role.PROVINCE_ADMIN)):
        raise PermissionDenied(_("只有企业管理员可以处理加入本单位的申请。"))
    page = Paginator(selectors.employment_queue(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "accounts/employment_queue.html", {"page": page})


@login_required
@require_POST
def employment_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = selectors.access_employment_request(request.user, pk)
    form = EmploymentDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请求无效，请在申请列表中点击“确认”或“拒绝”。"))
        return redirect("accounts:employment_queue")
    accept = form.cleaned_data["decision"] == "accept"
    try:
        actions.decide_employment_request(
            found, actor=request.user, accept=accept, reason=form.cleaned_data["reason"], ip=client_ip(request)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        name = found.person.real_name
        messages.success(
            request, (_("已确认 %(n)s 加入本单位。") if accept else _("已拒绝 %(n)s 的申请。")) % {"n": name}
        )
    return redirect("accounts:employment_queue")


@login_required
@require_POST
def person_leave(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An enterprise admin records that one of her organization's people has left."""
    person = selectors.access_person(request.user, pk)
    form = EndEmploymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写离职原因。"))
        return redirect("accounts:person", pk=person.pk)
    try:
        actions.end_employment(person, actor=request.user, reason=form.cleaned_data["reason"], ip=client_ip(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已登记 %(n)s 离职。") % {"n": person.real_name})
    return redirect("accounts:people")


@login_required
def mobile_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new login number, proved by a code sent to it and confirmed with the current password."""
    user = request.user
    if request.method == "POST" and "send_code" in request.POST:
        send = SendCodeForm(request.POST)
        _send_code(request, send, SmsPurpose.CHANGE_MOBILE)
        form = MobileChangeForm(initial={"mobile": send.cleaned_data.get("mobile", "")})
        return render(request, "accounts/mobile_change.html", {"form": form})
    form = MobileChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Through authenticate(), not check_password(): the login throttle counts a wrong
        # password here too, so a borrowed session cannot guess the password without limit.
        if getattr(authenticate(request, username=user.mobile, password=data["password"]), "pk", None) != user.pk:
            form.add_error("password", _("当前密码不正确。"))
        else:
            try:
                actions.verify_sms_code(
                    data["mobile"], SmsPurpose.CHANGE_MOBILE, data["sms_code"], ip=client_ip(request), actor=user
                )
                actions.change_mobile(user, data["mobile"], ip=client_ip(request))
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("手机号已更换，下次请用新手机号登录。"))
                return redirect("accounts:profile")
    return render(request, "accounts/mobile_change.html", {"form": form})


@login_required
def identity_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A province admin's queue of ID numbers submitted while another account held them."""
    if not request.user.has_role(Role.PROVINCE_ADMIN):
        raise PermissionDenied(_("只有省级管理员可以处理身份证号核验。"))
    page = Paginator(selectors.identity_conflicts_open(), 25).get_page(request.GET.get("page"))
    rows = [(conflict, list(selectors.identity_holders(conflict))) for conflict in page]
    return render(request, "accounts/identity_queue.html", {"page": page, "rows": rows, "form": IdentityResolveForm()})


@login_required
@require_POST
def identity_resolve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_role(Role.PROVINCE_ADMIN):
        raise PermissionDenied(_("只有省级管理员可以处理身份证号核验。"))
    conflict = selectors.access_identity_conflict(request.user, pk)
    form = IdentityResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择处理结果并填写处理说明。"))
        return redirect("accounts:identity_queue")
    try:
        actions.resolve_identity_conflict(
            conflict,
            actor=request.user,
            confirmed=form.cleaned_data["outcome"] == "confirmed",
            reason=form.cleaned_data["reason"],
            ip=client_ip(request),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已处理 %(n)s 的身份证号核验。") % {"n": conflict.person.real_name})
    return redirect("accounts:identity_queue")


@login_required
def people(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.has_role(*ADMIN_ROLES):
        raise PermissionDenied(_("只有管理员和企业导师可以查看人员名单。"))
    qs = selectors.people_visible_to(request.user).order_by("real_name", "pk")
    search = PeopleSearchForm(request.GET)
    if not search.is_valid():
        return invalid_input(request, search)
    query = search.cleaned_data["q"]
    if query:
        qs = qs.filter(Q(real_name__icontains=query) | Q(organization__name__icontains=query))
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "accounts/people.html", {"page": page, "query": query})


@login_required
def person_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = selectors.access_person(request.user, pk)
    if person.pk != request.user.pk and not request.user.has_role(*ADMIN_ROLES):
        raise PermissionDenied
    return render(
        request,
        "accounts/person_detail.html",
        {
            "person": person,
            "can_reveal": request.user.has_perm("accounts.view_pii"),
            "id_pending": selectors.identity_pending(request.user, person),
            "can_end_employment": person.organization is not None
            and person.pk != request.user.pk
            and actions.may_decide_employment(request.user, person.organization),
            "leave_form": EndEmploymentForm(),
        },
    )


@login_required
@require_POST
def person_reveal(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = selectors.access_person(request.user, pk)
    revealed = actions.reveal_pii(request.user, person, ip=client_ip(request))
    return render(request, "accounts/person_detail.html", {"person": person, "revealed": revealed, "can_reveal": True})


@login_required
def organizations(request: AuthenticatedHttpRequest) -> HttpResponse:
    qs = selectors.organizations_visible_to(request.user).order_by("region__code", "name")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "accounts/organizations.html", {"page": page})


@login_required
def organization_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    org = selectors.access_organization(request.user, pk)
    staff = selectors.people_visible_to(request.user).filter(organization=org).order_by("real_name")[:200]
    return render(request, "accounts/organization_detail.html", {"org": org, "staff": staff})


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """/me/: what needs the signed-in person now, one section per role they hold (accounts.home)."""
    return render(request, "accounts/home.html", {"sections": home_panels.sections(request.user)})
