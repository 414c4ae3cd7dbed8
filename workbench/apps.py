from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbenchConfig(AppConfig):
    """我的工作台 (each role's home page), early warnings per judge, and the navigation.

    It sits above every other app (dashboards → querycontrol → cases → execcenter): it only reads them.
    """

    name = "workbench"
    verbose_name = _("我的工作台")

    def ready(self):
        from . import rules  # noqa: F401  (registers this app's permission rules in execcenter.policy)
