"""The servers the benchmarks start, as deployed."""

from __future__ import annotations

import sys


def daphne_command(port: int) -> list[str]:
    """daphne as deploy/systemd/shuzhi-daphne@.service runs it: no access log of its own (the
    application logs each request and socket) and daphne's default 5 s handshake timeout, so a
    slow join phase shows as failures."""
    return [sys.executable, "-m", "daphne", "-v", "0", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"]
