"""Forms of the organizer, judge and contestant pages; they only collect input — actions decide."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib.auth import password_validation
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from accounts.choices import JobGroup, RegionKind, Role, SkillDomain
from accounts.models import Organization, Region, User
from accounts.validators import normalize_mobile, validate_mobile
from competitions.judging import MarkEntry
from competitions.models import (
    Aggregation,
    Appeal,
    Award,
    AwardMode,
    Clarification,
    Contest,
    ContestLevel,
    ContestStatus,
    EventGroup,
    JudgeAssignment,
    Mark,
    MarkingItem,
    PracticalTask,
    Registration,
    StaffInvitation,
    StaffRole,
)
from competitions.selectors import SheetRow, contested_marks, rules_for
from talent.models import SkillLevel


def _level_choices() -> list[tuple[str, str | StrPromise]]:
    return [("", _("不限")), *SkillLevel.choices]


DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ContestForm(forms.Form):
    title = forms.CharField(label=_("竞赛名称"), max_length=200)
    slug = forms.SlugField(
        label=_("网址标识"), max_length=80, help_text=_("英文字母、数字和连字符，如 sd-2026-digital。")
    )
    level = forms.ChoiceField(label=_("级别"), choices=ContestLevel.choices)
    organizing_body = forms.ModelChoiceField(label=_("主办单位"), queryset=Organization.objects.all(), required=False)
    region = forms.ModelChoiceField(
        label=_("举办地区"),
        queryset=Region.objects.filter(kind__in=(RegionKind.PROVINCE, RegionKind.CITY)),
        required=False,
    )
    status = forms.ChoiceField(label=_("状态"), choices=ContestStatus.choices, initial=ContestStatus.DRAFT)
    summary = forms.CharField(label=_("简介"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    announcement = forms.CharField(label=_("竞赛公告"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    rules = forms.CharField(label=_("竞赛规则"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    how_to_register = forms.CharField(label=_("报名方式"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    registration_opens = forms.DateTimeField(label=_("报名开始"), widget=DT, required=False)
    registration_closes = forms.DateTimeField(label=_("报名截止"), widget=DT, required=False)
    theory_at = forms.DateTimeField(label=_("理论考试时间"), widget=DT, required=False)
    practical_at = forms.DateTimeField(label=_("实操考核时间"), widget=DT, required=False)
    theory_weight = forms.DecimalField(
        label=_("理论成绩权重"),
        min_value=Decimal(0),
        max_value=Decimal(1),
        decimal_places=3,
        initial=Decimal("0.3"),
        help_text=_("0—1，省级竞赛通常不超过 0.3；其余为实操成绩权重。"),
    )
    theory_cap = forms.DecimalField(
        label=_("理论成绩权重上限"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(1),
        decimal_places=3,
        initial=Decimal("0.3"),
        help_text=_("默认 0.3；确需提高理论成绩比重时修改此项。"),
    )
    eligible_cities = forms.ModelMultipleChoiceField(
        label=_("限定城市"),
        queryset=Region.objects.filter(kind=RegionKind.CITY),
        required=False,
        help_text=_("不选表示不限城市。"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    eligible_job_groups = forms.MultipleChoiceField(
        label=_("限定岗位类别"), choices=JobGroup.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    min_level = forms.ChoiceField(label=_("最低技能等级"), required=False)
    max_level = forms.ChoiceField(label=_("最高技能等级"), required=False)
    team_size_min = forms.IntegerField(label=_("每队最少人数"), min_value=1, max_value=3, initial=1)
    team_size_max = forms.IntegerField(
        label=_("每队最多人数"), min_value=1, max_value=3, initial=1, help_text=_("个人赛填 1；团体赛 2—3。")
    )
    aggregation = forms.ChoiceField(label=_("评分汇总规则"), choices=Aggregation.choices)
    disagreement_threshold = forms.DecimalField(
        label=_("评判分差预警阈值"), min_value=Decimal(0), max_value=Decimal(3), initial=Decimal(1)
    )
    award_mode = forms.ChoiceField(label=_("奖项设置方式"), choices=AwardMode.choices)
    award_first = forms.DecimalField(label=_("一等奖（比例或名额）"), min_value=Decimal(0), initial=Decimal("0.1"))
    award_second = forms.DecimalField(label=_("二等奖（比例或名额）"), min_value=Decimal(0), initial=Decimal("0.2"))
    award_third = forms.DecimalField(label=_("三等奖（比例或名额）"), min_value=Decimal(0), initial=Decimal("0.3"))
    award_merit = forms.DecimalField(label=_("优胜奖（比例或名额）"), min_value=Decimal(0), initial=Decimal(0))
    appeal_hours = forms.IntegerField(label=_("申诉期（小时）"), min_value=1, max_value=720, initial=72)

    CONTEST_KEYS = (
        "title",
        "level",
        "organizing_body",
        "region",
        "status",
        "summary",
        "rules",
        "registration_opens",
        "registration_closes",
        "theory_at",
        "practical_at",
        "theory_weight",
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["min_level"]).choices = _level_choices()
        cast(forms.ChoiceField, self.fields["max_level"]).choices = _level_choices()
        if editing:
            del self.fields["slug"]

    @classmethod
    def initial_for(cls, contest: Contest) -> dict[str, Any]:
        rules = rules_for(contest)
        data = {k: getattr(contest, k) for k in cls.CONTEST_KEYS}
        for key in (
            "announcement",
            "theory_cap",
            "how_to_register",
            "eligible_job_groups",
            "min_level",
            "max_level",
            "team_size_min",
            "team_size_max",
            "aggregation",
            "disagreement_threshold",
            "award_mode",
            "award_first",
            "award_second",
            "award_third",
            "award_merit",
            "appeal_hours",
        ):
            data[key] = getattr(rules, key)
        data["eligible_cities"] = list(rules.eligible_cities.all())
        return data

    def action_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("slug", None)
        data.pop("title", None)
        if data.get("theory_cap") is None:
            data.pop("theory_cap", None)
        data["eligible_cities"] = list(data["eligible_cities"])
        data["eligible_job_groups"] = list(data["eligible_job_groups"])
        return data


class EventGroupForm(forms.Form):
    name = forms.CharField(label=_("赛项名称"), max_length=100)
    domain = forms.ChoiceField(label=_("技能领域"), choices=[("", "—"), *SkillDomain.choices], required=False)


class JudgeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.real_name}（{obj.organization or '—'}）"


class TaskChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PracticalTask) -> str:
        return f"{obj.event_group.name} · {obj.title}"


class JudgeForm(forms.Form):
    group = forms.ModelChoiceField(label=_("赛项"), queryset=EventGroup.objects.none(), empty_label=None)
    judge = JudgeChoiceField(label=_("裁判"), queryset=User.objects.none())
    is_chief = forms.BooleanField(label=_("裁判长"), required=False)
    is_arbiter = forms.BooleanField(label=_("仲裁组成员"), required=False)

    def __init__(self, *args: Any, contest: Contest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["group"]).queryset = contest.event_groups.order_by("id")
        cast(forms.ModelChoiceField, self.fields["judge"]).queryset = User.objects.filter(
            role_grants__role=Role.JUDGE
        ).select_related("organization")


class TaskForm(forms.Form):
    group = forms.ModelChoiceField(label=_("赛项"), queryset=EventGroup.objects.none(), empty_label=None)
    title = forms.CharField(label=_("实操任务"), max_length=120)
    description = forms.CharField(label=_("任务说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, contest: Contest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["group"]).queryset = contest.event_groups.order_by("id")


class ItemForm(forms.Form):
    task = TaskChoiceField(label=_("实操任务"), queryset=PracticalTask.objects.none(), empty_label=None)
    kind = forms.ChoiceField(
        label=_("类型"), choices=[("measurement", _("测量项（客观）")), ("judgement", _("评判项（0—3 分）"))]
    )
    description = forms.CharField(label=_("评分项"), max_length=200)
    points = forms.DecimalField(label=_("分值"), min_value=Decimal("0.01"), decimal_places=2)

    def __init__(self, *args: Any, contest: Contest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["task"]).queryset = PracticalTask.objects.filter(
            event_group__contest=contest
        ).select_related("event_group")


class PromotionRuleForm(forms.Form):
    award = forms.ChoiceField(label=_("奖项"), choices=Award.choices)
    max_current_level = forms.ChoiceField(label=_("现等级不高于"), required=False)
    target_level = forms.ChoiceField(label=_("推荐晋升等级"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["max_current_level"]).choices = _level_choices()
        cast(forms.ChoiceField, self.fields["target_level"]).choices = _level_choices()[1:]


class RegisterForm(forms.Form):
    """Registration for oneself or, with `person_choices` (an enterprise admin's staff), a
    nomination: the nomination form sends `person`; the self-registration form sends none, and
    a missing `person` registers the poster herself."""

    event_group = forms.ModelChoiceField(label=_("报名赛项"), queryset=EventGroup.objects.none(), empty_label=None)
    team = forms.CharField(
        label=_("队名"), max_length=60, required=False, help_text=_("团体赛：同队队员填写相同队名。")
    )

    def __init__(
        self,
        *args: Any,
        contest: Contest,
        team_contest: bool,
        person_choices: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["event_group"]).queryset = contest.event_groups.order_by("id")
        if not team_contest:
            del self.fields["team"]
        if person_choices:
            self.fields["person"] = forms.TypedChoiceField(
                label=_("推荐人员"),
                choices=person_choices,
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.order_fields(["person", "event_group", "team"])

    def clean_person(self) -> User | None:
        """The nominee as a User (None: the person registers themself)."""
        pk = self.cleaned_data.get("person")
        return User.objects.filter(pk=pk).first() if pk else None


class ClarificationForm(forms.Form):
    """A contestant's question to the jury: refused over 2,000 characters, never cut."""

    question = forms.CharField(
        label=_("问题"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={
            "required": _("请填写问题。"),
            "max_length": _("问题最多 %(limit_value)d 字（当前 %(show_value)d 字），请精简后再提交。"),
        },
    )


class AppealForm(forms.Form):
    """A contestant's appeal against their result; `file_appeal` checks the reason's length."""

    reason = forms.CharField(
        label=_("申诉理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请写明申诉理由。")},
    )


class ReviewForm(forms.Form):
    """An organizer approves or returns one pending registration of the contest."""

    registration = forms.ModelChoiceField(queryset=Registration.objects.none(), widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("approve", _("通过")), ("return", _("退回"))])
    reason = forms.CharField(label=_("退回理由"), required=False, max_length=500)

    def __init__(self, *args: Any, contest: Contest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["registration"]).queryset = Registration.objects.filter(
            contest=contest
        )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=ContestStatus.choices)


