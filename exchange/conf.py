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


# --- Reading hostile files (see docs/exchange.md, "Safety") ----------------------------------
# A spreadsheet is checked in the web process only by streaming its zip directory and the first
# bytes of each sheet; the sheet itself is parsed in a child process capped by these limits.


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_rows() -> int:
    """Data rows a file may hold (the worksheet's declared size is checked against it too)."""
    return _limit("EXCHANGE_MAX_ROWS", 200_000)


def max_columns() -> int:
    return _limit("EXCHANGE_MAX_COLUMNS", 200)


def max_cells() -> int:
    """Rows x columns a worksheet may declare: calamine holds the whole rectangle in memory."""
    return _limit("EXCHANGE_MAX_CELLS", 10_000_000)


def max_cell_chars() -> int:
    """Characters in one cell: Excel's own limit is 32,767."""
    return _limit("EXCHANGE_MAX_CELL_CHARS", 32_767)


def max_row_chars() -> int:
    """Characters in one row (and bytes in one csv line)."""
    return _limit("EXCHANGE_MAX_ROW_CHARS", 1024 * 1024)


def max_unpacked_bytes() -> int:
    """Declared uncompressed size of all members of an xlsx together."""
    return _limit("EXCHANGE_MAX_UNPACKED_BYTES", 512 * 1024 * 1024)


def max_member_bytes() -> int:
    """Declared uncompressed size of one member of an xlsx."""
    return _limit("EXCHANGE_MAX_MEMBER_BYTES", 256 * 1024 * 1024)


def max_zip_ratio() -> int:
    """Uncompressed/compressed size of a member over 1 MB; sheet XML compresses 5-30x."""
    return _limit("EXCHANGE_MAX_ZIP_RATIO", 100)


def max_zip_members() -> int:
    return _limit("EXCHANGE_MAX_ZIP_MEMBERS", 2_000)


def parse_memory_bytes() -> int:
    """Address space of the child process that parses a file (RLIMIT_AS)."""
    return _limit("EXCHANGE_PARSE_MEMORY_BYTES", 1024 * 1024 * 1024)


def parse_cpu_seconds() -> int:
    return _limit("EXCHANGE_PARSE_CPU_SECONDS", 60)


def parse_wall_seconds() -> float:
    """Wall-clock time after which the parent kills the child (it may be waiting, not computing)."""
    return float(getattr(settings, "EXCHANGE_PARSE_WALL_SECONDS", 120))


def max_parsed_bytes() -> int:
    """Text the child may write out for one file (shared strings can repeat one long text)."""
    return _limit("EXCHANGE_MAX_PARSED_BYTES", 512 * 1024 * 1024)
