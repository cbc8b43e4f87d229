from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "exchange"
    label = "exchange"
    verbose_name = _("数据交换")

    def ready(self) -> None:
        """Find every app's record types (`<app>/exchange.py`), as Django admin finds `admin.py`."""
        from exchange import registry

        registry.discover()
