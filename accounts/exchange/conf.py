"""Limits of the data exchange, overridable in settings (each has a safe default)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def root() -> Path:
    """Where uploads and export files live: outside MEDIA_ROOT, so they are never served directly."""
    path = Path(getattr(settings, "EXCHANGE_ROOT", settings.BASE_DIR / "var" / "exchange"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def max_upload_bytes() -> int:
    return int(getattr(settings, "EXCHANGE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))


def inline_rows() -> int:
    """Files and exports with more rows than this run as background jobs."""
    return int(getattr(settings, "EXCHANGE_INLINE_ROWS", 1000))


def keep_hours() -> int:
    """Unconfirmed uploads and finished export files are removed after this many hours."""
    return int(getattr(settings, "EXCHANGE_KEEP_HOURS", 24))
