"""Backups that restore: the database, public media and private media, encrypted, with a manifest.

A backup is a folder `shuzhi-<UTC time>/` holding
- `database.enc`: `pg_dump --format=custom` on PostgreSQL, or an online copy (SQLite's backup API)
  of the embedded database;
- `media.enc`, `private.enc`: tar archives of MEDIA_ROOT and PRIVATE_MEDIA_ROOT;
- `manifest.json` (not secret, not encrypted): when, which engine, the applied migrations, the row
  count of every table, and for each file its size and SHA-256 before and after encryption, plus
  the SHA-256 of every media file.

Encryption is AES-256-GCM (the `cryptography` package) streamed in chunks, so a dump of any size
needs constant memory: `SZBK1` + a 12-byte nonce + ciphertext + the 16-byte tag. The key is
BACKUP_KEY (32 bytes, url-safe base64) from the environment; without it nothing is written.
Restoring decrypts to a temporary file and uses it only after the tag has verified, then checks
the plaintext's SHA-256 against the manifest, so a damaged or tampered backup is refused before it
touches the database. `manage.py backup` stamps the `backup` Heartbeat row when it completes, which
/metrics exports as `shuzhi_backup_last_success_timestamp_seconds` for the missed-backup alert.
After restoring, the row counts and media checksums are compared with the
manifest and every difference is reported (`manage.py restore` exits 1 on any).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from accounts.models import Heartbeat

# The Heartbeat row a completed backup writes: when the last one finished.
HEARTBEAT_NAME = "backup"
MAGIC = b"SZBK1"
NONCE_BYTES = 12
TAG_BYTES = 16
CHUNK = 1024 * 1024
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup cannot be written or restored; the message says why and what to do."""


def backup_key() -> bytes:
    raw = settings.BACKUP_KEY
    if not raw:
        raise BackupError(
            "BACKUP_KEY is not set: generate one with `manage.py backup --new-key` and keep a copy off the machine"
        )
    try:
        key = base64.urlsafe_b64decode(raw.encode())
    except (binascii.Error, ValueError) as exc:
        raise BackupError("BACKUP_KEY is not url-safe base64") from exc
    if len(key) != 32:
        raise BackupError("BACKUP_KEY must be 32 bytes (44 base64 characters)")
    return key


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def encrypt_file(source: Path, target: Path, key: bytes) -> None:
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(MAGIC)
    with source.open("rb") as plain, target.open("wb") as sealed:
        sealed.write(MAGIC + nonce)
        for block in iter(lambda: plain.read(CHUNK), b""):
            sealed.write(encryptor.update(block))
        sealed.write(encryptor.finalize())
        sealed.write(encryptor.tag)


