from django.apps import AppConfig, apps
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class QueryControlConfig(AppConfig):
    name = "querycontrol"
    verbose_name = _("网络执行查控")

    def ready(self):
        # cases must not import querycontrol (docs/design.md §2): we plug into its extension points instead.
        from cases import hooks, panels

        from . import rules  # noqa: F401  (registers this app's permission rules in execcenter.policy)
        from .services.queries import property_investigation_done
        from .views import case_panel_context

        hooks.register_property_investigation_check(property_investigation_done)
        from .services.auctions import make_item, release_sold

        hooks.register_auction_item_maker(make_item)
        hooks.register_auction_listener(release_sold)
        from .services.case_moves import follow_case, transfer_blockers

        hooks.register_transfer_blocker(transfer_blockers)
        hooks.register_court_change_listener(follow_case)
        if apps.is_installed("simulator"):
            # The simulator keeps its own records of the institutions it plays; tell it of each one saved.
            from .connectors.simulator import publish_on_save
            from .models import Institution

            post_save.connect(publish_on_save, sender=Institution, dispatch_uid="querycontrol.publish_institution")
        panels.register("querycontrol/_case_panel.html", case_panel_context)
