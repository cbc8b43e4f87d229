"""Forms: input shape only; rules are checked by the actions."""

from __future__ import annotations

import json
import math
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import CourseLevel, Industry, JobGroup, SkillDomain
from config.converters import DB_ID_MAX, parse_id
from lms.models import AttemptAnswer, PaperMode, QuestionType, QuizKind, WorkLog
from lms.quizzes import GRADE_COMMENT_MAX
from lms.quizzes import MAX_TEXT as ANSWER_TEXT_MAX
from lms.workstudy import REVIEW_COMMENT_MAX, WORKLOG_CONTENT_MAX


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleImageField, self).clean(f, initial) for f in files]


def _blank(choices: Any, label: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


class CatalogFilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=50)
    track = forms.ChoiceField(label=_("面向人群"), required=False, choices=_blank(JobGroup.choices, _("全部")))
    domain = forms.ChoiceField(label=_("技能领域"), required=False, choices=_blank(SkillDomain.choices, _("全部")))
    level = forms.ChoiceField(label=_("难度"), required=False, choices=_blank(CourseLevel.choices, _("全部")))
    industry = forms.ChoiceField(label=_("行业"), required=False, choices=_blank(Industry.choices, _("全部")))


class WorkLogForm(forms.Form):
    task = forms.TypedChoiceField(label=_("任务"), coerce=int)
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    hours = forms.DecimalField(label=_("学时"), max_digits=4, decimal_places=1, min_value=0.1, max_value=24)
    content = forms.CharField(
        label=_("工作内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=WORKLOG_CONTENT_MAX
    )
    photos = MultipleImageField(label=_("现场照片"), required=False)

    def __init__(self, *args: Any, tasks: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photos"].help_text = _("最多 %(n)d 张，每张不超过 %(mb)d MB") % {
            "n": settings.LMS_PHOTOS_PER_LOG,
            "mb": settings.LMS_PHOTO_MAX_BYTES // 2**20,
        }
        cast(forms.ChoiceField, self.fields["task"]).choices = [(t.pk, t.title) for t in tasks]
        self.fields["date"].initial = timezone.localdate()


class CohortForm(forms.Form):
    name = forms.CharField(label=_("班级名称"), max_length=120)
    course = forms.TypedChoiceField(label=_("课程"), coerce=int)
    mentor = forms.TypedChoiceField(label=_("企业导师"), coerce=int, required=False, empty_value=None)
    starts_on = forms.DateField(label=_("开班日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    ends_on = forms.DateField(label=_("结业日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    learners = forms.TypedMultipleChoiceField(
        label=_("学员"), coerce=int, widget=forms.CheckboxSelectMultiple, help_text=_("只能选择本单位人员")
    )

    def __init__(self, *args: Any, courses: Any = (), mentors: Any = (), people: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["course"]).choices = [(c.pk, c.title) for c in courses]
        cast(forms.ChoiceField, self.fields["mentor"]).choices = [
            ("", _("暂不指定")),
            *[(m.pk, m.real_name) for m in mentors],
        ]
        cast(forms.ChoiceField, self.fields["learners"]).choices = [
            (p.pk, f"{p.real_name}（{p.mobile_masked}）") for p in people
        ]


# --- Authoring (/learn/manage/) -------------------------------------------------------------------


def _datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class QuizForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=QuizKind.choices)
    description = forms.CharField(
        label=_("说明"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    course = forms.TypedChoiceField(label=_("所属课程"), coerce=int, required=False, empty_value=None)
    counts_for_completion = forms.BooleanField(label=_("计入课程结业"), required=False, initial=True)
    mode = forms.ChoiceField(label=_("组卷方式"), choices=PaperMode.choices, widget=forms.RadioSelect)
    time_limit_minutes = forms.IntegerField(
        label=_("限时（分钟）"), min_value=0, max_value=24 * 60, initial=0, help_text=_("0 表示不限时")
    )
    max_attempts = forms.IntegerField(
        label=_("作答次数上限"), min_value=0, max_value=100, initial=0, help_text=_("0 表示不限次数")
    )
    pass_mark = forms.IntegerField(
        label=_("及格线（%）"), min_value=1, max_value=100, initial=60, help_text=_("按试卷总分的百分比计")
    )
    shuffle_options = forms.BooleanField(label=_("选项乱序（每位学员不同）"), required=False, initial=True)
    opens_at = forms.DateTimeField(label=_("开放时间"), required=False, widget=_datetime_widget())
    closes_at = forms.DateTimeField(label=_("截止时间"), required=False, widget=_datetime_widget())
    is_published = forms.BooleanField(label=_("发布（学员可见）"), required=False)

    def __init__(self, *args: Any, courses: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["course"]).choices = [
            ("", _("不属于课程")),
            *[(c.pk, c.title) for c in courses],
        ]


class RuleForm(forms.Form):
    count = forms.IntegerField(label=_("题量"), min_value=1, max_value=200, required=False)
    qtype = forms.ChoiceField(label=_("题型"), required=False, choices=_blank(QuestionType.choices, _("不限")))
    domain = forms.ChoiceField(label=_("技能领域"), required=False, choices=_blank(SkillDomain.choices, _("不限")))
    level = forms.ChoiceField(label=_("等级"), required=False, choices=_blank(CourseLevel.choices, _("不限")))
    difficulty = forms.TypedChoiceField(
        label=_("难度"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("不限")), *[(i, str(i)) for i in range(1, 6)]],
    )
    knowledge_point = forms.CharField(label=_("知识点"), required=False, max_length=100)
    tag = forms.CharField(label=_("标签"), required=False, max_length=100)


RuleFormSet = forms.formset_factory(RuleForm, extra=2, can_delete=True, max_num=20, absolute_max=40)


class BankSearchForm(forms.Form):
    bank_q = forms.CharField(label=_("题干关键词"), required=False, max_length=50)
    bank_type = forms.ChoiceField(label=_("题型"), required=False, choices=_blank(QuestionType.choices, _("全部")))
    bank_domain = forms.ChoiceField(label=_("技能领域"), required=False, choices=_blank(SkillDomain.choices, _("全部")))


class CourseRuleForm(forms.Form):
    require_lessons = forms.BooleanField(label=_("必修课时全部完成"), required=False)
    require_quizzes = forms.BooleanField(label=_("计入结业的测验全部通过"), required=False)
    require_workstudy = forms.BooleanField(label=_("工学一体任务通过导师审核（课程设置时）"), required=False)
    issue_certificate = forms.BooleanField(label=_("结业颁发证书"), required=False)
    issuer_name = forms.CharField(label=_("颁发单位"), max_length=120, required=False)


class ModuleForm(forms.Form):
    module_title = forms.CharField(label=_("工学一体模块名称"), max_length=200, required=False)
    module_description = forms.CharField(
        label=_("模块说明"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class TaskForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label=_("任务"), max_length=200, required=False)
    required_hours = forms.DecimalField(
        label=_("要求学时"), max_digits=5, decimal_places=1, min_value=0.5, max_value=1000, required=False
    )
    description = forms.CharField(
        label=_("任务书"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    deliverables = forms.CharField(
        label=_("交付成果"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


TaskFormSet = forms.formset_factory(TaskForm, extra=1, can_delete=True, max_num=50, absolute_max=60)


# --- Single inputs of the learner, grader and mentor pages ---------------------------------------


class CertificateLookupForm(forms.Form):
    """The public lookup by certificate number (exact, case-insensitive)."""

    number = forms.CharField(
        label=_("证书编号"),
        max_length=32,
        required=False,
        error_messages={"max_length": _("证书编号最多 %(limit_value)d 位，请核对后重新输入。")},
    )

    def clean_number(self) -> str:
        return self.cleaned_data["number"].upper()


class LessonEvidenceForm(forms.Form):
    """What the lesson page reports: `read` (a heartbeat while the page is visible; `end` once the
    end-of-text marker was seen) or `video` (played `intervals` as JSON [[start, end], …] in
    seconds, and the video's `duration`). The server decides from it whether the lesson is done
    (lms.lesson_rules); no post says "done" by itself."""

    how = forms.ChoiceField(
        choices=[("read", "read"), ("video", "video")],
        error_messages={"invalid_choice": _("未知的学习记录类型。"), "required": _("未知的学习记录类型。")},
    )
    end = forms.BooleanField(required=False)
    intervals = forms.CharField(required=False, max_length=20_000)
    duration = forms.FloatField(
        min_value=0, max_value=24 * 3600, required=False, error_messages={"invalid": _("视频时长应为秒数。")}
    )
    next_lesson = forms.IntegerField(min_value=1, max_value=DB_ID_MAX, required=False)

    def clean_intervals(self) -> list[list[float]]:
        raw = self.cleaned_data.get("intervals") or "[]"
        message = _("观看记录格式不正确，应为 [[开始秒, 结束秒], …]。")
        try:
            data = json.loads(raw)
        except ValueError:
            raise ValidationError(message) from None
        if not isinstance(data, list) or len(data) > 500:
            raise ValidationError(message)
        pairs: list[list[float]] = []
        for pair in data:
            if (
                not isinstance(pair, list)
                or len(pair) != 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in pair)
                or not all(math.isfinite(v) for v in pair)
            ):
                raise ValidationError(message)
            pairs.append([float(pair[0]), float(pair[1])])
        return pairs

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("how") == "video" and not data.get("duration"):
            self.add_error("duration", _("请提供视频时长。"))
        return data


class GradeForm(forms.Form):
    answer = forms.ModelChoiceField(queryset=AttemptAnswer.objects.none(), widget=forms.HiddenInput)
    score = forms.DecimalField(label=_("得分"), min_value=0, max_digits=6, decimal_places=2)
    comment = forms.CharField(
        label=_("评语"), required=False, max_length=GRADE_COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, queue: QuerySet[AttemptAnswer], **kwargs: Any) -> None:
        """`queue`: the answers this grader may grade (an answer outside it is not found)."""
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[AttemptAnswer]", self.fields["answer"]).queryset = queue


class ReviewForm(forms.Form):
    log = forms.ModelChoiceField(queryset=WorkLog.objects.none(), widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("approve", _("通过")), ("return", _("退回"))], widget=forms.HiddenInput)
    comment = forms.CharField(label=_("意见"), required=False, max_length=REVIEW_COMMENT_MAX)

    def __init__(self, *args: Any, queue: QuerySet[WorkLog], **kwargs: Any) -> None:
        """`queue`: the logs waiting for this mentor (a log outside it is not found)."""
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[WorkLog]", self.fields["log"]).queryset = queue


class IdListField(forms.Field):
    """Several ids under one name (`?add=3&add=9`): each a database id, at most `max_items`."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *args: Any, max_items: int = 500, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.max_items = max_items

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        if len(values) > self.max_items:
            raise forms.ValidationError(_("一次最多提交 %(n)d 项。") % {"n": self.max_items})
        ids = [parse_id(v) for v in values]
        if any(i is None for i in ids):
            raise forms.ValidationError(_("提交的编号无效，请刷新页面后重试。"))
        return [i for i in ids if i is not None]


class PaperForm(forms.Form):
    """A fixed paper as posted by the quiz editor: the current questions (`questions`, each with
    an `order_<id>` box), those ticked for removal (`remove`) and those picked from the bank (`add`)."""

    questions = IdListField()
    remove = IdListField()
    add = IdListField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        posted = self.data.getlist("questions") if hasattr(self.data, "getlist") else []
        for qid in {parse_id(v) for v in posted[:500]} - {None}:
            self.fields[f"order_{qid}"] = forms.FloatField(
                required=False, min_value=-1e6, max_value=1e6, error_messages={"invalid": _("题目顺序请填写数字。")}
            )

    def question_ids(self) -> list[int]:
        """The paper in its new order: the current questions sorted by their order boxes (an
        empty box keeps the question's place), minus the removed ones, then the added ones."""
        data = self.cleaned_data
        current = data["questions"]

        def position(pair: tuple[int, int]) -> tuple[float, int]:
            index, qid = pair
            order = data.get(f"order_{qid}")
            return (index + 1 if order is None else order), index

        removed = set(data["remove"])
        kept = [qid for _i, qid in sorted(enumerate(current), key=position) if qid not in removed]
        return list(dict.fromkeys(kept + data["add"]))


class TextListField(forms.Field):
    """Several texts under one name (a multiple-choice question's ticks, a fill-in's blanks)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        if len(values) > 26:
            raise forms.ValidationError(_("答案项过多。"))
        return [str(v) for v in values]


class AnswerSheetForm(forms.Form):
    """The answers posted with a paper's "提交" button when the page runs without JavaScript:
    one field `q<id>` per question. The shape and content of each answer are the actions' to
    check (lms.quizzes.save_answer, save_upload); this bounds what is read."""

    def __init__(self, *args: Any, items: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            name = f"q{item['id']}"
            if item["qtype"] == QuestionType.PRACTICAL:
                self.fields[name] = forms.FileField(required=False)
            elif item["qtype"] in (QuestionType.MULTIPLE, QuestionType.FILL):
                self.fields[name] = TextListField(required=False)
            else:
                self.fields[name] = forms.CharField(required=False, strip=False, max_length=ANSWER_TEXT_MAX)

    def posted(self) -> list[tuple[dict[str, Any], Any]]:
        """(paper item, answer) for each question the post answered, in paper order; practical
        questions give their uploaded file."""
        found = []
        for item in self.items:
            name = f"q{item['id']}"
            if item["qtype"] == QuestionType.PRACTICAL:
                if self.cleaned_data.get(name):
                    found.append((item, self.cleaned_data[name]))
            elif name in self.data:
                found.append((item, self.cleaned_data[name]))
        return found


class ExtendTimeForm(forms.Form):
    """A proctor gives one examinee more minutes; the bounds and the audit are the action's."""

    minutes = forms.IntegerField(label=_("延长（分钟）"), min_value=1, max_value=120, initial=10)
    reason = forms.CharField(
        label=_("原因"),
        max_length=200,
        help_text=_("例如：考场断电、设备故障。原因会记入审计日志。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
