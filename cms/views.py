"""Thin views: section shortcuts and the search page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from wagtail.models import Page

from cms import search as cms_search
from cms.forms import SiteSearchForm
from cms.models import CaseIndexPage, NewsIndexPage, PolicyIndexPage, SearchKind
from config.bad_input import invalid_input


def _section(model: type[Page], request: HttpRequest) -> HttpResponse:
    page = model.objects.live().order_by("path").first()
    if page is None:
        raise Http404
    query = request.META.get("QUERY_STRING", "")
    return HttpResponseRedirect(page.get_url(request) + (f"?{query}" if query else ""))


def news(request: HttpRequest) -> HttpResponse:
    return _section(NewsIndexPage, request)


def cases(request: HttpRequest) -> HttpResponse:
    return _section(CaseIndexPage, request)


def policies(request: HttpRequest) -> HttpResponse:
    return _section(PolicyIndexPage, request)


def search(request: HttpRequest) -> HttpResponse:
    form = SiteSearchForm(request.GET)
    if not form.is_valid():
        return invalid_input(request, form)
    query, kind = form.cleaned_data["q"], form.cleaned_data["type"]
    hits, terms = cms_search.search(query, kind) if query else ([], [])
    page_obj = Paginator(hits, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "cms/search.html",
        {"query": query, "kind": kind, "kinds": SearchKind.choices, "page_obj": page_obj, "terms": terms,
         "total": len(hits), "query_string": urlencode({"q": query, "type": kind})},
    )  # fmt: skip
