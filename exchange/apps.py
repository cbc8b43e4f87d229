from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "exchange"
    label = "exchange"
    verbose_name = _("数据交换")

    def ready(self) -> None:
        """Find every app's record types (`<app>/exchange.py`), as Django admin finds `admin.py`."""
        from accounts import housekeeping
        from exchange import actions, registry

        registry.discover()
        # Files of uploads nobody confirmed and of old exports go on the hourly pass too, not only
        # when the next upload or export starts.
        housekeeping.register("stale_exchange_files")(actions.purge_stale)
