from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "competitions.live"
    label = "live"
    verbose_name = _("现场竞赛")

    def ready(self) -> None:
        """Hand the live rounds' theory scores to contest results: competitions owns the
        registry (`competitions.selectors.theory`), live fills it, so no import points from
        competitions into live."""
        from competitions.live import selectors
        from competitions.selectors import TheorySource, register_theory_source

        register_theory_source("live", TheorySource(scores=selectors.theory_scores, takers=selectors.theory_takers))
