"""The calendar page (a month of what concerns the signed-in person) and the personal iCalendar
feed at a secret URL, which phone calendars fetch without a session (accounts/calendar.py)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts import actions, selectors
from accounts.calendar import Month, entries_for, feed_window, month_page, to_ical
from accounts.forms import MonthForm
from accounts.http import AuthenticatedHttpRequest
from accounts.ratelimits import AddressLimit
from config.bad_input import invalid_input


def _feed_rate() -> str:
    return f"{settings.CALENDAR_FEED_LOOKUPS_PER_MINUTE}/m"


feed_lookups = AddressLimit("calendar-feed", _feed_rate, gettext_lazy("日历订阅请求过于频繁，请稍等一分钟后再试。"))


def feed_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("calendar:feed", args=[token]))


@login_required
@require_GET
def month_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = MonthForm(request.GET)
    if not form.is_valid():
        return invalid_input(request, form)
    month = form.cleaned_data["month"] or Month.containing(timezone.localdate())
    context = month_page(request.user, month)
    feed = selectors.calendar_feed_of(request.user)
    if feed is not None:
        url = feed_url(request, feed.token)
        context["feed_url"] = url
        context["webcal_url"] = "webcal://" + url.split("://", 1)[1]
    return render(request, "accounts/calendar.html", context)


@login_required
@require_POST
def rotate_feed(request: AuthenticatedHttpRequest) -> HttpResponse:
    had_one = selectors.calendar_feed_of(request.user) is not None
    actions.rotate_calendar_feed(request.user)
    if had_one:
        messages.success(request, _("已生成新的订阅链接，旧链接已失效。请在手机日历中改用新链接。"))
    else:
        messages.success(request, _("已生成订阅链接，可在手机日历中添加订阅。"))
    return redirect(reverse("calendar:month") + "#feed")


@require_GET
@feed_lookups
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The person's calendar as text/calendar; 404 for a token that opens nothing."""
    person = selectors.calendar_feed_owner(token)
    if person is None:
        raise Http404
    start, end = feed_window()
    base = request.build_absolute_uri("/").rstrip("/")
    body = to_ical(entries_for(person, start, end), name=_("数智英才 · 我的日历"), base_url=base)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="shuzhi-calendar.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
