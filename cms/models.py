"""Wagtail pages. The home page shows the programme in real figures, never invented ones."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from accounts.choices import CourseLevel, Industry, JobGroup, RegionKind, SkillDomain
from accounts.models import Organization, Region, User
from cms.blocks import RICH_FEATURES, DocumentBlock, ImageBlock, LessonBody, LinkBlock, OutcomeBlock, ResultItemBlock
from cms.fields import ChoiceListField
from cms.fields import SafeRichTextField as RichTextField
from cms.forms import CasePageForm

if TYPE_CHECKING:
    import datetime as dt
    from decimal import Decimal

    from wagtail.images.models import Image

# Names of the Wagtail hooks through which apps to the right of cms (which cms cannot import)
# contribute to the home page. See docs/cms.md.
HOME_CONTESTS_HOOK = "shuzhi_home_contests"
HOME_FIGURES_HOOK = "shuzhi_home_figures"


# The two mixins below are mixed into Wagtail's Page, which mypy cannot see (Wagtail ships no
# types): their calls to Page's methods and attributes carry `type: ignore`s for that reason.


class CachedPageMixin:
    """Marks the response of a live page as cacheable by `cms.middleware.PageCacheMiddleware`."""

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        # Defaults for the SEO/OpenGraph block of cms/page_base.html; pages override them.
        context = super().get_context(request, *args, **kwargs)  # type: ignore[misc]
        context.setdefault("meta_description", self.search_description)  # type: ignore[attr-defined]
        context.setdefault("og_image", None)
        context.setdefault("og_type", "website")
        return context

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().serve(request, *args, **kwargs)  # type: ignore[misc]
        request._cms_page_cacheable = True  # type: ignore[attr-defined]  # a mark PageCacheMiddleware reads
        return response


class SectionIndexMixin:
    """A section index lives under the home page or, as one city's section, directly under the
    main index of its own type (one level: no section inside a city section). City sections
    exist so a city's editors can be given page permissions on just that subtree
    (`actions.ensure_city_sections`); every index lists all pages below it."""

    @classmethod
    def can_create_at(cls, parent: Page) -> bool:
        if not super().can_create_at(parent):  # type: ignore[misc]
            return False
        if parent.specific_class is not cls:
            return True
        grandparent = parent.get_parent()
        return grandparent is not None and grandparent.specific_class is not cls


class HomePage(CachedPageMixin, Page):
    hero_title: models.CharField[str, str] = models.CharField(_("主标题"), max_length=120, default="数智英才")
    hero_text: models.TextField[str, str] = models.TextField(
        _("导语"),
        blank=True,
        default="面向中小制造企业的数字技能人才培育平台：在线学习、工学一体、以赛促学、以赛代评。",
    )

    content_panels = [*Page.content_panels, FieldPanel("hero_title"), FieldPanel("hero_text")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.CourseIndexPage", "cms.NewsIndexPage", "cms.CaseIndexPage", "cms.PolicyIndexPage"]

    class Meta:
        verbose_name = _("首页")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        # Real counts only: the platform's, talent's programme figures (precomputed KPI counts),
        # then what apps to the right add through the figures hook.
        from talent.selectors import programme_figures

        figures: list[tuple[Any, Any]] = [
            (_("注册学员"), User.objects.filter(is_active=True).count()),
            (_("参与单位"), Organization.objects.count()),
            (_("在线课程"), CoursePage.objects.live().count()),
            *programme_figures(),
        ]
        for hook in hooks.get_hooks(HOME_FIGURES_HOOK):
            figures.extend(hook(request))
        contests: list[dict[str, Any]] = []
        for hook in hooks.get_hooks(HOME_CONTESTS_HOOK):
            contests.extend(hook(request))
        context["figures"] = figures
        context["contests"] = contests[:6]
        context["courses"] = list(CoursePage.objects.live().select_related("cover").order_by("-first_published_at")[:3])
        context["news"] = list(NewsPage.objects.live().select_related("cover").order_by("-date", "-pk")[:4])
        context["cases"] = list(
            CasePage.objects.live().select_related("cover", "city").order_by("-first_published_at")[:3]
        )
        context["meta_description"] = self.hero_text[:150]
        return context


class CourseIndexPage(CachedPageMixin, Page):
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


class CoursePage(CachedPageMixin, Page):
    summary: models.TextField[str, str] = models.TextField(_("课程简介"), max_length=600)
    audience_tracks = ChoiceListField(
        _("面向人群"), base_choices=JobGroup.choices, help_text=_("一线操作人员、技术骨干或管理人员")
    )
    skill_domain: models.CharField[str, str] = models.CharField(
        _("技能领域"), max_length=32, choices=SkillDomain.choices
    )
    level: models.CharField[str, str] = models.CharField(
        _("难度"), max_length=16, choices=CourseLevel.choices, default=CourseLevel.BEGINNER
    )
    industries = ChoiceListField(_("适用行业"), base_choices=Industry.choices, help_text=_("不选表示适用于所有行业"))
    hours: models.DecimalField[Decimal, Decimal] = models.DecimalField(
        _("学时"), max_digits=5, decimal_places=1, default=0
    )
    cover: models.ForeignKey[Image | None, Image | None] = models.ForeignKey(
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


class LessonPage(CachedPageMixin, Page):
    summary: models.TextField[str, str] = models.TextField(_("本课简介"), blank=True, max_length=600)
    body = StreamField(LessonBody(), verbose_name=_("课程内容"), blank=True)
    duration_minutes: models.PositiveIntegerField[int, int] = models.PositiveIntegerField(_("时长（分钟）"), default=20)
    is_required: models.BooleanField[bool, bool] = models.BooleanField(_("必修"), default=True)

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


# --- News --------------------------------------------------------------------------------------


class NewsCategory(models.TextChoices):
    NOTICE = "notice", _("通知公告")
    WORK = "work", _("工作动态")
    MEDIA = "media", _("媒体报道")
    CONTEST = "contest", _("赛事资讯")


class NewsIndexPage(SectionIndexMixin, CachedPageMixin, Page):
    """The news section; a city's news section is a NewsIndexPage under the main one."""

    intro = RichTextField(_("简介"), blank=True, features=RICH_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage", "cms.NewsIndexPage"]
    subpage_types = ["cms.NewsPage", "cms.NewsIndexPage"]
    page_size = 10

    class Meta:
        verbose_name = _("新闻栏目")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        from cms.forms import NewsFilterForm

        articles = NewsPage.objects.descendant_of(self).live().select_related("cover").order_by("-date", "-pk")
        filters = NewsFilterForm(request.GET).filters()
        category, tag = filters.get("category", ""), filters.get("tag", "")
        if category:
            articles = articles.filter(category=category)
        if tag:
            articles = articles.filter(tags__slug=tag).distinct()
        context["page_obj"] = Paginator(articles, self.page_size).get_page(request.GET.get("page"))
        context["categories"] = NewsCategory.choices
        context["category"] = category
        context["tag"] = tag
        return context


class NewsTag(TaggedItemBase):
    content_object = ParentalKey("cms.NewsPage", on_delete=models.CASCADE, related_name="tagged_items")


class NewsPage(CachedPageMixin, Page):
    category: models.CharField[str, str] = models.CharField(
        _("分类"), max_length=16, choices=NewsCategory.choices, default=NewsCategory.WORK
    )
    date: models.DateField[dt.date, dt.date] = models.DateField(_("发布日期"), default=timezone.localdate)
    source: models.CharField[str, str] = models.CharField(_("来源"), max_length=120, blank=True)
    summary: models.TextField[str, str] = models.TextField(_("摘要"), max_length=300, blank=True)
    cover: models.ForeignKey[Image | None, Image | None] = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("封面"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cover_alt: models.CharField[str, str] = models.CharField(
        _("封面替代文字"), max_length=200, blank=True, help_text=_("描述图片内容，供读屏软件朗读")
    )
    body = RichTextField(_("正文"), features=[*RICH_FEATURES, "image", "embed"])
    tags = ClusterTaggableManager(through=NewsTag, blank=True, verbose_name=_("标签"))

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("category"), FieldPanel("date"), FieldPanel("source")]),
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("cover"), FieldPanel("cover_alt")], heading=_("封面")),
        FieldPanel("body"),
        FieldPanel("tags"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("新闻")
        verbose_name_plural = _("新闻")

    def clean(self) -> None:
        super().clean()
        if self.cover_id and not self.cover_alt:
            from django.core.exceptions import ValidationError

            raise ValidationError({"cover_alt": _("有封面时必须填写替代文字")})

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["meta_description"] = self.summary[:150]
        context["og_image"] = self.cover
        context["og_type"] = "article"
        return context


# --- Case studies --------------------------------------------------------------------------------


class CaseIndexPage(SectionIndexMixin, CachedPageMixin, Page):
    """The case section; a city's case section is a CaseIndexPage under the main one."""

    intro = RichTextField(_("简介"), blank=True, features=RICH_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage", "cms.CaseIndexPage"]
    subpage_types = ["cms.CasePage", "cms.CaseIndexPage"]
    page_size = 12

    class Meta:
        verbose_name = _("典型案例栏目")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from cms.forms import CaseFilterForm
        from cms.selectors import filter_cases

        context = super().get_context(request, *args, **kwargs)
        wanted = CaseFilterForm(request.GET).filters()
        cases, filters = filter_cases(CasePage.objects.descendant_of(self).live(), wanted)
        context["page_obj"] = Paginator(cases, self.page_size).get_page(request.GET.get("page"))
        context["filters"] = filters
        context["cities"] = Region.objects.filter(kind=RegionKind.CITY).order_by("code")
        context["industries"] = Industry.choices
        return context


class CaseTag(TaggedItemBase):
    content_object = ParentalKey("cms.CasePage", on_delete=models.CASCADE, related_name="tagged_items")


class CasePage(CachedPageMixin, Page):
    organization: models.ForeignKey[Organization | None, Organization | None] = models.ForeignKey(
        Organization, verbose_name=_("企业"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    enterprise_name: models.CharField[str, str] = models.CharField(
        _("企业名称"), max_length=120, help_text=_("对外展示的企业名称")
    )
    city: models.ForeignKey[Region, Region] = models.ForeignKey(
        Region,
        verbose_name=_("城市"),
        on_delete=models.PROTECT,
        limit_choices_to={"kind": RegionKind.CITY},
        related_name="+",
    )
    industry: models.CharField[str, str] = models.CharField(_("行业"), max_length=20, choices=Industry.choices)
    job_group: models.CharField[str, str] = models.CharField(
        _("岗位类别"), max_length=20, choices=JobGroup.choices, blank=True
    )
    summary: models.TextField[str, str] = models.TextField(_("案例摘要"), max_length=400)
    cover: models.ForeignKey[Image | None, Image | None] = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("封面"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    challenge = RichTextField(_("面临的问题"), features=RICH_FEATURES)
    solution = RichTextField(_("数字化解决方案"), blank=True, features=RICH_FEATURES)
    training = RichTextField(_("人才培训"), blank=True, features=RICH_FEATURES)
    work_study = RichTextField(_("工学一体"), blank=True, features=RICH_FEATURES)
    results = StreamField([("result", ResultItemBlock())], verbose_name=_("成效"), blank=True)
    gallery = StreamField([("image", ImageBlock())], verbose_name=_("图集"), blank=True)
    related_courses = ParentalManyToManyField(
        "cms.CoursePage", verbose_name=_("相关课程"), blank=True, related_name="+"
    )
    related_contests = StreamField([("contest", LinkBlock())], verbose_name=_("相关赛事"), blank=True)
    tags = ClusterTaggableManager(through=CaseTag, blank=True, verbose_name=_("标签"))

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("enterprise_name"),
                FieldPanel("organization"),
                FieldRowPanel([FieldPanel("city"), FieldPanel("industry"), FieldPanel("job_group")]),
                FieldPanel("tags"),
            ],
            heading=_("基本信息"),
        ),
        FieldPanel("summary"),
        FieldPanel("cover"),
        FieldPanel("challenge"),
        FieldPanel("solution"),
        FieldPanel("training"),
        FieldPanel("work_study"),
        FieldPanel("results"),
        FieldPanel("gallery"),
        FieldPanel("related_courses"),
        FieldPanel("related_contests"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("challenge"),
        index.SearchField("solution"),
    ]
    parent_page_types = ["cms.CaseIndexPage"]
    subpage_types: list[str] = []
    base_form_class = CasePageForm

    class Meta:
        verbose_name = _("典型案例")
        verbose_name_plural = _("典型案例")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["related_courses"] = list(self.related_courses.live().order_by("path"))
        context["case_tags"] = list(self.tags.all())
        context["meta_description"] = self.summary[:150]
        context["og_image"] = self.cover
        context["og_type"] = "article"
        return context


# --- Policies ------------------------------------------------------------------------------------


class PolicyIndexPage(CachedPageMixin, Page):
    intro = RichTextField(_("简介"), blank=True, features=RICH_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.PolicyPage"]

    class Meta:
        verbose_name = _("政策文件栏目")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        policies = PolicyPage.objects.child_of(self).live().order_by("-issued_on", "-pk")
        context["page_obj"] = Paginator(policies, 20).get_page(request.GET.get("page"))
        return context


class PolicyPage(CachedPageMixin, Page):
    authority: models.CharField[str, str] = models.CharField(_("发文机关"), max_length=200)
    document_number: models.CharField[str, str] = models.CharField(
        _("文号"), max_length=60, blank=True, help_text=_("例如：鲁工信服〔2025〕175号；征求意见稿可留空")
    )
    issued_on: models.DateField[dt.date, dt.date] = models.DateField(_("发布日期"))
    effective_on: models.DateField[dt.date | None, dt.date | None] = models.DateField(
        _("施行日期"), null=True, blank=True
    )
    expires_on: models.DateField[dt.date | None, dt.date | None] = models.DateField(
        _("有效期至"), null=True, blank=True
    )
    summary: models.TextField[str, str] = models.TextField(_("摘要"), max_length=600)
    body = RichTextField(_("正文"), features=RICH_FEATURES)
    attachments = StreamField([("document", DocumentBlock())], verbose_name=_("附件"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("authority"), FieldPanel("document_number")]),
        FieldRowPanel([FieldPanel("issued_on"), FieldPanel("effective_on"), FieldPanel("expires_on")]),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("attachments"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("document_number"),
    ]
    parent_page_types = ["cms.PolicyIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("政策文件")
        verbose_name_plural = _("政策文件")

    def clean(self) -> None:
        super().clean()
        from django.core.exceptions import ValidationError

        if self.effective_on and self.issued_on and self.effective_on < self.issued_on:
            raise ValidationError({"effective_on": _("施行日期不能早于发布日期")})
        if self.expires_on and self.effective_on and self.expires_on < self.effective_on:
            raise ValidationError({"expires_on": _("有效期不能早于施行日期")})

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["meta_description"] = self.summary[:150]
        context["og_type"] = "article"
        return context


# --- Search --------------------------------------------------------------------------------------


class SearchKind(models.TextChoices):
    NEWS = "news", _("新闻")
    CASE = "case", _("典型案例")
    POLICY = "policy", _("政策文件")
    COURSE = "course", _("课程")
    LESSON = "lesson", _("课时")


class SearchEntry(models.Model):
    """A searchable copy of one live page's text (see cms/search.py for why and how)."""

    page = models.OneToOneField(Page, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=SearchKind.choices, db_index=True)
    title = models.CharField(max_length=255)
    text = models.TextField(help_text="NFKC, lower-cased title + summary + body, for substring matching")
    tokens = models.TextField(help_text="jieba search-mode tokens separated by spaces, for ranking")
    published_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("搜索索引")
        indexes = [models.Index(fields=["kind", "-published_at"])]

    def __str__(self) -> str:
        return self.title
