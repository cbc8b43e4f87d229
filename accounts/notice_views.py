"""The inbox of notices and the notice preferences (accounts/notifications.py does the work)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import actions, notifications
from accounts.forms import NoticePreferencesForm
from accounts.http import AuthenticatedHttpRequest
from accounts.models import Notice
from accounts.notifications import Channels

PAGE_SIZE = 20


def _own(request: AuthenticatedHttpRequest, pk: int) -> Notice:
    # Another person's notice is "not found", never "forbidden": ids say nothing.
    return get_object_or_404(Notice, pk=pk, person=request.user)


def _back(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = request.POST.get("page", "")
    url = reverse("accounts:notices")
    return redirect(f"{url}?page={int(page)}" if page.isdigit() else url)


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's notices, newest first, 20 a page; unread ones marked."""
    page = Paginator(notifications.inbox(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/notices.html", {"page": page, "unread": notifications.unread_count(request.user)})


@login_required
def notice_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Follow a notice to where the person acts on it, marking it read."""
    notice = actions.mark_read(_own(request, pk), person=request.user)
    return redirect(notice.url or reverse("accounts:notices"))


@login_required
@require_POST
def notice_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actions.mark_read(_own(request, pk), person=request.user)
    return _back(request)


@login_required
@require_POST
def notices_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = actions.mark_all_read(request.user)
    if count:
        messages.success(request, _("已将 %(n)s 条通知标为已读。") % {"n": count})
    return _back(request)


@login_required
def notice_preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Which kinds of notice also come by email or SMS."""
    current = notifications.preferences(request.user)
    form = NoticePreferencesForm(request.POST or None, initial_channels=current)
    if request.method == "POST" and form.is_valid():
        actions.set_preferences(
            request.user,
            {
                kind: Channels(email=form.cleaned_data[f"email_{kind}"], sms=form.cleaned_data[f"sms_{kind}"])
                for kind, _label in form.kinds
            },
        )
        messages.success(request, _("通知设置已保存。"))
        return redirect("accounts:notice_preferences")
    language = dict(settings.LANGUAGES)[notifications.language_of(request.user)]
    return render(request, "accounts/notice_preferences.html", {"form": form, "notice_language": language})
