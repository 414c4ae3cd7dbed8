from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("指挥大屏")

    def ready(self):
        from . import (
            rules,  # noqa: F401  (registers this app's permission rules in execcenter.policy)
            screen_access,  # noqa: F401  (ends screen tokens on logout, deactivation, role change)
        )
        from .dirty import connect
        from .registry import source_kinds

        # Every kind of record a module reads marks its court dirty when a change commits (issue 17).
        connect(source_kinds())
