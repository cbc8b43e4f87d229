"""WebSocket routes of every app, gathered in one list for config.asgi."""

from __future__ import annotations

from accounts.routing import websocket_urlpatterns as accounts_ws
from competitions.live.routing import websocket_urlpatterns as live_ws
from lms.routing import websocket_urlpatterns as lms_ws

websocket_urlpatterns = [*accounts_ws, *lms_ws, *live_ws]
