from django.urls import path

from . import exports, views

app_name = "querycontrol"
urlpatterns = [
    path("cases/<int:case_id>/query/", views.query_start, name="query-start"),
    path("queries/<int:pk>/", views.query_detail, name="query-detail"),
    path("queries/<int:pk>/progress/", views.query_progress, name="query-progress"),
    path("queries/<int:pk>/cancel/", views.query_cancel, name="query-cancel"),
    path("queries/<int:pk>/assets.xlsx", exports.query_assets_export, name="query-assets-export"),
    path("orders.xlsx", exports.orders_export, name="orders-export"),
    path("queries/<int:pk>/retry/", views.query_retry, name="query-retry"),
    path("orders/new/", views.order_new, name="order-new"),
    path("orders/<int:pk>/", views.order_detail, name="order-detail"),
    path("orders/<int:pk>/auction/", views.order_auction, name="order-auction"),
    path("orders/<int:pk>/<slug:decision>/", views.order_decide, name="order-decide"),
    path("orders/<int:pk>/document/<slug:which>.docx", views.order_document, name="order-document"),
    path("orders/<int:pk>/preview/<slug:which>.docx", views.order_preview, name="order-preview"),
    path("orders/documents.zip", views.documents_batch, name="documents-batch"),
    path("approvals/", views.approval_queue, name="approvals"),
]
