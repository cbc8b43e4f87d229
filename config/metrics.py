"""Prometheus metrics: what an operator watches, one scrape per daphne process.

`GET /metrics` (answered by the first middleware, before sessions and the request log) returns the
text exposition of this process's registry. Only the operator reaches it: a client address in
METRICS_ALLOWED_NETWORKS (loopback by default: Prometheus on the same machine scrapes each process
on its own port, 127.0.0.1:8001/metrics, not through nginx, which refuses /metrics), or a request
with `Authorization: Bearer <METRICS_TOKEN>` when a token is set. Anyone else gets 404.

Counters and histograms are per process (Prometheus sums them across the scraped processes);
the gauges read from the database at scrape time (live rounds running, job queue depth and age,
readiness) are the same in every process: alert on `max()` of them. Labels are bounded: URL
pattern names (not paths), status codes, socket roles, fixed outcomes.

Instruments (prefix `shuzhi_`):
- `http_requests_total{view,method,status}`, `http_request_duration_seconds{view}` (RequestLogMiddleware)
- `websockets_open{role}` (SocketLog: host, screen, play, notifications)
- `live_answers_total{outcome}` (acked, refused, not_stored: the live round's group commit)
- `channel_layer_failures_total` (a channel-layer call that failed, retried or not)
- `logins_failed_total`, `login_lockouts_total` (accounts.signals)
- at scrape: `live_rounds_running`, `jobs_queued`, `jobs_oldest_queued_seconds`,
  `backup_last_success_timestamp_seconds` (the `backup` Heartbeat row), `ready{check}`
- the process: `process_resident_memory_bytes`, `process_open_fds`, `process_max_fds` (no prefix)
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from collections.abc import Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

logger = logging.getLogger("shuzhi.metrics")

METRICS_PATH = "/metrics"

registry = CollectorRegistry()
# process_resident_memory_bytes, process_open_fds, process_max_fds, process_cpu_seconds_total.
ProcessCollector(registry=registry)

HTTP_REQUESTS = Counter(
    "shuzhi_http_requests", "HTTP requests answered, by URL pattern name, method and status.",
    ["view", "method", "status"], registry=registry,
)  # fmt: skip
HTTP_DURATION = Histogram(
    "shuzhi_http_request_duration_seconds", "Time to answer an HTTP request, by URL pattern name.",
    ["view"], registry=registry,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)  # fmt: skip
WEBSOCKETS_OPEN = Gauge(
    "shuzhi_websockets_open", "WebSockets open on this process, by role.", ["role"], registry=registry
)
LIVE_ANSWERS = Counter(
    "shuzhi_live_answers", "Live-round answers by outcome: acked (committed), refused, not_stored.",
    ["outcome"], registry=registry,
)  # fmt: skip
CHANNEL_LAYER_FAILURES = Counter(
    "shuzhi_channel_layer_failures", "Channel-layer calls that raised (Redis down or restarting).", registry=registry
)
LOGINS_FAILED = Counter("shuzhi_logins_failed", "Sign-in attempts with a wrong password.", registry=registry)
LOGIN_LOCKOUTS = Counter(
    "shuzhi_login_lockouts", "Locks started by the login throttle (account+address or address).", registry=registry
)

SOCKET_ROLES = ("host", "screen", "play", "notifications")
for _role in SOCKET_ROLES:
    WEBSOCKETS_OPEN.labels(role=_role)
# The live round's group commit counts every answer: label lookups done once, here.
LIVE_ACKED = LIVE_ANSWERS.labels(outcome="acked")
LIVE_REFUSED = LIVE_ANSWERS.labels(outcome="refused")
LIVE_NOT_STORED = LIVE_ANSWERS.labels(outcome="not_stored")


def socket_role(path: str) -> str:
    """The bounded role label of a WebSocket path (`/ws/live/7/play/` → play)."""
    parts = [part for part in path.split("/") if part]
    if parts[:2] == ["ws", "notifications"]:
        return "notifications"
    if len(parts) >= 4 and parts[:2] == ["ws", "live"] and parts[3] in SOCKET_ROLES:
        return parts[3]
    return "other"


def observe_request(view: str | None, method: str, status: int, seconds: float) -> None:
    view = view or "unmatched"
    method = method if method in {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"} else "other"
    HTTP_REQUESTS.labels(view=view, method=method, status=str(status)).inc()
    HTTP_DURATION.labels(view=view).observe(seconds)


class DatabaseGauges(Collector):
    """Gauges read when Prometheus scrapes: a few small queries, and the readiness checks."""

    def describe(self) -> list[GaugeMetricFamily]:
        # Nothing to describe up front: registering must not query (settings are still loading).
        return []

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django.apps import apps

        from config.health import failing_checks, readiness_checks

        running = GaugeMetricFamily(
            "shuzhi_live_rounds_running", "Live rounds between their first question and the end."
        )
        queued = GaugeMetricFamily("shuzhi_jobs_queued", "Background jobs waiting for the worker.")
        oldest = GaugeMetricFamily(
            "shuzhi_jobs_oldest_queued_seconds",
            "Age of the oldest background job waiting for the worker (0 when none).",
        )
        backed_up = GaugeMetricFamily(
            "shuzhi_backup_last_success_timestamp_seconds",
            "Unix time when the last `manage.py backup` completed (0 before the first).",
        )
        ready = GaugeMetricFamily("shuzhi_ready", "1 when a readiness check passes, 0 when it fails.", labels=["check"])
        try:
            LiveRound = apps.get_model("live", "LiveRound")
            running.add_metric([], LiveRound.objects.exclude(state__in=["lobby", "ended"]).count())
            DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
            waiting = DBTaskResult.objects.filter(status="READY")
            queued.add_metric([], waiting.count())
            first = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
            oldest.add_metric([], (timezone.now() - first).total_seconds() if first else 0.0)
            Heartbeat = apps.get_model("accounts", "Heartbeat")
            last = Heartbeat.objects.filter(name="backup").values_list("beat_at", flat=True).first()
            backed_up.add_metric([], last.timestamp() if last else 0.0)
            yield running
            yield queued
            yield oldest
            yield backed_up
        except Exception:
            # The database is down: the gauges are left out, and `shuzhi_ready{check="database"}` says why.
            logger.warning("metrics: database gauges unavailable", exc_info=True)
        failing = set(failing_checks())
        for name, needs_database in readiness_checks():
            # Checks that need the database are not run when it is down: they count as failing.
            passed = name not in failing and not (needs_database and "database" in failing)
            ready.add_metric([name], 1.0 if passed else 0.0)
        yield ready


registry.register(DatabaseGauges())


def _allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    sent = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    if request.META.get("HTTP_X_FORWARDED_FOR") and not settings.TRUSTED_PROXY_HOPS:
        # Came through a proxy the settings do not know about: its address is not the client's.
        return False
    from accounts.login_throttle import client_address

    address = client_address(request)
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(network) for network in settings.METRICS_ALLOWED_NETWORKS)


def metrics(request: HttpRequest) -> HttpResponse:
    """The exposition for the operator; a 404 (as for any unknown path) for everyone else."""
    if not _allowed(request):
        return HttpResponse("Not Found", status=404, content_type="text/plain; charset=utf-8")
    response = HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
