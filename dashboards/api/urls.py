from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("shifts", views.ShiftViewSet, basename="shift")
router.register("shift-swaps", views.ShiftSwapViewSet, basename="shiftswap")
router.register("handovers", views.HandoverViewSet, basename="handover")

# The screens' snapshot poll is routed in execcenter/urls.py, ahead of everything else.
urlpatterns = [
    path("alerts/<int:pk>/acknowledge/", views.AlertStepView.as_view(step="acknowledge"), name="alert-acknowledge"),
    path("alerts/<int:pk>/notes/", views.AlertStepView.as_view(step="notes"), name="alert-notes"),
    path("alerts/<int:pk>/resolve/", views.AlertStepView.as_view(step="resolve"), name="alert-resolve"),
    path("alerts/<int:pk>/history/", views.AlertHistoryView.as_view(), name="alert-history"),
    path("rosters/plan/", views.RosterPlanView.as_view(), name="roster-plan"),
    *router.urls,
]
