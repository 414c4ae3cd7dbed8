from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("执行案件")

    def ready(self):
        from . import rules  # noqa: F401  (registers this app's permission rules in execcenter.policy)
