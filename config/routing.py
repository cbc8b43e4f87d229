"""WebSocket routes of every app, gathered in one list for config.asgi."""

from __future__ import annotations

from accounts.routing import websocket_urlpatterns as accounts_ws
from competitions.live.routing import websocket_urlpatterns as live_ws

websocket_urlpatterns = [*accounts_ws, *live_ws]
