from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExecCenterConfig(AppConfig):
    name = "execcenter"
    verbose_name = _("组织与审计")
