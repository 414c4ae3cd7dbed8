from django.urls import path

from . import views

app_name = "workbench"
urlpatterns = [
    path("", views.home, name="home"),
    path("list/<slug:key>/", views.bucket, name="bucket"),
    path("approvals/", views.approvals, name="approvals"),
    path("notifications/", views.preferences, name="preferences"),
    path("warnings/", views.warning_list, name="warnings"),
    path("warnings/rules/", views.warning_rules, name="warning-rules"),
]
