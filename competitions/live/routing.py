from __future__ import annotations

from django.urls import re_path

from competitions.live.consumers import LiveConsumer

websocket_urlpatterns = [re_path(r"^ws/live/(?P<round_id>\d+)/(?P<role>host|screen|play)/$", LiveConsumer.as_asgi())]
