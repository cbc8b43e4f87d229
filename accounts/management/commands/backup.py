"""`manage.py backup [--to DIR] [--keep N]`: an encrypted, verifiable backup (accounts.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts import backup


class Command(BaseCommand):
    help = "Back up the database, media and private media, encrypted with BACKUP_KEY, with a manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", type=Path, default=None, help="folder to write into (default BACKUP_ROOT)")
        parser.add_argument(
            "--keep", type=int, default=None, help="keep this many newest backups (default BACKUP_KEEP)"
        )
        parser.add_argument("--new-key", action="store_true", help="print a new BACKUP_KEY and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            self.stdout.write(backup.new_key())
            return
        destination: Path = options["to"] or Path(settings.BACKUP_ROOT)
        keep = settings.BACKUP_KEEP if options["keep"] is None else options["keep"]
        try:
            folder = backup.create_backup(destination)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        removed = backup.prune(destination, keep)
        backup.record_success()
        self.stdout.write(f"backup written to {folder}")
        for old in removed:
            self.stdout.write(f"removed old backup {old.name}")
