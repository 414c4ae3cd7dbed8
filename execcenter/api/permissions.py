"""The API asks the one permission policy (execcenter.policy) before every action.

Each API view declares what its endpoints are in the policy's terms:

- `policy_read`: the action of every safe (GET/HEAD/OPTIONS) endpoint of the view, e.g. "case.read";
- `policy_actions`: {DRF action name (or lower-case HTTP method for a plain APIView): policy action} for
  everything else, e.g. {"create": "case.file", "payout": "money.payout.request"}.

A write endpoint without an entry is refused (deny by default), and tests/permissions walks every route, so a
new endpoint cannot be forgotten. Partner keys are admitted by the same rules (their kind, actions, subtree and
institution): the declaration is also what the API says about which keys may call an endpoint.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions

from execcenter import policy
from execcenter.exceptions import PermissionDenied
from execcenter.scope import is_partner  # noqa: F401  (re-exported: the API modules import it from here)


def policy_action_of(view, request):
    """The policy action an API request asks for, or None when the view declares none."""
    name = getattr(view, "action", None) or request.method.lower()
    declared = getattr(view, "policy_actions", {}).get(name)
    if declared is None and request.method in permissions.SAFE_METHODS:
        declared = getattr(view, "policy_read", None)
    return declared


def _method_not_routed(view, request):
    """Whether this HTTP method reaches no handler of the view (a ViewSet route maps it to no action)."""
    if hasattr(view, "action_map"):
        return request.method.lower() not in view.action_map and request.method != "OPTIONS"
    return not hasattr(view, request.method.lower())


class PolicyPermission(permissions.BasePermission):
    """Route level: may this actor do this kind of action at all (role / key)? Object level: to this record, now?

    Refusals are raised as the policy's own errors so they keep their status: 404 out of scope, 403 not allowed,
    409 wrong state — each with a Chinese and English message.
    """

    message = _("该接口未声明权限 (this endpoint declares no permission)")

    def has_permission(self, request, view):
        action = policy_action_of(view, request)
        if action is None:
            if _method_not_routed(view, request):
                raise exceptions.MethodNotAllowed(request.method)  # PUT on a read-only route: 405, not "undeclared"
            raise PermissionDenied(self.message)
        if not getattr(request.user, "is_authenticated", False) and not policy.rule(action).public:
            raise exceptions.NotAuthenticated()
        if request.method == "OPTIONS":
            return True
        refusal = policy.explain(request.user, action)
        record_route = bool(view.kwargs) and hasattr(view, "get_object")
        if refusal is None:
            if record_route and request.method not in permissions.SAFE_METHODS:
                # Scope (404), role (403) and the record's state (409) are answered before the body is read (400),
                # so a write to a record outside the scope never learns more than a read would.
                view.get_object()
            return True
        if record_route:
            # A record's route: a record outside the scope answers 404 whatever the role, so that a refusal never
            # tells which records exist; get_object() raises that 404, or the object-level refusal.
            view.get_object()
        raise refusal.exception()

    def has_object_permission(self, request, view, obj):
        action = policy_action_of(view, request)
        if action is None:
            raise PermissionDenied(self.message)
        policy.require(request.user, action, obj)
        return True
