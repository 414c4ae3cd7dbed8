from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("institutions", views.InstitutionViewSet, basename="institution")
router.register("query-requests", views.QueryRequestViewSet, basename="queryrequest")
router.register("query-results", views.QueryResultViewSet, basename="queryresult")
router.register("found-assets", views.FoundAssetViewSet, basename="foundasset")
router.register("control-orders", views.ControlOrderViewSet, basename="controlorder")

urlpatterns = router.urls
