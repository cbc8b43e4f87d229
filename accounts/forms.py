from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.calendar import FIRST_YEAR, LAST_YEAR, Month
from accounts.choices import Industry, JobGroup
from accounts.models import Organization, Region, User
from accounts.validators import normalize_mobile, validate_id_number, validate_mobile


class CityChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=Region.objects.filter(kind__in=["city", "district", "zone"]).order_by("code"), **kwargs
        )


class RegistrationForm(forms.Form):
    mobile = forms.CharField(
        label=_("手机号"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"})
    )
    sms_code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        required=False,  # not needed for the "获取验证码" post; the register step checks it
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        help_text=_("先填写手机号并点击“获取验证码”，再填写收到的 6 位数字。"),
    )
    real_name = forms.CharField(label=_("姓名"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    password1 = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少 8 位，不能全是数字，不要与手机号或姓名相近。"),
    )
    password2 = forms.CharField(
        label=_("确认密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    region = CityChoiceField(label=_("所在城市"), empty_label=_("请选择"))
    organization = forms.ModelChoiceField(
        label=_("申请加入的工作单位"),
        queryset=Organization.objects.order_by("name"),
        required=False,
        empty_label=_("暂不填写"),
        help_text=_("提交后由该单位的企业管理员确认，确认前您的资料中不显示工作单位。"),
    )
    job_group = forms.ChoiceField(label=_("岗位类别"), choices=[("", _("请选择")), *list(JobGroup.choices)])
    industry = forms.ChoiceField(label=_("行业"), choices=[("", _("请选择")), *list(Industry.choices)], required=False)
    id_number = forms.CharField(
        label=_("身份证号（选填）"),
        max_length=18,
        required=False,
        help_text=_("用于证书核验和技能等级认定，仅加密保存，页面上只显示部分号码。"),
    )
    agree = forms.BooleanField(label=_("我已阅读并同意平台的个人信息保护说明"))

    def clean_mobile(self) -> str:
        mobile = normalize_mobile(self.cleaned_data["mobile"])
        validate_mobile(mobile)
        return mobile

    def clean_id_number(self) -> str:
        value = self.cleaned_data.get("id_number", "").strip().upper()
        if value:
            validate_id_number(value)
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif p1:
            probe = User(mobile=data.get("mobile", ""), real_name=data.get("real_name", ""))
            try:
                password_validation.validate_password(p1, probe)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"autofocus": True, "inputmode": "numeric", "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _("手机号或密码不正确，请重新输入。"),
        "inactive": _("该账户已停用，请联系管理员。"),
    }
    # Failures are counted and locks enforced by django-axes inside `authenticate` (see
    # accounts.login_throttle), the same for every form that logs a person in.


class ProfileForm(forms.ModelForm):
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=18,
        required=False,
        help_text=_("留空表示不修改；已保存的号码只显示部分。"),
    )
    region = CityChoiceField(label=_("所在城市"), required=False)

    class Meta:
        model = User
        # Not `organization`: who a person works for is an employment record that the
        # organization's admin accepts (EmploymentRequestForm), so scope and recusal cannot be
        # edited here. Not `mobile`: a new number is verified by SMS.
        fields = ["real_name", "email", "region", "job_group", "industry"]

    def clean_id_number(self) -> str:
        value = self.cleaned_data.get("id_number", "").strip().upper()
        if value:
            validate_id_number(value)
        return value


class EmploymentRequestForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("申请加入的单位"),
        queryset=Organization.objects.order_by("name"),
        empty_label=_("请选择"),
        help_text=_("提交后由该单位的企业管理员确认；确认后才会变更您的工作单位。"),
    )


class EmploymentDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("确认")), ("reject", _("拒绝"))], widget=forms.HiddenInput)
    reason = forms.CharField(label=_("说明"), max_length=500, required=False, widget=forms.TextInput)


class EndEmploymentForm(forms.Form):
    reason = forms.CharField(label=_("离职原因"), max_length=500)


class UnlockForm(forms.Form):
    """Which lockout a province admin lifts: the signed token from the lockouts page's button
    (the page carries no full mobile number, and a token cannot be made up by hand)."""

    lock = forms.CharField(max_length=500, widget=forms.HiddenInput)

    def clean_lock(self) -> dict[str, Any]:
        from accounts.login_throttle import read_unlock_token

        found = read_unlock_token(self.cleaned_data["lock"])
        if found is None:
            raise ValidationError(_("解除锁定的链接无效或已过期，请刷新锁定列表后重试。"))
        return found


class IdentityResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("处理结果"),
        choices=[("confirmed", _("确认为本人（号码转到该账户）")), ("rejected", _("不予通过"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("处理说明"), max_length=500, help_text=_("例如核对了哪些证件、如何联系了本人。"))


class MobileChangeForm(forms.Form):
    mobile = forms.CharField(
        label=_("新手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    sms_code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        help_text=_("先点击“获取验证码”，验证码会发送到新手机号。"),
    )
    password = forms.CharField(
        label=_("当前密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def clean_mobile(self) -> str:
        mobile = normalize_mobile(self.cleaned_data["mobile"])
        validate_mobile(mobile)
        return mobile


class SendCodeForm(forms.Form):
    """The "获取验证码" button of the registration and mobile-change forms: the number to text.
    Its format is checked by accounts.actions.send_sms_code, which answers in the same words
    whether or not the number is registered."""

    mobile = forms.CharField(max_length=20, error_messages={"required": _("请先填写手机号，再获取验证码。")})


class NextForm(forms.Form):
    """Where to go after signing in (checked against the site's host by the view)."""

    next = forms.CharField(max_length=2000, required=False)


class PeopleSearchForm(forms.Form):
    q = forms.CharField(label=_("姓名或单位"), max_length=50, required=False)


class MonthForm(forms.Form):
    """The month the calendar page shows: ?month=YYYY-MM (absent: this month)."""

    month = forms.RegexField(
        label=_("月份"),
        regex=r"^[0-9]{4}-[0-9]{2}$",
        required=False,
        max_length=7,
        error_messages={"invalid": _("月份格式应为“年-月”，例如 2026-12。")},
    )

    def clean_month(self) -> Month | None:
        value = self.cleaned_data.get("month") or ""
        if not value:
            return None
        year, month = (int(part) for part in value.split("-"))
        if not 1 <= month <= 12:
            raise ValidationError(_("月份应在 1 到 12 之间。"))
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValidationError(
                _("只能查看 %(first)s 年至 %(last)s 年的日历。") % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return Month(year, month)


class NoticePreferencesForm(forms.Form):
    """Email and SMS per kind of notice (站内 is always on); one checkbox per kind and channel."""

    def __init__(self, *args: Any, initial_channels: dict[str, Any] | None = None, **kwargs: Any) -> None:
        from accounts.choices import NoticeKind

        super().__init__(*args, **kwargs)
        self.kinds = list(NoticeKind.choices)
        for kind, label in self.kinds:
            chosen = (initial_channels or {}).get(kind)
            self.fields[f"email_{kind}"] = forms.BooleanField(
                label=_("%(kind)s：邮件") % {"kind": label},
                required=False,
                initial=chosen.email if chosen else True,
            )
            self.fields[f"sms_{kind}"] = forms.BooleanField(
                label=_("%(kind)s：短信") % {"kind": label},
                required=False,
                initial=chosen.sms if chosen else False,
            )

    def rows(self) -> list[tuple[str, str, forms.BoundField, forms.BoundField]]:
        return [(kind, str(label), self[f"email_{kind}"], self[f"sms_{kind}"]) for kind, label in self.kinds]
