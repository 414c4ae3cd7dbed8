"""/api/v1/: each app contributes its router; the organisation's own endpoints are here."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views


class APIRootView(DefaultRouter.APIRootView):
    """The browsable index of /api/v1/: anyone who may call the API at all may read it."""

    policy_read = "me.read"


router = DefaultRouter()
router.APIRootView = APIRootView
router.register("courts", views.CourtViewSet, basename="court")
router.register("alerts", views.AlertViewSet, basename="alert")
router.register("audit-log", views.AuditLogViewSet, basename="auditlog")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("", include("cases.api.urls")),
    path("", include("querycontrol.api.urls")),
    path("", include("command.api.urls")),
    path("", include("dashboards.api.urls")),
    path("", include(router.urls)),
]
