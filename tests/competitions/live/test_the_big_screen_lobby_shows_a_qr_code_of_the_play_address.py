"""The big screen's lobby shows the play page's address as text and as an inline SVG QR code
(the certificates' helper), with a white quiet zone for the dark screen (issue #14)."""

from __future__ import annotations

import pytest
from django.test import Client

from lms.certificates import url_qr_svg

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_lobby_carries_the_qr_code_and_the_address_as_text(arena) -> None:
    client = Client()
    client.force_login(arena.organizer)
    page = client.get(f"/live/{arena.round.pk}/screen/").content.decode()
    url = f"http://testserver/live/{arena.round.pk}/play/"
    assert f'<p class="screen-url">{url}</p>' in page
    assert url_qr_svg(url, white_background=True) in page
    assert 'role="img"' in page and "手机扫码进入赛场" in page


def test_the_qr_code_is_svg_with_a_white_background_only_when_asked() -> None:
    on_dark = url_qr_svg("https://example.cn/live/1/play/", white_background=True)
    plain = url_qr_svg("https://example.cn/live/1/play/")
    assert on_dark.startswith("<svg") and 'fill="white"' in on_dark
    assert plain.startswith("<svg") and 'fill="white"' not in plain
