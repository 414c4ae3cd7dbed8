from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from execcenter.choices import PartnerAction
from execcenter.scope import is_partner  # noqa: F401  (re-exported: the API modules import it from here)


class PartnerActionPermission(permissions.BasePermission):
    """Partner keys may do only the actions they were issued for.

    A view declares `partner_actions = {"list": "read", "create": "write_cases", ...}` (by DRF action
    name); unspecified safe requests need READ and unspecified writes are refused to partners.
    """

    message = _("该 API 密钥无权执行此操作 (this API key is not allowed to do this)")

    def has_permission(self, request, view):
        actor = request.user
        if not is_partner(actor):
            return bool(actor and actor.is_authenticated)
        mapping = getattr(view, "partner_actions", {})
        needed = mapping.get(getattr(view, "action", None))
        if needed is None:
            if request.method not in permissions.SAFE_METHODS:
                return False
            needed = PartnerAction.READ
        return actor.allows(needed)
