from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExecCenterConfig(AppConfig):
    name = "execcenter"
    verbose_name = _("组织与审计")

    def ready(self):
        from execcenter import (
            lockout,  # noqa: F401  (audits login lockouts: a signal receiver)
            rules,  # noqa: F401  (the organisation's permission rules; apps add theirs)
        )
        from execcenter.api import schema  # noqa: F401  (registers the OpenAPI auth extension)
