"""Forms of the CMS's own admin screens."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from accounts.choices import Industry, RegionKind
from accounts.models import Region, User


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        org = f" · {obj.organization.name}" if obj.organization is not None else ""
        return f"{obj.real_name}（{obj.mobile_masked}）{org}"


class CityLimitForm(forms.Form):
    """Choose an editor/organizer and the city they may edit (empty = province-wide)."""

    person = PersonChoiceField(
        label=_("编辑或组织者"),
        widget=forms.Select(
            attrs={"style": "width: 100%; max-width: 40rem"}
        ),  # long names must not widen a phone screen
        queryset=User.objects.none(),
        error_messages={
            "required": _("请选择一名编辑或组织者。"),
            "invalid_choice": _("只能选择持有编辑或组织者角色的在职人员。"),
        },
    )
    city = forms.ModelChoiceField(
        label=_("城市栏目"),
        queryset=Region.objects.filter(kind=RegionKind.CITY).order_by("code"),
        required=False,
        empty_label=_("全省不限（解除限定）"),
        to_field_name="code",
        error_messages={"invalid_choice": _("只能限定到地级市，请从列表中选择一个地级市。")},
        help_text=_("限定后，此人只能在该市的新闻和典型案例栏目中新建和修改页面，发布仍需审核员批准。"),
    )
    reason = forms.CharField(label=_("原因"), required=False, max_length=200)

    def __init__(self, *args: Any, people: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(PersonChoiceField, self.fields["person"]).queryset = (
            User.objects.filter(pk__in=[p.pk for p in people])
            .select_related("organization")
            .order_by("real_name", "pk")
        )


class PageForm(WagtailAdminPageForm):
    """Every CMS page's admin form: a Chinese title gives a pinyin slug (cms/slugs.py), so the slug
    may be left empty and Wagtail's script's Chinese-stripped guess ("2026年…" → "2026") is replaced."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _("网址中的页面名称，只用小写字母、数字和连字符；留空则按标题的拼音生成。")

    def clean(self) -> dict[str, Any]:
        from cms.slugs import pinyin_slug, wants_pinyin

        title = self.cleaned_data.get("title") or ""
        slug = self.cleaned_data.get("slug") or ""
        published = bool(self.instance.pk and self.instance.first_published_at)
        if (
            "slug" in self.fields
            and not self.errors.get("slug")
            and title
            and wants_pinyin(slug, title, published=published)
        ):
            base = pinyin_slug(title) or "page"
            candidate, n = base, 1
            while not type(self.instance)._slug_is_available(candidate, self.parent_page, self.instance):
                n += 1
                candidate = f"{base}-{n}"
            self.cleaned_data["slug"] = candidate
        return super().clean()


class CasePageForm(PageForm):
    """A case in a city's section belongs to that city: the city is prefilled and must match."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from cms.selectors import section_city

        super().__init__(*args, **kwargs)
        self.section_city = section_city(self.parent_page)
        if self.section_city is not None and "city" in self.fields and not self.initial.get("city"):
            self.initial["city"] = self.section_city.pk

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        city = cleaned.get("city")
        if self.section_city is not None and city is not None and city != self.section_city:
            self.add_error(
                "city",
                gettext("本栏目是%(city)s的城市栏目，案例所在城市只能选%(city)s；其他城市的案例请放到相应城市栏目。")
                % {"city": self.section_city.label},
            )
        return cleaned


# --- Filters in the query string of the public pages ---------------------------------------------
# Choices come from cms.models (which imports this module for CasePageForm), so they are set
# when a form is made. News and case lists keep their shareable-link rule: a value that no
# longer names anything (an old link) is dropped and the list is shown unfiltered by it.


class SiteSearchForm(forms.Form):
    q = forms.CharField(
        label=_("关键词"),
        max_length=100,
        required=False,
        error_messages={"max_length": _("搜索词最多 %(limit_value)d 字（当前 %(show_value)d 字），请缩短后再搜。")},
    )
    type = forms.ChoiceField(required=False, error_messages={"invalid_choice": _("未知的内容类型。")})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from cms.models import SearchKind

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["type"]).choices = [("", ""), *SearchKind.choices]


class _LinkFilters(forms.Form):
    def filters(self) -> dict[str, str]:
        """The valid, non-empty filters (an invalid one is dropped, see above)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class NewsFilterForm(_LinkFilters):
    category = forms.ChoiceField(required=False)
    tag = forms.SlugField(max_length=100, required=False, allow_unicode=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from cms.models import NewsCategory

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = [("", ""), *NewsCategory.choices]


class CaseFilterForm(_LinkFilters):
    """`city` (a city's division code), `industry`, `tag` (slug); see cms.selectors.filter_cases."""

    city = forms.RegexField(regex=r"^\d{6}$", required=False)
    industry = forms.ChoiceField(required=False, choices=[("", ""), *Industry.choices])
    tag = forms.SlugField(max_length=100, required=False, allow_unicode=True)
