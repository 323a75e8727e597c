from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    default = True
    name = "targets"
    verbose_name = _("城乡融合发展进展")

    def ready(self) -> None:
        # Modules whose receivers must be connected before the first request: importing them
        # connects them. targets.caching.receivers holds every receiver of the shared page cache.
        from targets.accounts import security_policy, signals  # noqa: F401
        from targets.caching import receivers  # noqa: F401
        from targets.supervision import rulebook  # noqa: F401


class PlanAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the site that the admin duties open. The site lives outside the
    ``targets.admin`` package: resolving it must not import the model admins, which register
    themselves on it."""

    default = False  # named in INSTALLED_APPS; TargetsConfig is this module's default
    default_site = "targets.admin_site.PlanAdminSite"
