"""Forms: every input a talent page takes, bounded, with Chinese messages. Rules are the actions'."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.choices import SkillDomain
from accounts.models import Region, User
from accounts.selectors import cities
from talent.kpi import YEARS
from talent.models import (
    Candidate,
    ConsentKind,
    CultivationItem,
    KpiMetric,
    PlanItemKind,
    SkillLevel,
    TalentCategory,
)
from talent.privacy import REASON_MAX_CHARS
from talent.shortlist import OBJECTION_MAX_CHARS
from talent.targets import KPI_TARGET_MAX_PEOPLE


def yes_no(required: bool = True) -> forms.TypedChoiceField:
    """A "1"/"0" button value as True/False (the pages' 通过/驳回, 接受/婉拒, 同意/撤回 buttons)."""
    return forms.TypedChoiceField(
        choices=[("1", _("是")), ("0", _("否"))],
        coerce=lambda value: value == "1",
        required=required,
        empty_value=None,
        error_messages={"required": _("请点击页面上的按钮提交。"), "invalid_choice": _("请点击页面上的按钮提交。")},
    )


def reason_field(label: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or _("理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_MAX_CHARS,
        required=False,
        error_messages={"max_length": _("最多 %(limit_value)d 字（当前 %(show_value)d 字），请精简后再提交。")},
    )


# --- Filters in the query string --------------------------------------------------------------


class LeaderboardForm(forms.Form):
    board = forms.CharField(max_length=64, required=False)  # checked against the boards by selectors.valid_board
    n = forms.IntegerField(
        min_value=1,
        max_value=100,
        required=False,
        error_messages={"invalid": _("显示人数请填写 1 到 100 之间的整数。")},
    )


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("验证码"), max_length=64, required=False)


class StatusFilterForm(forms.Form):
    """A list's status filter; an unknown status is an error, an empty one the list's default."""

    status = forms.ChoiceField(required=False, error_messages={"invalid_choice": _("未知的状态。")})

    def __init__(self, *args: Any, statuses: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", ""), *statuses]


class DashboardFilterForm(forms.Form):
    city = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, error_messages={"invalid_choice": _("请选择您负责的城市。")}
    )

    def __init__(self, *args: Any, cities: list[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["city"]).choices = [("", ""), *[(c.pk, c.label) for c in cities]]


# --- Buttons and small forms on the pages -----------------------------------------------------


class ConsentForm(forms.Form):
    kind = forms.ChoiceField(choices=ConsentKind.choices)
    granted = yes_no()


class DeletionRequestForm(forms.Form):
    note = reason_field(_("说明（选填）"))


class DecisionForm(forms.Form):
    """Approve (1) or decline (0), with a reason (required by the action when declining)."""

    approve = yes_no()
    reason = reason_field()


class AnswerForm(forms.Form):
    accept = yes_no()


class InviteForm(forms.Form):
    person = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True), error_messages={"invalid_choice": _("未找到该人员。")}
    )


class ReasonForm(forms.Form):
    reason = reason_field()


class RoundForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), choices=[(y, y) for y in YEARS], coerce=int)
    name = forms.CharField(label=_("名称"), max_length=120)
    min_level = forms.ChoiceField(label=_("最低技能等级"), choices=[("", "—"), *SkillLevel.choices], required=False)
    min_index = forms.FloatField(label=_("最低人才指数"), min_value=0, initial=0)
    min_awards = forms.IntegerField(label=_("省级及以上获奖次数不少于"), min_value=0, initial=0)
    required_categories = forms.MultipleChoiceField(
        label=_("须具备的人才类别"), choices=TalentCategory.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    quota = forms.IntegerField(label=_("每市推荐名额"), min_value=0, initial=5)


# A month's pay in yuan; a 23-digit figure used to reach the database and fail there.
PAY_MAX = 1_000_000


class DemandForm(forms.Form):
    title = forms.CharField(label=_("岗位名称"), max_length=120)
    domains = forms.MultipleChoiceField(
        label=_("技能领域"), choices=SkillDomain.choices, widget=forms.CheckboxSelectMultiple
    )
    skills = forms.CharField(label=_("技能要求"), max_length=300, required=False)
    min_level = forms.ChoiceField(label=_("最低技能等级"), choices=[("", "—"), *SkillLevel.choices], required=False)
    headcount = forms.IntegerField(label=_("需求人数"), min_value=1, max_value=10000)
    city = forms.ModelChoiceField(label=_("工作城市"), queryset=cities())
    pay_min = forms.IntegerField(label=_("月薪下限（元）"), min_value=0, max_value=PAY_MAX, required=False)
    pay_max = forms.IntegerField(label=_("月薪上限（元）"), min_value=0, max_value=PAY_MAX, required=False)


class TargetForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), choices=[(y, y) for y in YEARS], coerce=int)
    city = forms.ModelChoiceField(label=_("城市（留空为全省）"), queryset=cities(), required=False)
    metric = forms.ChoiceField(label=_("指标"), choices=KpiMetric.choices)
    # Bounds per metric are the action's (talent.targets._bounded_target); this caps the field.
    value = forms.FloatField(label=_("目标值"), min_value=0, max_value=KPI_TARGET_MAX_PEOPLE)


class PlanItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=PlanItemKind.choices)
    title = forms.CharField(label=_("内容"), max_length=200)
    due = forms.DateField(label=_("计划完成"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class RoundActionForm(forms.Form):
    """A step for the whole round; `days` is how long the public notice (公示) lasts."""

    do = forms.ChoiceField(
        choices=[("generate", _("生成候选人")), ("notice", _("开始公示")), ("finalize", _("确定最终名单"))]
    )
    days = forms.IntegerField(
        label=_("公示天数"),
        min_value=1,
        max_value=30,
        initial=5,
        required=False,
        error_messages={
            "invalid": _("公示天数请填写 1 到 30 之间的整数。"),
            "min_value": _("公示天数请填写 1 到 30 之间的整数。"),
            "max_value": _("公示天数请填写 1 到 30 之间的整数。"),
        },
    )


class CandidateActionForm(forms.Form):
    do = forms.ChoiceField(
        choices=[("nominate", _("推荐")), ("decline", _("不推荐")), ("approve", _("通过")), ("reject", _("不通过"))]
    )
    reason = reason_field()


class ObjectionDecisionForm(forms.Form):
    """Uphold (upheld=1) or dismiss (upheld=0) an objection, or remove it as spam (spam=1)."""

    resolution = reason_field(_("处理意见"))
    upheld = yes_no(required=False)
    spam = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("spam") and data.get("upheld") is None:
            raise forms.ValidationError(_("请点击页面上的按钮提交。"))
        return data


class PlanItemDoneForm(forms.Form):
    done = forms.ModelChoiceField(queryset=CultivationItem.objects.none())

    def __init__(self, *args: Any, items: QuerySet[CultivationItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[CultivationItem]", self.fields["done"]).queryset = items


class CandidateChoiceField(forms.ModelChoiceField):
    """A choice among candidates, each offered under the real name of the person."""

    def label_from_instance(self, obj: Candidate) -> str:
        return obj.person.real_name


class ObjectionForm(forms.Form):
    candidate = CandidateChoiceField(
        label=_("对象"),
        queryset=Candidate.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("请从公示名单中选择异议对象。")},
    )
    text = forms.CharField(
        label=_("异议内容"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=OBJECTION_MAX_CHARS,
        error_messages={"max_length": _("异议内容最多 %(limit_value)d 字（当前 %(show_value)d 字），请精简后再提交。")},
    )

    def __init__(self, *args: Any, listed: QuerySet[Candidate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(CandidateChoiceField, self.fields["candidate"]).queryset = listed
