from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import SkillDomain
from accounts.selectors import cities
from talent.actions import KPI_TARGET_MAX_PEOPLE, OBJECTION_MAX_CHARS, REASON_MAX_CHARS
from talent.kpi import YEARS
from talent.models import KpiMetric, PlanItemKind, SkillLevel, TalentCategory


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=REASON_MAX_CHARS, required=False
    )


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
    # Bounds per metric are the action's (talent.actions._bounded_target); this caps the field.
    value = forms.FloatField(label=_("目标值"), min_value=0, max_value=KPI_TARGET_MAX_PEOPLE)


class PlanItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=PlanItemKind.choices)
    title = forms.CharField(label=_("内容"), max_length=200)
    due = forms.DateField(label=_("计划完成"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class NoticeForm(forms.Form):
    """How long the public notice (公示) of a round lasts."""

    days = forms.IntegerField(
        label=_("公示天数"),
        min_value=1,
        max_value=30,
        initial=5,
        error_messages={"invalid": _("公示天数请填写 1 到 30 之间的整数。")},
    )


class ObjectionForm(forms.Form):
    text = forms.CharField(
        label=_("异议内容"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=OBJECTION_MAX_CHARS,
        error_messages={"max_length": _("异议内容最多 %(limit_value)d 字（当前 %(show_value)d 字），请精简后再提交。")},
    )
