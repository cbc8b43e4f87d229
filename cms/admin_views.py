"""The CMS's own Wagtail admin screens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from accounts.choices import Role
from accounts.http import signed_in_user
from accounts.models import User
from cms import actions, selectors
from cms.forms import CityLimitForm


def may_limit_editors(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.PROVINCE_ADMIN))


class CityEditorsView(WagtailAdminTemplateMixin, FormView):
    """Province admins limit editors/organizers to one city's sections, or lift the limit."""

    template_name = "cms/admin/city_editors.html"
    page_title = gettext_lazy("城市栏目编辑")
    header_icon = "group"
    form_class = CityLimitForm

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not may_limit_editors(request.user):
            # Like Wagtail's own refusals: back to the dashboard, with the reason.
            messages.error(request, _("只有省级管理员可以限定编辑的城市栏目。"))
            return HttpResponseRedirect(reverse("wagtailadmin_home"))
        self.people = selectors.editorial_people()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "people": [entry["user"] for entry in self.people]}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "people": self.people}

    def form_valid(self, form: CityLimitForm) -> HttpResponse:
        person, city = form.cleaned_data["person"], form.cleaned_data["city"]
        try:
            actions.set_city_limit(signed_in_user(self.request), person, city, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        if city is None:
            messages.success(
                self.request, _("已解除 %(name)s 的城市限定，可编辑全省栏目。") % {"name": person.real_name}
            )
        else:
            messages.success(
                self.request,
                _("%(name)s 现在只能编辑%(city)s的新闻和典型案例栏目。")
                % {"name": person.real_name, "city": city.label},
            )
        return HttpResponseRedirect(reverse("cms_city_editors"))