class PublishForm(forms.Form):
    """公布成绩: the first POST shows what will be published; `confirm` (sent by the
    confirmation page) publishes."""

    confirm = forms.BooleanField(required=False)


class AnswerForm(forms.Form):
    """The jury answers one clarification of the contest, to the asker or to everyone;
    `answer_clarification` checks the answer's length."""

    clarification = forms.ModelChoiceField(queryset=Clarification.objects.none(), widget=forms.HiddenInput)
    answer = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs={"rows": 2}))
    to_all = forms.BooleanField(label=_("向全体选手公开"), required=False)

    def __init__(self, *args: Any, contest: Contest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["clarification"]).queryset = Clarification.objects.filter(
            contest=contest
        )


class TheoryMarksForm(forms.Form):
    """Manual theory scores, one input `theory-<registration id>` per approved registration; an
    input left empty or unchanged stores nothing. The form checks only that each is a number;
    `set_theory_marks` applies the rules (0—100, no online score) to all of them or none."""

    def __init__(self, *args: Any, registrations: Iterable[Registration], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.registrations: dict[str, Registration] = {}
        for registration in registrations:
            name = f"theory-{registration.pk}"
            current = getattr(registration, "theory_mark", None)
            # Bounds are the action's to check, so every refusal reads the same.
            self.fields[name] = forms.DecimalField(
                label=_("理论成绩"), required=False, initial=current.score if current is not None else None
            )
            self.registrations[name] = registration

    def scores(self) -> dict[str, tuple[Registration, Decimal]]:
        """The changed scores, keyed by input name (valid form only)."""
        return {
            name: (self.registrations[name], self.cleaned_data[name])
            for name in self.changed_data
            if self.cleaned_data.get(name) is not None
        }

    def rows(self) -> list[tuple[Registration, forms.BoundField]]:
        """(registration, its input) in the order given, for the console's table."""
        return [(registration, self[name]) for name, registration in self.registrations.items()]


class AppealDecisionForm(forms.Form):
    """The arbitration group decides one pending appeal among `appeals`: uphold or reject with a
    written decision; changed `mark-<id>` inputs become re-scores with `rescore_reason`, and
    `theory` a re-scored manual theory score."""

    appeal = forms.ModelChoiceField(queryset=Appeal.objects.none(), widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("uphold", _("申诉成立")), ("reject", _("维持原成绩"))])
    text = forms.CharField(label=_("仲裁意见"), widget=forms.Textarea(attrs={"rows": 2}))
    rescore_reason = forms.CharField(label=_("改分理由"), required=False)
    theory = forms.DecimalField(label=_("理论成绩"), required=False, min_value=Decimal(0), max_value=Decimal(100))

    def __init__(self, *args: Any, appeals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["appeal"]).queryset = appeals
        self.marks: dict[int, Mark] = {}
        for appeal in appeals:
            for mark in contested_marks(appeal.registration):
                if mark.pk not in self.marks:
                    self.marks[mark.pk] = mark
                    self.fields[f"mark-{mark.pk}"] = forms.DecimalField(required=False, initial=mark.value)

    def rescores(self) -> list[tuple[Mark, Decimal, str]]:
        """(mark, new value, reason) for each contested mark of the chosen appeal whose input
        differs from the stored value (valid form only)."""
        appeal = self.cleaned_data["appeal"]
        reason = self.cleaned_data["rescore_reason"]
        found = []
        for mark in contested_marks(appeal.registration):
            value = self.cleaned_data.get(f"mark-{mark.pk}")
            if value is not None and value != mark.value:
                found.append((mark, value, reason))
        return found


