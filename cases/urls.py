from django.urls import path

from . import document_views, exports, filing_views, money_views, reward_views, views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("export.xlsx", exports.case_list_export, name="case-export"),
    path("long-pending.xlsx", exports.long_pending_export, name="long-pending-export"),
    path("new/", filing_views.case_new, name="case-new"),
    path("parties/lookup/", filing_views.party_lookup, name="party-lookup"),
    path("<int:pk>/", views.case_detail, name="case-detail"),
    path("<int:pk>/actions/<slug:name>/", views.case_action, name="case-action"),
    path("<int:pk>/auctions/<int:item_id>/round/", views.auction_round, name="auction-round"),
    path("<int:pk>/auction-rounds/<int:round_id>/conclude/", views.auction_conclude, name="auction-conclude"),
    path("<int:pk>/measures/<int:measure_id>/<slug:step>/", views.measure_step, name="measure-step"),
    path("<int:pk>/ledger-actions/<int:action_id>/done/", views.ledger_action_done, name="ledger-action-done"),
    path("<int:pk>/lawyer-orders/<int:app_id>/<slug:step>/", views.lawyer_order_step, name="lawyer-order-step"),
    path("<int:pk>/rewards/<int:notice_id>/", reward_views.reward_detail, name="reward-detail"),
    path("<int:pk>/rewards/<int:notice_id>/<slug:step>/", reward_views.reward_step, name="reward-step"),
    path("<int:pk>/reward-leads/<int:lead_id>/<slug:step>/", reward_views.reward_lead_step, name="reward-lead-step"),
    path("transfers/", views.transfer_list, name="transfers"),
    path("transfers/<int:pk>/", views.transfer_detail, name="transfer-detail"),
    path("approvals/<int:pk>/<slug:decision>/", views.approval_decide, name="approval-decide"),
    path("money/statements/", money_views.statement_import, name="statements"),
    path("money/statements/<int:pk>/", money_views.statement_detail, name="statement-detail"),
    path("money/unclaimed/", money_views.unclaimed_list, name="unclaimed"),
    path("documents/<int:pk>/", document_views.document_download, name="document-download"),
]
