from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "competitions.live"
    label = "live"
    verbose_name = _("现场竞赛")

    def ready(self) -> None:
        """Hand the live rounds' theory scores to contest results and their panel to the
        contest console: competitions owns the registries (`competitions.selectors.theory`,
        `competitions.selectors.panels`), live fills them, so no import points from
        competitions into live."""
        from competitions.live import manage, selectors
        from competitions.selectors import TheorySource, register_console_panel, register_theory_source

        register_theory_source("live", TheorySource(scores=selectors.theory_scores, takers=selectors.theory_takers))
        # The contest console lists the live rounds, through the registry competitions owns.
        register_console_panel("live_rounds", "live/manage/_console_panel.html", manage.contest_rounds_panel)
