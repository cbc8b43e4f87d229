"""Forms of the organizer, judge and contestant pages; they only collect input — actions decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import JobGroup, RegionKind, Role, SkillDomain
from accounts.models import Organization, Region, User
from competitions.models import Aggregation, Award, AwardMode, Contest, ContestLevel, ContestStatus


def _level_choices() -> list[tuple[str, str]]:
    from talent.models import SkillLevel

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

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["min_level"].choices = _level_choices()
        self.fields["max_level"].choices = _level_choices()
        if editing:
            del self.fields["slug"]

    @classmethod
    def initial_for(cls, contest: Contest) -> dict:
        from competitions.selectors import rules_for

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

    def action_fields(self) -> dict:
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


class JudgeForm(forms.Form):
    group = forms.ChoiceField(label=_("赛项"))
    judge = forms.ModelChoiceField(label=_("裁判"), queryset=User.objects.none())
    is_chief = forms.BooleanField(label=_("裁判长"), required=False)
    is_arbiter = forms.BooleanField(label=_("仲裁组成员"), required=False)

    def __init__(self, *args, contest: Contest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [(g.pk, g.name) for g in contest.event_groups.order_by("id")]
        self.fields["judge"].queryset = User.objects.filter(role_grants__role=Role.JUDGE).select_related("organization")
        self.fields["judge"].label_from_instance = lambda u: f"{u.real_name}（{u.organization or '—'}）"


class TaskForm(forms.Form):
    group = forms.ChoiceField(label=_("赛项"))
    title = forms.CharField(label=_("实操任务"), max_length=120)
    description = forms.CharField(label=_("任务说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, contest: Contest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [(g.pk, g.name) for g in contest.event_groups.order_by("id")]


class ItemForm(forms.Form):
    task = forms.ChoiceField(label=_("实操任务"))
    kind = forms.ChoiceField(
        label=_("类型"), choices=[("measurement", _("测量项（客观）")), ("judgement", _("评判项（0—3 分）"))]
    )
    description = forms.CharField(label=_("评分项"), max_length=200)
    points = forms.DecimalField(label=_("分值"), min_value=Decimal("0.01"), decimal_places=2)

    def __init__(self, *args, contest: Contest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from competitions.models import PracticalTask

        self.fields["task"].choices = [
            (t.pk, f"{t.event_group.name} · {t.title}")
            for t in PracticalTask.objects.filter(event_group__contest=contest).select_related("event_group")
        ]


class PromotionRuleForm(forms.Form):
    award = forms.ChoiceField(label=_("奖项"), choices=Award.choices)
    max_current_level = forms.ChoiceField(label=_("现等级不高于"), required=False)
    target_level = forms.ChoiceField(label=_("推荐晋升等级"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["max_current_level"].choices = _level_choices()
        self.fields["target_level"].choices = _level_choices()[1:]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("报名表（.xlsx 或 .csv）"), help_text=_("表头：手机号、赛项、队名（团体赛填写）。"))


class RegisterForm(forms.Form):
    event_group = forms.ChoiceField(label=_("报名赛项"))
    team = forms.CharField(
        label=_("队名"), max_length=60, required=False, help_text=_("团体赛：同队队员填写相同队名。")
    )

    def __init__(self, *args, contest: Contest, team_contest: bool, person_choices=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event_group"].choices = [(g.pk, g.name) for g in contest.event_groups.order_by("id")]
        if not team_contest:
            del self.fields["team"]
        if person_choices is not None:
            self.fields["person"] = forms.ChoiceField(label=_("推荐人员"), choices=person_choices)
            self.order_fields(["person", "event_group", "team"])


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
