from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("operations", views.OperationViewSet, basename="operation")
router.register("incidents", views.IncidentViewSet, basename="incident")
router.register("linkage-units", views.LinkageUnitViewSet, basename="linkageunit")
router.register("assistance-letters", views.AssistanceLetterViewSet, basename="assistanceletter")
router.register("petitions", views.PetitionViewSet, basename="petition")
router.register("bulletins", views.BulletinViewSet, basename="bulletin")
router.register("indicators", views.IndicatorViewSet, basename="indicator")

urlpatterns = router.urls
