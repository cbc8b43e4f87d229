"""Wagtail pages. The home page shows the programme in real figures, never invented ones."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from accounts.choices import CourseLevel, Industry, JobGroup, SkillDomain
from accounts.models import Organization, User
from cms.blocks import RICH_FEATURES, LessonBody, OutcomeBlock
from cms.fields import ChoiceListField


class HomePage(Page):
    hero_title = models.CharField(_("主标题"), max_length=120, default="数智英才")
    hero_text = models.TextField(
        _("导语"),
        blank=True,
        default="面向中小制造企业的数字技能人才培育平台：在线学习、工学一体、以赛促学、以赛代评。",
    )

    content_panels = [*Page.content_panels, FieldPanel("hero_title"), FieldPanel("hero_text")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("首页")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["figures"] = [
            (_("注册学员"), User.objects.filter(is_active=True).count()),
            (_("参与单位"), Organization.objects.count()),
        ]
        return context


class CourseIndexPage(Page):
    """The course catalogue section; the LMS shows the learner-facing catalogue."""

    intro = RichTextField(_("简介"), blank=True, features=RICH_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.CoursePage"]

    class Meta:
        verbose_name = _("课程目录")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["courses"] = list(CoursePage.objects.child_of(self).live().select_related("cover").order_by("path"))
        return context


class CoursePage(Page):
    summary = models.TextField(_("课程简介"), max_length=600)
    audience_tracks = ChoiceListField(
        _("面向人群"), base_choices=JobGroup.choices, help_text=_("一线操作人员、技术骨干或管理人员")
    )
    skill_domain = models.CharField(_("技能领域"), max_length=32, choices=SkillDomain.choices)
    level = models.CharField(_("难度"), max_length=16, choices=CourseLevel.choices, default=CourseLevel.BEGINNER)
    industries = ChoiceListField(_("适用行业"), base_choices=Industry.choices, help_text=_("不选表示适用于所有行业"))
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1, default=0)
    cover = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("封面"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outline = RichTextField(_("课程大纲"), blank=True, features=RICH_FEATURES)
    outcomes = StreamField([("outcome", OutcomeBlock())], verbose_name=_("学习成果"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("audience_tracks"),
                FieldPanel("skill_domain"),
                FieldPanel("level"),
                FieldPanel("industries"),
                FieldPanel("hours"),
            ],
            heading=_("课程属性"),
        ),
        FieldPanel("cover"),
        FieldPanel("outline"),
        FieldPanel("outcomes"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("outline"),
        index.FilterField("skill_domain"),
        index.FilterField("level"),
    ]
    parent_page_types = ["cms.CourseIndexPage"]
    subpage_types = ["cms.LessonPage"]

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("课程")

    def lessons(self) -> models.QuerySet[LessonPage]:
        """Live lessons in page-tree order (the order editors arrange in the admin)."""
        return LessonPage.objects.child_of(self).live().order_by("path")

    def audience_labels(self) -> list[str]:
        return [str(JobGroup(value).label) for value in self.audience_tracks if value in JobGroup.values]

    def industry_labels(self) -> list[str]:
        return [str(Industry(value).label) for value in self.industries if value in Industry.values]

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        # One query for all lessons whatever their number; only the columns the list shows.
        context["lessons"] = list(
            self.lessons().only("id", "title", "slug", "path", "depth", "url_path", "duration_minutes", "is_required")
        )
        context["parent"] = self.get_parent()
        context["audience_labels"] = self.audience_labels()
        context["industry_labels"] = self.industry_labels()
        context["meta_description"] = self.summary[:150]
        context["og_image"] = self.cover
        return context


class LessonPage(Page):
    summary = models.TextField(_("本课简介"), blank=True, max_length=600)
    body = StreamField(LessonBody(), verbose_name=_("课程内容"), blank=True)
    duration_minutes = models.PositiveIntegerField(_("时长（分钟）"), default=20)
    is_required = models.BooleanField(_("必修"), default=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("duration_minutes"),
        FieldPanel("is_required"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cms.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("课时")
        verbose_name_plural = _("课时")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        course = (
            CoursePage.objects.filter(path=self.path[: -self.steplen]).only("id", "title", "url_path", "path").first()
        )
        # Siblings in one query give previous/next and the position, whatever the lesson count.
        siblings = list(
            LessonPage.objects.sibling_of(self)
            .live()
            .order_by("path")
            .only("id", "title", "slug", "path", "depth", "url_path")
        )
        ids = [lesson.pk for lesson in siblings]
        position = ids.index(self.pk) if self.pk in ids else -1
        context["course"] = course
        context["lesson_count"] = len(siblings)
        context["position"] = position + 1
        context["previous"] = siblings[position - 1] if position > 0 else None
        context["next"] = siblings[position + 1] if 0 <= position < len(siblings) - 1 else None
        context["meta_description"] = self.summary[:150]
        context["og_type"] = "article"
        return context
