"""The CMS's additions to the Wagtail admin: the city editors screen (province admins only)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms.admin_views import CityEditorsView, may_limit_editors


class ProvinceAdminMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return may_limit_editors(request.user)


@hooks.register("register_admin_urls")
def city_editor_urls() -> list[Any]:
    return [path("city-editors/", CityEditorsView.as_view(), name="cms_city_editors")]


@hooks.register("register_admin_menu_item")
def city_editors_menu_item() -> MenuItem:
    return ProvinceAdminMenuItem(_("城市栏目编辑"), reverse("cms_city_editors"), icon_name="group", order=900)


@hooks.register("construct_help_menu")
def no_outside_help_links(request: HttpRequest, menu_items: list[MenuItem]) -> None:
    """Drop the help menu's links to guide.wagtail.org: the deployments have no route outside."""
    menu_items[:] = [
        item for item in menu_items if not str(getattr(item, "url", "")).startswith(("http:", "https:", "//"))
    ]
