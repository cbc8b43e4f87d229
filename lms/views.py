"""Thin views: parse the request, call a selector or an action, render."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lms import certificates as certs
from lms.models import Certificate

# --- Certificates (public) ---------------------------------------------------------------------


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    """Public: look a certificate up by its number (no login)."""
    number = (request.GET.get("number") or "").strip().upper()[:32]
    certificate = None
    searched = bool(number)
    if number:
        certificate = Certificate.objects.select_related("holder").filter(number=number).first()
    return render(request, "lms/verify.html", {"certificate": certificate, "searched": searched, "number": number})


@require_GET
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    """Public: the page a certificate's QR code points at."""
    certificate = Certificate.objects.select_related("holder").filter(verify_code=code[:32]).first()
    if certificate is None:
        raise Http404(_("未找到该证书。"))
    return render(
        request, "lms/verify.html", {"certificate": certificate, "searched": True, "number": certificate.number}
    )


@require_GET
def certificate_print(request: HttpRequest, number: str) -> HttpResponse:
    """Printable certificate; public like the verification page (it shows what that page shows)."""
    certificate = Certificate.objects.select_related("holder").filter(number=number[:32]).first()
    if certificate is None:
        raise Http404(_("未找到该证书。"))
    base = request.build_absolute_uri("/")
    return render(
        request,
        "lms/certificate_print.html",
        {
            "certificate": certificate,
            "qr": certs.qr_svg(certificate, base),
            "verify_url": certs.verification_url(certificate, base),
        },
    )


@require_GET
def certificate_qr(request: HttpRequest, number: str) -> HttpResponse:
    certificate = Certificate.objects.filter(number=number[:32]).first()
    if certificate is None:
        raise Http404
    return HttpResponse(certs.qr_svg(certificate, request.build_absolute_uri("/")), content_type="image/svg+xml")
