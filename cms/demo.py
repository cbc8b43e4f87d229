"""Demo content for the CMS (called by `manage.py seed_demo`)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from cms.actions import ensure_site


def seed(command: BaseCommand) -> None:
    home = ensure_site()
    command.stdout.write(f"cms: home page {home.url_path}")
