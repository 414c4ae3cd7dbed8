from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QueryControlConfig(AppConfig):
    name = "querycontrol"
    verbose_name = _("网络执行查控")
