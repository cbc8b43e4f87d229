from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("内容")

    def ready(self) -> None:
        from cms import signals

        signals.connect()
