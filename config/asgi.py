"""ASGI entry point served by daphne: HTTP through Django, WebSockets through Channels.

WebSockets pass origin validation (ALLOWED_HOSTS) and session authentication (config/ws_auth.py,
handshakes signed in a batch at a time on the pool of config/db_threads.py) before routing.
HTTP request bodies are bounded per route before they are read: inside daphne as they arrive
(config/daphne_limits.py) and by the outermost ASGI middleware under any server (config/limits.py).
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from competitions.live import transport  # noqa: E402
from competitions.live.transport import PreparedFrames  # noqa: E402
from config import daphne_limits, pacing  # noqa: E402
from config.limits import RequestBodyLimit  # noqa: E402
from config.observability import SocketLog  # noqa: E402
from config.routing import websocket_urlpatterns  # noqa: E402
from config.ws_auth import SessionUserMiddlewareStack  # noqa: E402

daphne_limits.install()
transport.lazy_handshake_logging()

application = ProtocolTypeRouter(
    {
        "http": RequestBodyLimit(django_asgi_app),
        # PacedSockets: full garbage collections wait for quiet moments while live-round and exam
        # sockets are here, from their handshake on (config/pacing.py).
        # PreparedFrames: under daphne, broadcasts are framed once for all sockets (live/transport.py).
        # SocketLog: one log line per socket accepted and per socket ended (config/observability.py).
        "websocket": pacing.PacedSockets(
            PreparedFrames(
                AllowedHostsOriginValidator(SessionUserMiddlewareStack(SocketLog(URLRouter(websocket_urlpatterns))))
            )
        ),
    }
)

# Everything imported so far lives as long as the process: later full garbage collections skip
# it (config/pacing.py).
pacing.freeze_startup()
