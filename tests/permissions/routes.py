"""Every URL pattern of the product with the policy action(s) it declares, for the matrix and the docs.

A route is one of: an HTML view decorated with execcenter.policy_http.requires (its `policy_action`), an API view
with `policy_read` / `policy_actions` (execcenter.api.permissions), or one of the few routes listed in EXEMPT
with the reason why no policy action applies.
"""

from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

# Routes outside the policy, each with why. Anything else without a declaration fails tests/permissions.
EXEMPT = {
    "admin/": "Django's admin site: every admin page asks has_permission → execcenter.policy 'admin.site' (execcenter/admin.py)",
    "accounts/": "login and logout themselves (django-axes guards the login)",
    "api-auth/": "DRF's browsable-API login and logout",
    "i18n/setlang/": "the language switch of the current session",
    "i18n/catalog.js": "the JavaScript translation catalogue (no data)",
    "api/schema/": "the OpenAPI document (no data)",
    "api/docs/": "Swagger UI (no data)",
    "api/v1/screens/<str:court_code>/snapshot": "the wall's poll: a signed screen token issued by 'screen.view' (dashboards/screen_access.py)",
    "media/": "uploaded files are served through scoped views, never this path in production",
    "static/": "static files",
    "captcha/": "the public lookup's challenge image (command.views.public.captcha_image, 'disclosure.lookup'), no data",
    "csp-report": "browsers' Content-Security-Policy violation reports (logged, no data returned)",
}


@dataclass
class Route:
    pattern: str
    view: object
    kind: str  # "html" or "api"
    actions: dict = field(default_factory=dict)  # {method or DRF action: policy action}
    model: object = None
    url_name: str = None  # "namespace:name", for reverse()

    @property
    def declared(self):
        return bool(self.actions)


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p, (f"{namespace}{p.name}" if p.name else None)


def exempt_reason(pattern):
    for prefix, why in EXEMPT.items():
        if pattern.lstrip("^").startswith(prefix):
            return why
    return None


def all_routes():
    """(Route, exempt reason or None) for every URL pattern."""
    out = []
    for pattern, p, url_name in _walk(get_resolver().url_patterns):
        callback = p.callback
        cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        if cls is not None and hasattr(cls, "permission_classes"):
            actions = {}
            read = getattr(cls, "policy_read", None)
            declared = getattr(cls, "policy_actions", {}) or {}
            methods = getattr(callback, "actions", None) or {
                m: m for m in ("get", "post", "put", "patch", "delete") if hasattr(cls, m)
            }
            for method, name in methods.items():
                action = declared.get(name) or (read if method in ("get", "head", "options") else None)
                if method != "options" and method != "head":
                    actions[f"{method}:{name}"] = action
            queryset = getattr(cls, "queryset", None)
            route = Route(pattern, callback, "api", actions, queryset.model if queryset is not None else None, url_name)
            if any(a is None for a in actions.values()):
                route.actions = {}
        else:
            action = getattr(callback, "policy_action", None)
            route = Route(
                pattern,
                callback,
                "html",
                {"any": action} if action else {},
                getattr(callback, "policy_model", None),
                url_name,
            )
        out.append((route, exempt_reason(pattern)))
    return out