class SignOffForm(forms.Form):
    note = forms.CharField(label=_("复核说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SheetOpForm(forms.Form):
    """Which form of the judge's sheet was sent: the marks (no `op`), or an appeal decision,
    a 缺考 button or the sign-off."""

    op = forms.ChoiceField(
        required=False, choices=[("", ""), ("appeal", "appeal"), ("absence", "absence"), ("signoff", "signoff")]
    )


class AbsenceForm(forms.Form):
    """A 登记缺考 / 撤销缺考 button: its value is "<1 to record | 0 to withdraw>:<row prefix>"."""

    absence = forms.ChoiceField()

    def __init__(self, *args: Any, rows: list[SheetRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = {row.prefix: row for row in rows}
        cast(forms.ChoiceField, self.fields["absence"]).choices = [
            (f"{flag}:{row.prefix}", row.label) for row in rows for flag in "01"
        ]

    def target(self) -> tuple[SheetRow, bool]:
        """(the row, whether to record 缺考 rather than withdraw it) (valid form only)."""
        flag, _sep, prefix = self.cleaned_data["absence"].partition(":")
        return self.rows[prefix], flag == "1"


class MarkSheetForm(forms.Form):
    """A judge's sheet: one input `<row prefix>-<item id>` per markable entrant × item, showing
    the judge's own mark until something else is typed. The form checks only that each input is
    a number; `record_marks` applies the marking rules to the inputs that changed."""

    def __init__(
        self,
        *args: Any,
        rows: list[SheetRow],
        items: list[MarkingItem],
        own: dict[tuple[tuple[str, int], int], Decimal],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.cells: dict[str, tuple[SheetRow, MarkingItem]] = {}
        for row in rows:
            if not row.markable:
                continue
            for item in items:
                name = f"{row.prefix}-{item.pk}"
                self.fields[name] = forms.DecimalField(required=False, initial=own.get((row.key, item.pk)))
                self.cells[name] = (row, item)

    def marks(self) -> dict[str, MarkEntry]:
        """The changed marks, keyed by input name (valid form only)."""
        found = {}
        for name in self.changed_data:
            value = self.cleaned_data.get(name)
            if value is None:
                continue
            row, item = self.cells[name]
            found[name] = MarkEntry(item=item, value=value, registration=row.registration, team=row.team)
        return found

    def value(self, row: SheetRow, item: MarkingItem) -> Any:
        """What the sheet shows in a cell: as typed after a refused post, else the own mark."""
        name = f"{row.prefix}-{item.pk}"
        if name not in self.fields:
            return ""
        value = self[name].value()
        return "" if value is None else value

    def error(self, row: SheetRow, item: MarkingItem) -> str:
        """The reason a cell was refused ('' when it was not)."""
        errors = self.errors.get(f"{row.prefix}-{item.pk}") if self.is_bound else None
        return " ".join(str(e) for e in errors) if errors else ""


class BoardForm(forms.Form):
    """The provincial board's event-group filter: one of the groups the board has, or none."""

    group = forms.ChoiceField(required=False)

    def __init__(self, *args: Any, names: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["group"]).choices = [("", "")] + [(n, n) for n in names]


# --- Staff: invitations -------------------------------------------------------------------------


class StaffInviteForm(forms.Form):
    """The organizer's invitation: a mobile number, a name, a role and, for judges, event groups."""

    mobile = forms.CharField(
        label=_("手机号"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    )
    real_name = forms.CharField(label=_("姓名"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(label=_("职责"), choices=StaffRole.choices, widget=forms.RadioSelect)
    event_groups = forms.ModelMultipleChoiceField(
        label=_("赛项"),
        queryset=EventGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("裁判、裁判长和仲裁组成员须选择赛项；协办组织者管理整个竞赛，无需选择。"),
    )

    def __init__(self, *args: Any, contest: Contest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["event_groups"]).queryset = contest.event_groups.order_by("id")

    def clean_mobile(self) -> str:
        mobile = normalize_mobile(self.cleaned_data["mobile"])
        validate_mobile(mobile)
        return mobile


class InvitationChoiceForm(forms.Form):
    """Which invitation a button is about (撤销 / 重发 on the staff page, 接受 / 谢绝 on one's own
    list), among `invitations` (the contest's, or the person's open ones). 撤销 first shows a
    confirmation page; `confirm` (sent by that page) revokes."""

    invitation = forms.ModelChoiceField(queryset=StaffInvitation.objects.none(), widget=forms.HiddenInput)
    confirm = forms.BooleanField(required=False)

    def __init__(self, *args: Any, invitations: QuerySet[StaffInvitation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["invitation"]).queryset = invitations


class StaffRemoveForm(forms.Form):
    """Which co-organizer or judge assignment of the contest a 移除 button is about (one of the
    two). The first POST shows a confirmation page; `confirm` (sent by that page) removes."""

    confirm = forms.BooleanField(required=False)

    organizer = forms.ModelChoiceField(queryset=User.objects.none(), required=False, widget=forms.HiddenInput)
    assignment = forms.ModelChoiceField(
        queryset=JudgeAssignment.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, contest: Contest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organizer"]).queryset = contest.organizers.all()
        cast(forms.ModelChoiceField, self.fields["assignment"]).queryset = JudgeAssignment.objects.filter(
            event_group__contest=contest
        ).select_related("event_group__contest")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if bool(data.get("organizer")) == bool(data.get("assignment")):
            raise forms.ValidationError(_("请选择要移除的人员。"))
        return data


class InvitationAnswerForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("接受")), ("decline", _("谢绝"))])


class ActivationForm(forms.Form):
    """A new person activates an account for the invited number: name, the texted code, a password."""

    real_name = forms.CharField(label=_("姓名"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    sms_code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        required=False,  # not needed for the "获取验证码" post; the activation checks it
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        help_text=_("点击“获取验证码”，验证码会发送到受邀手机号。"),
    )
    password1 = forms.CharField(
        label=_("设置密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少 8 位，不能全是数字，不要与手机号或姓名相近。"),
    )
    password2 = forms.CharField(
        label=_("确认密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, mobile: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mobile = mobile

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not (data.get("sms_code") or "").strip():
            self.add_error("sms_code", _("请填写短信验证码。"))
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif p1:
            probe = User(mobile=self.mobile, real_name=data.get("real_name", ""))
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data
