"""Issue #19 item 12: public certificate lookups are limited per client address (a Chinese 429),
are exact (no search by name or part of a number) and show no more than the certificate shows."""

from __future__ import annotations

import pytest
from django.test import Client

from lms.actions import issue_certificate
from talent import actions as talent_actions

pytestmark = pytest.mark.django_db

PUBLIC_LOOKUPS = ["/learn/verify/?number={number}", "/learn/verify/{code}/", "/learn/certificates/{number}/"]


@pytest.fixture
def certificate(learner):
    return issue_certificate(
        holder=learner,
        kind="award",
        title="2026 数字技能大赛 一等奖",
        issuer_name="山东省数字技能大赛组委会",
        source="competitions.award",
        source_id="7",
    )


def test_one_address_gets_a_chinese_429_after_its_lookups_per_minute(client, certificate, settings) -> None:
    settings.CERTIFICATE_LOOKUPS_PER_MINUTE = 5
    urls = [u.format(number=certificate.number, code=certificate.verify_code) for u in PUBLIC_LOOKUPS]
    statuses = [client.get(urls[n % 3], REMOTE_ADDR="10.1.1.1").status_code for n in range(5)]
    assert statuses == [200] * 5
    refused = client.get(f"/learn/certificates/{certificate.number}/qr.svg", REMOTE_ADDR="10.1.1.1")
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert (
        "证书查询过于频繁" in refused.content.decode() and certificate.holder.real_name not in refused.content.decode()
    )
    # Another address has its own budget, and a forged X-Forwarded-For buys no fresh one.
    assert client.get(urls[0], REMOTE_ADDR="10.1.1.2").status_code == 200
    assert client.get(urls[0], REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="192.0.2.9").status_code == 429


def test_skill_certificate_lookups_are_limited_too(client, learner, province_admin, settings) -> None:
    settings.CERTIFICATE_LOOKUPS_PER_MINUTE = 3
    evaluation = talent_actions.propose_evaluation(
        person=learner, level="l3", route="contest", body="省赛组委会", evidence={}, source="c", source_id=1
    )
    talent_actions.approve_evaluation(evaluation, actor=province_admin)
    for _ in range(3):
        assert client.get(f"/talent/verify/{evaluation.verify_code}/").status_code == 200
    assert client.get("/talent/verify/", {"code": "deadbeef"}).status_code == 429


def test_a_lookup_is_exact_and_shows_only_what_the_certificate_shows(certificate, learner) -> None:
    client = Client()
    page = client.get("/learn/verify/", {"number": certificate.number.lower()}).content.decode()
    assert learner.real_name in page  # as printed on the certificate
    for private in (learner.mobile, "济南测试精工有限公司"):  # the learner's mobile and employer
        assert private not in page
    for partial in (certificate.number[:-1], certificate.number[4:], learner.real_name):
        page = client.get("/learn/verify/", {"number": partial}).content.decode()
        assert "未找到该编号的证书" in page and "cert-result" not in page
