"""/metrics: Prometheus text for the operator's network or token, 404 for everyone else."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from config.metrics import registry

pytestmark = pytest.mark.django_db


def _value(name: str, **labels: str) -> float:
    return registry.get_sample_value(name, labels) or 0.0


def test_the_machine_itself_reads_the_metrics(client: Client) -> None:
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    body = response.content.decode()
    for name in (
        "shuzhi_http_requests_total",
        "shuzhi_websockets_open",
        "shuzhi_live_answers_total",
        "shuzhi_live_rounds_running",
        "shuzhi_jobs_queued",
        "shuzhi_jobs_oldest_queued_seconds",
        'shuzhi_ready{check="database"} 1.0',
        "shuzhi_logins_failed_total",
        "shuzhi_login_lockouts_total",
        "shuzhi_channel_layer_failures_total",
    ):
        assert name in body


@pytest.mark.parametrize(
    "headers",
    [
        {"REMOTE_ADDR": "203.0.113.9"},
        {"REMOTE_ADDR": "203.0.113.9", "HTTP_AUTHORIZATION": "Bearer wrong"},
        # Through a proxy the settings do not know (TRUSTED_PROXY_HOPS=0): the loopback address is the proxy's.
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"},
    ],
)
def test_anyone_else_gets_a_404(client: Client, settings, headers: dict[str, str]) -> None:
    settings.METRICS_TOKEN = "s3cret-token-for-tests"
    response = client.get("/metrics", **headers)
    assert response.status_code == 404
    assert b"shuzhi_" not in response.content


def test_a_token_opens_it_from_anywhere(client: Client, settings) -> None:
    settings.METRICS_TOKEN = "s3cret-token-for-tests"
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-token-for-tests")
    assert response.status_code == 200


def test_behind_a_trusted_proxy_the_client_address_decides(client: Client, settings) -> None:
    settings.TRUSTED_PROXY_HOPS = 1
    outside = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    inside = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert (outside.status_code, inside.status_code) == (404, 200)


def test_requests_are_counted_by_view_and_status(client: Client) -> None:
    before = _value("shuzhi_http_requests_total", view="accounts:login", method="GET", status="200")
    assert client.get("/accounts/login/").status_code == 200
    assert _value("shuzhi_http_requests_total", view="accounts:login", method="GET", status="200") == before + 1
    assert _value("shuzhi_http_request_duration_seconds_count", view="accounts:login") >= 1


def test_a_wrong_password_is_counted(client: Client, make_person) -> None:
    person: User = make_person()
    before = _value("shuzhi_logins_failed_total")
    client.post("/accounts/login/", {"username": person.mobile, "password": "not-the-password"})
    assert _value("shuzhi_logins_failed_total") == before + 1
