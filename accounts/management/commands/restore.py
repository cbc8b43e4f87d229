"""`manage.py restore DIR [--force]`: restore a backup folder into the configured database and
media folders, then compare row counts and file checksums with its manifest (exit 1 on any
difference)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts import backup


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into a fresh database and media folders, and verify it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="a shuzhi-<time> folder written by `manage.py backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="restore even though the database already has tables (pg_restore may fail)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup.restore_backup(options["folder"], into_non_empty=options["force"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not report.ok:
            for difference in report.differences:
                self.stderr.write(difference)
            raise CommandError(f"restored, but {len(report.differences)} difference(s) from the backup's manifest")
        self.stdout.write(f"restored {report.folder.name}: row counts and file checksums match the manifest")
