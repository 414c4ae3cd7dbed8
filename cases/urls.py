from django.urls import path

from . import document_views, views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("<int:pk>/", views.case_detail, name="case-detail"),
    path("<int:pk>/actions/<slug:name>/", views.case_action, name="case-action"),
    path("documents/<int:pk>/", document_views.document_download, name="document-download"),
]
