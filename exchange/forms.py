from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("数据文件"),
        help_text=_("xlsx 或 csv，第 1 行为列标题（请使用模板）。上传后先校验，确认后才写入。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class ExportForm(forms.Form):
    format = forms.ChoiceField(label=_("文件格式"), choices=[("xlsx", "Excel (xlsx)"), ("csv", "CSV")], initial="xlsx")
