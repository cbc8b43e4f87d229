"""`manage.py send_reminders`: send every due deadline reminder once (the worker does this every few minutes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from accounts import reminders


class Command(BaseCommand):
    help = "Send due deadline reminders (exam closing, registration closing, appeal window) once."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = reminders.run()
        for name, count in sent.items():
            self.stdout.write(f"{name}: {count}")
