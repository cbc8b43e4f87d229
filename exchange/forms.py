from __future__ import annotations

from django import forms
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("数据文件"),
        help_text=_("xlsx 或 csv，第 1 行为列标题（请使用模板）。上传后先校验，确认后才写入。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class ExportForm(forms.Form):
    format = forms.ChoiceField(label=_("文件格式"), choices=[("xlsx", "Excel (xlsx)"), ("csv", "CSV")], initial="xlsx")


class ScopeForm(forms.Form):
    """Where a person came from, read from the query string of the exchange's URLs: the context
    reference of the page (a contest's slug, a cohort's id) and the page to lead back to.

    `next` is kept only as a local path of this site (never another host), else dropped.
    """

    context = forms.CharField(max_length=100, required=False)
    next = forms.CharField(max_length=500, required=False)

    def clean_next(self) -> str:
        url = self.cleaned_data["next"]
        if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
            return url
        return ""


class ConfirmForm(forms.Form):
    """The confirmation of a checked import: write every row, or only the valid ones."""

    mode = forms.ChoiceField(choices=[("all", "all"), ("only_valid", "only_valid")], required=False)

    @property
    def only_valid(self) -> bool:
        return self.is_valid() and self.cleaned_data["mode"] == "only_valid"
