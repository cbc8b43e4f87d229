"""Fill the database with demo content: every app's `demo.seed(command)`, in dependency order.

The demo modules are found the way Django admin finds `admin.py` (`autodiscover_modules`), and run
in INSTALLED_APPS order, which is the dependency order (accounts, talent, cms, lms, competitions,
competitions.live). Idempotent: run it as often as you like; each app's seed uses natural keys.
"""

from __future__ import annotations

import sys
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from accounts.demo import DEMO_PASSWORD, logins


class Command(BaseCommand):
    help = "Create or refresh demo data (cities, organizations, people of every role, content)."

    def handle(self, *args: Any, **options: Any) -> None:
        autodiscover_modules("demo")
        for config in apps.get_app_configs():
            module = sys.modules.get(f"{config.name}.demo")
            if module is None:
                continue  # this app has no demo data
            with transaction.atomic():
                module.seed(self)
        self.stdout.write(self.style.SUCCESS(f"\n演示账户 / Demo logins (password: {DEMO_PASSWORD})"))
        for label, mobile, name in logins():
            self.stdout.write(f"  {label:<8} {mobile}  {name}")
