from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from accounts import housekeeping
from accounts.models import SmsCode

pytestmark = pytest.mark.django_db


def _code(mobile: str, expires_at: dt.datetime) -> SmsCode:
    return SmsCode.objects.create(
        mobile=mobile, purpose="register", code_hash="x" * 64, expires_at=expires_at, created_at=expires_at
    )


def test_expired_sessions_and_old_sms_codes_go_and_live_ones_stay() -> None:
    now = timezone.now()
    live = SessionStore()
    live.create()
    old = SessionStore()
    old.create()
    Session.objects.filter(session_key=old.session_key).update(expire_date=now - dt.timedelta(minutes=1))
    fresh = _code("13800000001", now + dt.timedelta(minutes=5))
    just_expired = _code("13800000002", now - dt.timedelta(hours=1))
    _code("13800000003", now - dt.timedelta(days=2))  # two days past expiry: goes

    out = StringIO()
    call_command("housekeeping", stdout=out)

    removed = json.loads(out.getvalue())
    assert removed["expired_sessions"] == 1
    assert removed["expired_sms_codes"] == 1
    assert removed["stale_exchange_files"] == 0  # the exchange's job is on the same pass
    assert Session.objects.filter(session_key=live.session_key).exists()
    assert not Session.objects.filter(session_key=old.session_key).exists()
    assert set(SmsCode.objects.values_list("pk", flat=True)) == {fresh.pk, just_expired.pk}


def test_a_failing_job_does_not_stop_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []

    def broken(now: dt.datetime) -> int:
        raise RuntimeError("disk gone")

    def counted(now: dt.datetime) -> int:
        ran.append("counted")
        return 0

    monkeypatch.setattr(housekeeping, "_jobs", {"broken": broken, "counted": counted})
    with pytest.raises(RuntimeError, match="disk gone"):
        housekeeping.run()
    assert ran == ["counted"]
