"""Certificates of any kind: issuing, revoking and the QR code of the public verification page.

Used by lms (course completion) and by contests (award certificates) through
`lms.actions.issue_certificate` / `revoke_certificate`, which re-export these functions.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actions import audit
from accounts.models import User
from lms.models import Certificate
from talent.actions import record_achievement, revoke_achievement
from talent.models import AchievementKind

KIND_PREFIX = {"course": "KC", "award": "HJ", "exam": "KS"}


def _new_number(kind: str) -> str:
    prefix = KIND_PREFIX.get(kind, "ZS")
    return f"SZ{prefix}{timezone.now():%Y}{secrets.randbelow(10**8):08d}"


@transaction.atomic
def issue_certificate(
    *,
    holder: User,
    kind: str,
    title: str,
    issuer_name: str,
    hours: Decimal | float | int | None = None,
    source: str,
    source_id: str | int,
    details: dict[str, Any] | None = None,
    actor: User | None = None,
) -> Certificate:
    """Issue a certificate; idempotent by (source, source_id, holder).

    Issuing again returns the existing certificate unchanged (a revoked one stays revoked: a
    revocation is a decision, not something a retry undoes). Writes a CERTIFICATE achievement
    (source "lms.certificate", source_id the certificate id) in the same transaction.
    """
    if not title.strip() or not issuer_name.strip():
        raise ValidationError(_("证书名称和颁发单位不能为空。"))
    key = {"source": source, "source_id": str(source_id), "holder": holder}
    existing = Certificate.objects.filter(**key).first()
    if existing is not None:
        return existing
    for _try in range(5):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    **key,
                    number=_new_number(kind),
                    verify_code=secrets.token_hex(10),
                    kind=kind,
                    title=title.strip()[:200],
                    issuer_name=issuer_name.strip()[:120],
                    hours=Decimal(str(hours)) if hours is not None else None,
                    details=details or {},
                )
            break
        except IntegrityError:
            # Either a concurrent issue for the same source won (return it) or a number collided.
            existing = Certificate.objects.filter(**key).first()
            if existing is not None:
                return existing
    else:  # pragma: no cover - five random 8-digit collisions in a row
        raise ValidationError(_("证书编号生成失败，请重试。"))
    audit(actor, "certificate.issue", certificate, after={"number": certificate.number, "title": certificate.title})
    record_achievement(
        person=holder,
        kind=AchievementKind.CERTIFICATE,
        source="lms.certificate",
        source_id=certificate.pk,
        title=certificate.title,
        occurred_at=certificate.issued_at,
        data={
            "number": certificate.number,
            "kind": kind,
            "issuer": certificate.issuer_name,
            "hours": str(certificate.hours) if certificate.hours is not None else None,
            "source": source,
            "source_id": str(source_id),
        },
        actor=actor,
    )
    return certificate


@transaction.atomic
def revoke_certificate(certificate: Certificate, *, actor: User | None, reason: str) -> Certificate:
    """Revoke with a reason (shown on the public verification page); revokes the achievement too."""
    if not reason or not reason.strip():
        raise ValidationError(_("撤销证书必须填写原因。"))
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.revoked_at is not None:
        return locked
    locked.revoked_at = timezone.now()
    locked.revoked_reason = reason.strip()
    locked.revoked_by = actor if actor is not None and actor.pk else None
    locked.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    audit(
        actor,
        "certificate.revoke",
        locked,
        before={"valid": True},
        after={"valid": False},
        reason=locked.revoked_reason,
    )
    revoke_achievement(
        person=locked.holder,
        kind=AchievementKind.CERTIFICATE,
        source="lms.certificate",
        source_id=locked.pk,
        reason=locked.revoked_reason,
        actor=actor,
    )
    certificate.revoked_at, certificate.revoked_reason = locked.revoked_at, locked.revoked_reason
    return locked


def verification_url(certificate: Certificate, base: str | None = None) -> str:
    """Absolute address of the public verification page (base: the request's, else SITE_URL)."""
    root = (base or settings.WAGTAILADMIN_BASE_URL).rstrip("/")
    return root + reverse("lms:verify_code", args=[certificate.verify_code])


def url_qr_svg(url: str, *, white_background: bool = False) -> str:
    """An SVG QR code (inline markup, 4-module quiet zone) for `url`. `white_background` paints
    the quiet zone white, for a dark page such as a hall's big screen."""
    factory = qrcode.image.svg.SvgPathFillImage if white_background else qrcode.image.svg.SvgPathImage
    image = qrcode.make(url, image_factory=factory, box_size=8)
    return image.to_string(encoding="unicode")


def qr_svg(certificate: Certificate, base: str | None = None) -> str:
    """An SVG QR code pointing at the certificate's public verification page."""
    return url_qr_svg(verification_url(certificate, base))
