"""`manage.py housekeeping`: every app's periodic clean-up (accounts.housekeeping), once."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.management.base import BaseCommand

from accounts import housekeeping

logger = logging.getLogger("shuzhi.housekeeping")


class Command(BaseCommand):
    help = "Remove expired sessions, SMS codes, abandoned uploads and other leftovers (run every hour)."

    def handle(self, *args: Any, **options: Any) -> None:
        removed = housekeeping.run()
        summary = json.dumps(removed, sort_keys=True)
        logger.info("housekeeping removed %s", summary, extra={"event": "housekeeping"})
        self.stdout.write(summary)
