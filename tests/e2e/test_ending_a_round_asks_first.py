"""结束本场 on the host console asks first in a dialog: 取消 leaves the round running, 确认结束
ends it (issue #14 item 6)."""

from __future__ import annotations

import pytest

from accounts.demo import DEMO_PASSWORD
from competitions.live.models import LiveRound, RoundState
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_ending_a_round_needs_a_confirmation(demo, new_page, shot) -> None:
    live_round = LiveRound.objects.get(title="演示场")
    host = new_page()
    login(host, "13800000004", DEMO_PASSWORD)
    host.goto(f"/live/{live_round.pk}/host/")
    host.get_by_text("已连接").wait_for()

    host.get_by_role("button", name="结束本场").click()
    dialog = host.get_by_role("dialog", name="确认结束本场？")
    assert dialog.is_visible()
    shot(host, "live-host-end-confirm")
    dialog.get_by_role("button", name="取消").click()
    assert not dialog.is_visible()
    host.wait_for_timeout(300)
    assert LiveRound.objects.get(pk=live_round.pk).state != RoundState.ENDED

    host.get_by_role("button", name="结束本场").click()
    dialog.get_by_role("button", name="确认结束").click()
    host.locator("#state", has_text="已结束").wait_for()
    assert LiveRound.objects.get(pk=live_round.pk).state == RoundState.ENDED
