from rest_framework.routers import SimpleRouter

from . import documents, rewards, views

router = SimpleRouter()
router.register("cases", views.CaseViewSet, basename="case")
router.register("parties", views.PartyViewSet, basename="party")
router.register("case-events", views.CaseEventViewSet, basename="caseevent")
router.register("money-entries", views.MoneyEntryViewSet, basename="moneyentry")
router.register("measures", views.MeasureViewSet, basename="measure")
router.register("auction-items", views.AuctionItemViewSet, basename="auctionitem")
router.register("auction-rounds", views.AuctionRoundViewSet, basename="auctionround")
router.register("long-pending", views.LongPendingEntryViewSet, basename="longpendingentry")
router.register("approval-requests", views.ApprovalRequestViewSet, basename="approvalrequest")
router.register("unclaimed-receipts", views.UnclaimedReceiptViewSet, basename="unclaimedreceipt")
router.register("reward-notices", rewards.RewardNoticeViewSet, basename="rewardnotice")
router.register("reward-leads", rewards.RewardLeadViewSet, basename="rewardlead")
router.register("documents", documents.IssuedDocumentViewSet, basename="issueddocument")

urlpatterns = router.urls
