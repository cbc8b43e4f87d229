"""Forms of the round authoring pages: they only collect and shape input — authoring decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import SkillDomain
from competitions.live import authoring
from competitions.live.models import ScoringMode
from competitions.live.selectors import LIVE_QTYPES
from competitions.models import Contest, EventGroup
from lms.grading import OPTION_LETTERS
from lms.models import QuestionType

MAX_QUERY = 100
NUMBER = {"inputmode": "numeric"}
DECIMAL = {"inputmode": "decimal"}


def _seconds(label: Any = None, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label or _("作答时间（秒）"),
        min_value=authoring.MIN_SECONDS,
        max_value=authoring.MAX_SECONDS,
        required=required,
        widget=forms.NumberInput(attrs=NUMBER),
    )


def _points(label: Any = None, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label or _("分值"),
        min_value=authoring.MIN_POINTS,
        max_value=authoring.MAX_POINTS,
        max_digits=6,
        decimal_places=2,
        required=required,
        widget=forms.NumberInput(attrs={**DECIMAL, "step": "0.5"}),
    )


def _difficulty(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("", _("不限")), *((i, str(i)) for i in range(1, 6))],
        coerce=int,
        empty_value=None,
        required=False,
    )


LIVE_TYPE_CHOICES = [(value, label) for value, label in QuestionType.choices if value in LIVE_QTYPES]


class RoundForm(forms.Form):
    """A round's settings. `freeze_at` must not pass the number of questions already placed."""

    title = forms.CharField(label=_("场次名称"), max_length=120)
    event_group = forms.ModelChoiceField(
        label=_("赛项"),
        queryset=EventGroup.objects.none(),
        required=False,
        empty_label=_("本竞赛所有赛项"),
        help_text=_("只有该赛项审核通过并已领取准考证的选手可以进入。"),
    )
    scoring_mode = forms.ChoiceField(label=_("计分方式"), choices=ScoringMode.choices)
    streak_bonus = forms.BooleanField(label=_("连对加分（每连对一题加 10%，最多 50%）"), required=False)
    rehearsal = forms.BooleanField(label=_("彩排场次（作答不计入成绩和人才档案）"), required=False)
    freeze_at = forms.IntegerField(
        label=_("自动封榜题序"),
        min_value=1,
        max_value=authoring.MAX_QUESTIONS,
        required=False,
        widget=forms.NumberInput(attrs=NUMBER),
        help_text=_("从第几题开始公开榜停止更新；留空不自动封榜。主持人可随时手动解封。"),
    )
    default_seconds = _seconds(_("默认作答时间（秒，5–300）"))
    default_points = _points(_("默认分值（0.5–100）"))

    def __init__(self, *args: Any, contest: Contest, question_count: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.question_count = question_count
        field = self.fields["event_group"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = EventGroup.objects.filter(contest=contest).order_by("id")

    def clean_freeze_at(self) -> int | None:
        value: int | None = self.cleaned_data.get("freeze_at")
        if value is not None and value > self.question_count:
            raise forms.ValidationError(
                _("自动封榜题序不能超过题目数（现有 %(n)d 题）；请先添加题目。"), params={"n": self.question_count}
            )
        return value


class BankFilterForm(forms.Form):
    """The bank picker's filters (GET). Every field optional; `q` is bounded."""

    q = forms.CharField(label=_("搜索题干或知识点"), max_length=MAX_QUERY, required=False)
    domain = forms.ChoiceField(label=_("技能领域"), choices=[("", _("不限")), *SkillDomain.choices], required=False)
    qtype = forms.ChoiceField(label=_("题型"), choices=[("", _("不限")), *LIVE_TYPE_CHOICES], required=False)
    difficulty_min = _difficulty(_("难度下限"))
    difficulty_max = _difficulty(_("难度上限"))
    knowledge_point = forms.CharField(label=_("知识点"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The editor shows this form, the draw form and the write form on one page: ids apart.
        kwargs.setdefault("auto_id", "bank_%s")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("difficulty_min"), data.get("difficulty_max")
        if low is not None and high is not None and low > high:
            raise forms.ValidationError(_("难度下限不能高于上限。"))
        return data

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "domain": data.get("domain") or "",
            "qtype": data.get("qtype") or "",
            "difficulty_min": data.get("difficulty_min"),
            "difficulty_max": data.get("difficulty_max"),
            "knowledge_point": (data.get("knowledge_point") or "").strip(),
        }


class DrawForm(BankFilterForm):
    """A random draw: the picker's filters (no free text) and how many."""

    count = forms.IntegerField(
        label=_("抽取数量"), min_value=1, max_value=authoring.MAX_QUESTIONS, widget=forms.NumberInput(attrs=NUMBER)
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "draw_%s")
        super().__init__(*args, **kwargs)
        del self.fields["q"]
        self.order_fields(["count", "qtype", "domain", "difficulty_min", "difficulty_max", "knowledge_point"])


class PickForm(forms.Form):
    """Bank questions ticked in the picker (ids; the action checks each)."""

    questions = forms.TypedMultipleChoiceField(label=_("试题"), coerce=int, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["questions"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        raw = self.data.getlist("questions") if hasattr(self.data, "getlist") else []
        # Any positive id is a choice; the action refuses ids that are not live-askable.
        field.choices = [(v, v) for v in raw[: authoring.MAX_QUESTIONS] if str(v).isdigit()]


class WriteQuestionForm(forms.Form):
    """A question written on the spot (单选 / 多选 / 判断), saved to the shared bank."""

    qtype = forms.ChoiceField(
        label=_("题型"),
        choices=[(v, label) for v, label in QuestionType.choices if v in authoring.WRITABLE_TYPES],
    )
    stem = forms.CharField(label=_("题干"), max_length=authoring.MAX_STEM, widget=forms.Textarea(attrs={"rows": 3}))
    options = forms.CharField(
        label=_("选项（每行一个，依次为 A、B、C…）"),
        required=False,
        max_length=(authoring.MAX_OPTION + 1) * len(OPTION_LETTERS),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    answer = forms.CharField(
        label=_("答案"),
        max_length=10,
        help_text=_("单选填一个字母如 A；多选填多个字母如 ABD；判断题填“对”或“错”。"),
    )
    explanation = forms.CharField(
        label=_("解析"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    domain = forms.ChoiceField(label=_("技能领域"), choices=[("", _("未指定")), *SkillDomain.choices], required=False)
    knowledge_point = forms.CharField(label=_("知识点"), max_length=100, required=False)
    difficulty = forms.TypedChoiceField(
        label=_("难度"), choices=[(i, str(i)) for i in range(1, 6)], coerce=int, initial=3
    )
    seconds = _seconds(required=False)
    points = _points(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "write_%s")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        qtype = data.get("qtype")
        raw_answer = (data.get("answer") or "").strip()
        options = [line.strip() for line in (data.get("options") or "").splitlines() if line.strip()]
        if qtype == QuestionType.TRUE_FALSE:
            if raw_answer in ("对", "正确", "√", "是", "true", "True"):
                data["answer_value"] = True
            elif raw_answer in ("错", "错误", "×", "否", "false", "False"):
                data["answer_value"] = False
            else:
                self.add_error("answer", _("判断题答案请填“对”或“错”。"))
            data["option_list"] = []
            return data
        if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            if not 2 <= len(options) <= len(OPTION_LETTERS):
                self.add_error("options", _("选择题需要 2 到 6 个选项，每行一个。"))
            if any(len(o) > authoring.MAX_OPTION for o in options):
                self.add_error("options", _("每个选项最多 %(n)d 字。") % {"n": authoring.MAX_OPTION})
            letters = [c for c in raw_answer.upper().replace(",", "").replace("，", "").replace(" ", "")]
            allowed = OPTION_LETTERS[: max(len(options), 1)]
            if not letters or any(c not in allowed for c in letters) or len(set(letters)) != len(letters):
                self.add_error("answer", _("答案应为选项字母 A–%(z)s，如 A 或 ABD。") % {"z": allowed[-1]})
            elif qtype == QuestionType.SINGLE and len(letters) != 1:
                self.add_error("answer", _("单选题只能有一个答案字母。"))
            elif qtype == QuestionType.MULTIPLE and len(letters) < 2:
                self.add_error("answer", _("多选题至少两个答案字母；只有一个正确选项请选单选题。"))
            data["answer_value"] = letters[0] if qtype == QuestionType.SINGLE and letters else sorted(letters)
            data["option_list"] = options
        return data


class QuestionRowForm(forms.Form):
    """One placed question's time limit and points."""

    seconds = _seconds()
    points = _points()


class MoveForm(forms.Form):
    position = forms.IntegerField(min_value=1, max_value=authoring.MAX_QUESTIONS)


class PreviewForm(forms.Form):
    """`?n=<position>&as=screen|play` of the preview page. `view` is required to be one of the
    two; `n` out of range or not a number falls back to the first question."""

    n = forms.IntegerField(min_value=1, max_value=9999, required=False)
    view = forms.ChoiceField(choices=[("screen", "screen"), ("play", "play")])

    def __init__(self, query: Any) -> None:
        super().__init__({"n": query.get("n", ""), "view": query.get("as", "screen")})

    def position(self) -> int:
        return int(self.cleaned_data.get("n") or 1) if "n" not in self.errors else 1
