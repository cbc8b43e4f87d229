from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账户与组织")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings
        from django.db.models.signals import post_migrate

        from accounts import signals  # noqa: F401  (login audit receivers)
        from config.limits import apply_image_limits

        post_migrate.connect(_sync_groups)
        # Platform-wide, so here in the first app: every process that sets Django up (daphne, the
        # worker, manage.py commands that decode images) refuses images over IMAGE_MAX_PIXELS.
        apply_image_limits(settings.IMAGE_MAX_PIXELS)


def _sync_groups(sender: AppConfig, **kwargs: object) -> None:
    """Rebuild role groups once every app's permissions exist (after the last app migrates).

    Skipped after a flush (no migration plan): tests restoring serialized data bring the
    groups back themselves, and `groups_for_role` recreates them on demand otherwise.
    """
    from django.apps import apps

    if kwargs.get("plan") is None:
        return
    last = [c for c in apps.get_app_configs() if c.models_module is not None][-1]
    if sender.label == last.label:
        from accounts.roles import sync_role_groups

        sync_role_groups()


class ShuzhiWagtailUsersConfig(WagtailUsersAppConfig):
    """Wagtail's user admin with forms for our user model (mobile login, one real name)."""

    user_viewset = "accounts.viewsets.UserViewSet"
