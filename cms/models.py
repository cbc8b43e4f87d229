"""Wagtail pages. The home page shows the programme in real figures, never invented ones."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from accounts.models import Organization, User


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