def decrypt_file(source: Path, target: Path, key: bytes) -> None:
    """Decrypt `source` into `target`; raises BackupError (and removes `target`) unless the tag verifies."""
    size = source.stat().st_size
    header = len(MAGIC) + NONCE_BYTES
    if size < header + TAG_BYTES:
        raise BackupError(f"{source.name} is too short to be a backup file")
    with source.open("rb") as sealed:
        if sealed.read(len(MAGIC)) != MAGIC:
            raise BackupError(f"{source.name} is not a Shuzhi backup file")
        nonce = sealed.read(NONCE_BYTES)
        sealed.seek(size - TAG_BYTES)
        tag = sealed.read(TAG_BYTES)
        sealed.seek(header)
        decryptor = Cipher(algorithms.AES(key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(MAGIC)
        remaining = size - header - TAG_BYTES
        try:
            with target.open("wb") as plain:
                while remaining:
                    block = sealed.read(min(CHUNK, remaining))
                    remaining -= len(block)
                    plain.write(decryptor.update(block))
                plain.write(decryptor.finalize())
        except Exception as exc:
            target.unlink(missing_ok=True)
            raise BackupError(f"{source.name} does not decrypt with this BACKUP_KEY, or it was altered") from exc


def table_counts() -> dict[str, int]:
    """Rows per model table (concrete, managed models), keyed by `app_label.Model`."""
    counts = {}
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy:
            counts[model._meta.label] = model._base_manager.using(DEFAULT_DB_ALIAS).count()
    return dict(sorted(counts.items()))


def _file_checksums(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): _sha256(path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != ".gitkeep"
    }


def _applied_migrations() -> list[str]:
    recorder = MigrationRecorder(connections[DEFAULT_DB_ALIAS])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def _database_url_args(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """libpq arguments and environment for the configured PostgreSQL database (no password on the command line)."""
    args = ["--dbname", settings_dict["NAME"]]
    env = dict(os.environ)
    if settings_dict.get("HOST"):
        args += ["--host", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", settings_dict["USER"]]
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def _dump_database(target: Path) -> str:
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "postgresql":
        args, env = _database_url_args(connection.settings_dict)
        # PostgreSQL's own client from PATH, no shell; the arguments come from the settings.
        result = subprocess.run(  # noqa: S603
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), *args],  # noqa: S607
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return "postgresql"
    if connection.vendor == "sqlite":
        # A connection of its own, like pg_dump's: it copies what is committed, and the process's
        # connection may be inside a transaction (which would keep the copy waiting for it).
        source = sqlite3.connect(f"file:{connection.settings_dict['NAME']}?mode=ro", uri=True)
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            source.close()
            destination.close()
        return "sqlite"
    raise BackupError(f"backups of a {connection.vendor} database are not supported")


def _tar(root: Path, target: Path) -> None:
    with tarfile.open(target, "w") as archive:
        if root.exists():
            for path in sorted(root.rglob("*")):
                if path.is_file() and path.name != ".gitkeep":
                    archive.add(path, arcname=path.relative_to(root).as_posix(), recursive=False)


@dataclass
class Manifest:
    created_at: str
    engine: str
    migrations: list[str]
    counts: dict[str, int]
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    media: dict[str, dict[str, str]] = field(default_factory=dict)
    format: int = FORMAT_VERSION

    def write(self, folder: Path) -> None:
        (folder / "manifest.json").write_text(json.dumps(self.__dict__, ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / "manifest.json"
        if not path.exists():
            raise BackupError(f"{folder} has no manifest.json: not a backup folder")
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT_VERSION:
            raise BackupError(f"backup format {data.get('format')} is not {FORMAT_VERSION}")
        return cls(**data)


def _roots() -> dict[str, Path]:
    return {"media": Path(settings.MEDIA_ROOT), "private": Path(settings.PRIVATE_MEDIA_ROOT)}


def create_backup(destination: Path, now: dt.datetime | None = None) -> Path:
    """Write a complete backup folder under `destination` and return it (nothing is left on failure)."""
    key = backup_key()
    now = now or dt.datetime.now(dt.UTC)
    destination.mkdir(parents=True, exist_ok=True)
    folder = destination / f"shuzhi-{now:%Y%m%dT%H%M%SZ}"
    partial = destination / (folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        with tempfile.TemporaryDirectory(dir=destination) as scratch:
            plain = Path(scratch)
            engine = _dump_database(plain / "database")
            manifest = Manifest(
                created_at=now.isoformat(), engine=engine, migrations=_applied_migrations(), counts=table_counts()
            )
            for name, root in _roots().items():
                _tar(root, plain / name)
                manifest.media[name] = _file_checksums(root)
            for name in ("database", *_roots()):
                encrypt_file(plain / name, partial / f"{name}.enc", key)
                manifest.files[name] = {
                    "bytes": (plain / name).stat().st_size,
                    "sha256": _sha256(plain / name),
                    "encrypted_sha256": _sha256(partial / f"{name}.enc"),
                }
        manifest.write(partial)
        partial.rename(folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return folder


def record_success() -> None:
    """Stamp the `backup` Heartbeat row: /metrics exports it for the missed-backup alert
    (deploy/alerts.yml, ShuzhiBackupMissed). Written after the dump, so not inside the backup."""
    Heartbeat.objects.update_or_create(name=HEARTBEAT_NAME, defaults={"beat_at": timezone.now()})


def prune(destination: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` complete backups in `destination`; returns what was removed."""
    folders = sorted(p for p in destination.glob("shuzhi-*") if p.is_dir() and not p.name.endswith(".partial"))
    removed = folders[:-keep] if keep > 0 else []
    for folder in removed:
        shutil.rmtree(folder)
    return removed


def _database_is_empty() -> bool:
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    return not tables


def _restore_database(dump: Path, engine: str) -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    if engine != connection.vendor:
        raise BackupError(f"this backup holds a {engine} database; the configured one is {connection.vendor}")
    if engine == "postgresql":
        args, env = _database_url_args(connection.settings_dict)
        connection.close()
        result = subprocess.run(  # noqa: S603
            [  # noqa: S607
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                *args,
                str(dump),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
        return
    target = Path(connection.settings_dict["NAME"])
    connection.close()
    source = sqlite3.connect(dump)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        source.close()
        destination.close()


def _extract(archive_path: Path, root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive_path) as archive:
        # The "data" filter refuses absolute paths, `..`, links out of the folder and device files.
        archive.extractall(root, filter="data")


@dataclass
class RestoreReport:
    folder: Path
    differences: list[str]

    @property
    def ok(self) -> bool:
        return not self.differences


def _decrypted(folder: Path, manifest: Manifest, key: bytes, scratch: Path) -> Iterator[tuple[str, Path]]:
    for name, facts in manifest.files.items():
        sealed = folder / f"{name}.enc"
        if not sealed.exists():
            raise BackupError(f"{sealed.name} is missing from {folder}")
        if _sha256(sealed) != facts["encrypted_sha256"]:
            raise BackupError(f"{sealed.name} does not match its checksum in manifest.json: the copy is damaged")
        plain = scratch / name
        decrypt_file(sealed, plain, key)
        if _sha256(plain) != facts["sha256"]:
            raise BackupError(f"{name} decrypted to different contents than were backed up")
        yield name, plain


def restore_backup(folder: Path, *, into_non_empty: bool = False) -> RestoreReport:
    """Restore `folder` into the configured (empty) database and media folders, then verify it."""
    key = backup_key()
    manifest = Manifest.read(folder)
    if not into_non_empty and not _database_is_empty():
        raise BackupError("the configured database is not empty: restore into a fresh database (or pass --force)")
    roots = _roots()
    with tempfile.TemporaryDirectory() as scratch:
        # Every file is decrypted and verified before anything is written.
        plain = dict(_decrypted(folder, manifest, key, Path(scratch)))
        _restore_database(plain["database"], manifest.engine)
        for name, root in roots.items():
            _extract(plain[name], root)
    differences: list[str] = []
    restored = table_counts()
    for label, count in manifest.counts.items():
        if restored.get(label) != count:
            differences.append(f"{label}: {restored.get(label)} rows, backup had {count}")
    for name, root in roots.items():
        now = _file_checksums(root)
        for relative, digest in manifest.media.get(name, {}).items():
            if now.get(relative) != digest:
                differences.append(f"{name}/{relative}: missing or different after restore")
    return RestoreReport(folder=folder, differences=differences)
