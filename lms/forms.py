"""Forms: input shape only; rules are checked by the actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import CourseLevel, Industry, JobGroup, SkillDomain


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
    content = forms.CharField(label=_("工作内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    photos = MultipleImageField(label=_("现场照片"), required=False, help_text=_("最多 6 张，每张不超过 8 MB"))

    def __init__(self, *args: Any, tasks: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["task"].choices = [(t.pk, t.title) for t in tasks]
        self.fields["date"].initial = timezone.localdate()


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("通过")), ("return", _("退回"))], widget=forms.HiddenInput)
    comment = forms.CharField(label=_("意见"), required=False, max_length=2000)


class GradeForm(forms.Form):
    score = forms.DecimalField(label=_("得分"), min_value=0, max_digits=6, decimal_places=2)
    comment = forms.CharField(
        label=_("评语"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


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
        self.fields["course"].choices = [(c.pk, c.title) for c in courses]
        self.fields["mentor"].choices = [("", _("暂不指定")), *[(m.pk, m.real_name) for m in mentors]]
        self.fields["learners"].choices = [(p.pk, f"{p.real_name}（{p.mobile_masked}）") for p in people]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("题库文件（.xlsx）"))
    confirm = forms.BooleanField(label=_("确认无误，正式导入"), required=False)
