"""Preview contract (with the round-authoring preview): screen.html and play.html rendered with
`preview_messages` carry them as <script id="live-preview" type="application/json">, which
screen.js and play.js play through their handlers instead of opening a socket (the browser half
is checked in tests/e2e/test_live_screens.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import RequestFactory

from competitions.live import events

pytestmark = pytest.mark.django_db(transaction=True)


def messages() -> list[dict]:
    board = events.Leaderboard(frozen=False, top=[], total=0)
    return [events.Snapshot(state="lobby", paused=False, frozen=False, leaderboard=board).model_dump(mode="json")]


@pytest.mark.parametrize("template", ["live/screen.html", "live/play.html"])
def test_a_page_rendered_with_preview_messages_carries_them(arena, template) -> None:
    request = RequestFactory().get("/")
    request.user = arena.organizer
    context = {"round": arena.round, "play_url": "http://testserver/live/1/play/", "joined": 0}
    html = render_to_string(template, {**context, "preview_messages": messages()}, request=request)
    start = html.index('<script id="live-preview" type="application/json">') + len(
        '<script id="live-preview" type="application/json">'
    )
    assert json.loads(html[start : html.index("</script>", start)]) == messages()
    assert 'id="preview-tag"' in html
    assert "live-preview" not in render_to_string(template, context, request=request)


def test_the_scripts_play_a_preview_instead_of_connecting() -> None:
    client_js = Path(finders.find("live/client.js") or "").read_text(encoding="utf-8")
    assert 'getElementById("live-preview")' in client_js and "new PreviewClient(messages" in client_js
    for name in ("screen.js", "play.js"):
        source = Path(finders.find(f"live/{name}") or "").read_text(encoding="utf-8")
        assert "connect(root.dataset.ws" in source and "new LiveClient" not in source, name
