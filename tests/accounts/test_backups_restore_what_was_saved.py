"""manage.py backup / restore: a seeded database and its files come back whole, or not at all."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from accounts import backup

KEY = "BQtcax07VkuI4tOygYvtjbpWUNx8dXNH2kOfw6uv_0Q="
ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def folders(tmp_path: Path, settings) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.BACKUP_KEY = KEY
    (tmp_path / "private" / "workstudy").mkdir(parents=True)
    (tmp_path / "private" / "workstudy" / "log-1.jpg").write_bytes(b"\xff\xd8 a private photo \xff\xd9")
    return tmp_path


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment for a process that uses a new, empty database of the same engine."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_NAME"}}
    if connection.vendor == "postgresql":
        params = connection.settings_dict
        name = f"{params['NAME']}_restored"
        admin = {"host": params["HOST"] or None, "port": params["PORT"] or None, "user": params["USER"] or None}
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}"')
            server.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"postgres://{params['USER']}@{params['HOST']}:{params['PORT']}/{name}"
        yield env | {"_NAME": name}
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        env["SQLITE_NAME"] = str(tmp_path / "restored.sqlite3")
        yield env | {"_NAME": env["SQLITE_NAME"]}


def _restored_mobiles(env: dict[str, str]) -> set[str]:
    if connection.vendor == "postgresql":
        params = connection.settings_dict
        with psycopg.connect(dbname=env["_NAME"], host=params["HOST"], port=params["PORT"], user=params["USER"]) as db:
            return {row[0] for row in db.execute("SELECT mobile FROM accounts_user")}
    with sqlite3.connect(env["_NAME"]) as db:
        return {row[0] for row in db.execute("SELECT mobile FROM accounts_user")}


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.django_db(transaction=True)
def test_a_seeded_database_and_its_files_restore_into_a_fresh_database(folders: Path, fresh_database) -> None:
    from accounts.models import User

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    folder = backup.create_backup(folders / "backups")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["counts"] == backup.table_counts()
    assert manifest["counts"]["accounts.User"] >= 10
    assert manifest["media"]["private"] == {
        "workstudy/log-1.jpg": backup._sha256(folders / "private/workstudy/log-1.jpg")
    }
    assert manifest["media"]["media"], "the demo's images are in the backup"
    # Encrypted at rest: no file of the backup carries a person's mobile number in the clear.
    mobile = User.objects.exclude(mobile="").values_list("mobile", flat=True).first()
    for sealed in folder.glob("*.enc"):
        assert mobile.encode() not in sealed.read_bytes()

    env = fresh_database | {
        "MEDIA_ROOT": str(folders / "restored-media"),
        "PRIVATE_MEDIA_ROOT": str(folders / "restored-private"),
        "BACKUP_KEY": KEY,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(folder)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "match the manifest" in result.stdout
    assert _restored_mobiles(env) == set(User.objects.values_list("mobile", flat=True))
    assert _files(folders / "restored-media") == _files(folders / "media")
    assert _files(folders / "restored-private") == _files(folders / "private")


@pytest.mark.django_db
def test_a_damaged_or_foreign_backup_is_refused_before_anything_is_written(folders: Path, settings) -> None:
    folder = backup.create_backup(folders / "backups")
    sealed = folder / "media.enc"
    data = bytearray(sealed.read_bytes())
    data[len(data) // 2] ^= 0x01
    sealed.write_bytes(bytes(data))
    with pytest.raises(backup.BackupError, match="damaged"):
        backup.restore_backup(folder, into_non_empty=True)

    # An intact backup read with another key: the key is what is wrong, and it says so.
    other = backup.create_backup(folders / "other")
    settings.BACKUP_KEY = backup.new_key()
    with pytest.raises(backup.BackupError, match="does not decrypt with this BACKUP_KEY"):
        backup.restore_backup(other, into_non_empty=True)
    assert not (folders / "media").exists() or not any((folders / "media").iterdir())


@pytest.mark.django_db
def test_restoring_over_a_database_that_has_data_is_refused(folders: Path) -> None:
    folder = backup.create_backup(folders / "backups")
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(folder))


def test_without_a_key_no_backup_is_written(tmp_path: Path, settings) -> None:
    settings.BACKUP_KEY = ""
    with pytest.raises(CommandError, match="BACKUP_KEY is not set"):
        call_command("backup", "--to", str(tmp_path))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_only_the_newest_backups_are_kept(folders: Path) -> None:
    import datetime as dt

    base = dt.datetime(2026, 12, 1, 2, 30, tzinfo=dt.UTC)
    for day in range(4):
        backup.create_backup(folders / "backups", now=base + dt.timedelta(days=day))
    removed = backup.prune(folders / "backups", keep=2)
    assert [p.name for p in removed] == ["shuzhi-20261201T023000Z", "shuzhi-20261202T023000Z"]
    assert sorted(p.name for p in (folders / "backups").iterdir()) == [
        "shuzhi-20261203T023000Z",
        "shuzhi-20261204T023000Z",
    ]


@pytest.mark.django_db
def test_a_completed_backup_tells_the_operator_when_through_the_metrics(folders: Path, client) -> None:
    """deploy/alerts.yml's ShuzhiBackupMissed reads this gauge: 0 before the first backup, then
    the time the last `manage.py backup` completed."""
    import time

    from config.metrics import registry

    name = "shuzhi_backup_last_success_timestamp_seconds"
    assert registry.get_sample_value(name) == 0.0
    started = time.time()
    call_command("backup", "--to", str(folders / "backups"), stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert started - 1 <= registry.get_sample_value(name) <= time.time()
    assert f"{name} " in client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
