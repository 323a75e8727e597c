from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = _("城乡融合发展进展")

    def ready(self) -> None:
        from targets import security_policy, signals  # noqa: F401  (connect their receivers)
        from targets.services import dashboard_cache, supervision_rules  # noqa: F401
