"""Fill the database with demo content: every app's `demo.seed(command)`, in dependency order.

Idempotent: run it as often as you like; each app's seed uses natural keys.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, logins

APPS_IN_ORDER = ("accounts", "talent", "cms", "lms", "competitions", "competitions.live")


class Command(BaseCommand):
    help = "Create or refresh demo data (cities, organizations, people of every role, content)."

    def handle(self, *args: Any, **options: Any) -> None:
        for app in APPS_IN_ORDER:
            try:
                module = import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            with transaction.atomic():
                module.seed(self)
        self.stdout.write(self.style.SUCCESS(f"\n演示账户 / Demo logins (password: {DEMO_PASSWORD})"))
        for label, mobile, name in logins():
            self.stdout.write(f"  {label:<8} {mobile}  {name}")
