"""Certificates: issued once per source, verifiable by number or QR code without login, revocable."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from lms.actions import issue_certificate, revoke_certificate
from talent.models import Achievement, AchievementKind

pytestmark = pytest.mark.django_db


def _issue(holder, **kw):
    values = {
        "holder": holder,
        "kind": "award",
        "title": "2026 数字技能大赛 一等奖",
        "issuer_name": "山东省数字技能大赛组委会",
        "source": "competitions.award",
        "source_id": "7",
    }
    values.update(kw)
    return issue_certificate(**values)


def test_issuing_twice_for_the_same_source_returns_the_same_certificate(learner) -> None:
    first = _issue(learner)
    second = _issue(learner, title="别的名称")
    assert first.pk == second.pk
    assert first.number.startswith("SZHJ")
    assert Achievement.objects.filter(person=learner, kind=AchievementKind.CERTIFICATE).count() == 1


def test_public_verification_by_number_and_by_qr_code_needs_no_login(client, learner) -> None:
    cert = _issue(learner, hours=12)
    page = client.get("/learn/verify/", {"number": cert.number}).content.decode()
    assert "证书有效" in page and learner.real_name in page
    assert "证书有效" in client.get(f"/learn/verify/{cert.verify_code}/").content.decode()
    printable = client.get(f"/learn/certificates/{cert.number}/").content.decode()
    assert "<svg" in printable and cert.verify_code in printable
    assert client.get(f"/learn/certificates/{cert.number}/qr.svg")["Content-Type"] == "image/svg+xml"


def test_an_unknown_number_says_so_in_chinese(client) -> None:
    assert "未找到该编号的证书" in client.get("/learn/verify/", {"number": "SZ0000"}).content.decode()
    assert client.get("/learn/verify/deadbeef/").status_code == 404


def test_revocation_needs_a_reason_and_shows_on_the_verification_page(client, learner, organizer) -> None:
    cert = _issue(learner)
    with pytest.raises(ValidationError):
        revoke_certificate(cert, actor=organizer, reason=" ")
    revoke_certificate(cert, actor=organizer, reason="成绩复核后取消")
    page = client.get("/learn/verify/", {"number": cert.number}).content.decode()
    assert "证书已撤销" in page and "成绩复核后取消" in page
    achievement = Achievement.objects.get(person=learner, kind=AchievementKind.CERTIFICATE)
    assert achievement.revoked_at is not None


def test_hostile_text_in_a_certificate_is_escaped(client, learner) -> None:
    cert = _issue(learner, title="<script>alert(1)</script>")
    page = client.get(f"/learn/certificates/{cert.number}/").content.decode()
    assert "<script>alert(1)</script>" not in page
