from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetitionsConfig(AppConfig):
    name = "competitions"
    verbose_name = _("技能竞赛")

    def ready(self) -> None:
        """Contest staff who hold no global role (a co-organizer, a judge by invitation) still
        find 赛事管理 and 评分 in the header: the navigation asks `selectors.staff_nav_entries`."""
        from competitions.selectors import staff_nav_entries
        from frontend.context_processors import register_nav_grants

        register_nav_grants(staff_nav_entries)

        # Registration and appeal deadlines: the worker's reminder job asks these sources.
        from accounts import reminders
        from competitions.reminders import appeal_window_closing, registration_closing, reviews_pending

        reminders.register("competitions.registration_closing")(registration_closing)
        reminders.register("competitions.appeal_closing")(appeal_window_closing)
        reminders.register("competitions.reviews_pending")(reviews_pending)
