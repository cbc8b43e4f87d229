from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Graders of short-answer and practical questions; question bank and quiz managers.
MANAGE_PERMISSIONS = ("lms.grade_answer", "lms.add_question", "lms.change_question", "lms.add_quiz", "lms.change_quiz")


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = _("在线学习")

    def ready(self) -> None:
        """Give the roles that work in lms its permissions (accounts builds the role groups) and
        register the periodic closing of expired attempts."""
        from accounts import housekeeping
        from accounts.choices import Role
        from accounts.roles import grant_permissions
        from lms.quizzes import close_expired_attempts

        grant_permissions(Role.ORGANIZER, MANAGE_PERMISSIONS)
        grant_permissions(Role.EDITOR, MANAGE_PERMISSIONS)
        grant_permissions(Role.MENTOR, ["lms.grade_answer"])
        grant_permissions(Role.JUDGE, ["lms.grade_answer"])
        # An attempt past its deadline is submitted by the server even if the browser is gone.
        housekeeping.register("expired_quiz_attempts")(close_expired_attempts)
        # … within a few seconds of its deadline when the worker runs (an exam's stragglers).
        housekeeping.register_often("expired_quiz_attempts")(close_expired_attempts)

        # Exams closing soon: the worker's reminder job asks this source (accounts/reminders.py).
        from accounts import reminders
        from lms.reminders import exams_closing

        reminders.register("lms.exam_closing")(exams_closing)
