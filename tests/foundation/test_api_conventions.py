"""Every API endpoint goes through the one visibility rule: a new endpoint that forgets it fails here."""

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

from execcenter.api.viewsets import ScopedViewSetMixin

# Endpoints that are deliberately not a ScopedViewSet, with the reason their scope still holds.
NOT_SCOPED_VIEWSETS = {
    # The institution catalogue (banks, registries) is public reference data, owned by no court.
    "InstitutionViewSet",
}
# Plain APIViews: each must resolve its objects through visible_to()/in-scope lookups itself; listed so that a new
# one is looked at (and given a 404-out-of-scope test in its app) before it lands.
PLAIN_API_VIEWS = {
    "MeView",  # the caller's own identity and visible courts
    "AlertStepView",  # Alert.objects.visible_to(user) then get_object_or_404
    "AlertHistoryView",  # Alert.objects.visible_to(user)
    "ScreenSnapshotView",  # screen court resolved within court_ids_for(user); else 404
    "ScreenLayoutView",
    "RosterPlanView",  # the centre is required ("duty.plan") by dashboards.services.roster.plan: 404 outside the scope
    "APIRootView",
    "SpectacularAPIView",
    "SpectacularSwaggerSplitView",  # the Swagger UI page (no data; CSP-friendly split view)
    "SpectacularSwaggerView",
}


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


def _api_views():
    for route, callback in _walk(get_resolver().url_patterns):
        cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        if route.startswith("api/") and cls is not None and issubclass(cls, APIView):
            yield route, cls


def test_there_are_api_endpoints_to_check():
    assert len({cls for _, cls in _api_views()}) >= 10


def test_every_api_viewset_applies_the_visibility_rule():
    unscoped = sorted(
        {
            f"{cls.__module__}.{cls.__name__} ({route})"
            for route, cls in _api_views()
            if hasattr(cls, "get_queryset")
            and getattr(cls, "queryset", None) is not None
            and not issubclass(cls, ScopedViewSetMixin)
            and cls.__name__ not in NOT_SCOPED_VIEWSETS
        }
    )
    assert not unscoped, f"API viewsets without ScopedViewSetMixin: {unscoped}"


def test_every_plain_api_view_is_reviewed_for_scope():
    unknown = sorted(
        {
            f"{cls.__module__}.{cls.__name__}"
            for _, cls in _api_views()
            if not issubclass(cls, ScopedViewSetMixin)
            and getattr(cls, "queryset", None) is None
            and cls.__name__ not in PLAIN_API_VIEWS | NOT_SCOPED_VIEWSETS
        }
    )
    assert not unknown, f"new plain API views: scope them and list them in PLAIN_API_VIEWS: {unknown}"


def test_openapi_schema_of_the_whole_api_validates_without_warnings(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            str(tmp_path / "schema.yml"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "/api/v1/cases/" in (tmp_path / "schema.yml").read_text()
