from django.urls import path

from . import exports, roster_views, views

app_name = "dashboards"
urlpatterns = [
    path("screen/", views.my_screen, name="my-screen"),
    path("screen/<str:court_code>/", views.screen, name="screen"),
    path("screen/<str:court_code>/token", views.screen_token, name="screen-token"),
    path("alerts/", views.alert_list, name="alert-list"),
    path("alerts/export.xlsx", exports.alert_export, name="alert-export"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert-detail"),
    path("duty/", views.duty_page, name="duty"),
    path("duty/shifts/<int:pk>/<str:step>/", views.duty_step, name="duty-step"),
    path("duty/handovers/<int:pk>/acknowledge/", views.handover_ack, name="handover-ack"),
    path("duty/swaps/<int:pk>/<str:decision>/", views.swap_decide, name="swap-decide"),
    path("duty/roster/", roster_views.roster_plan, name="roster"),
    path("duty/roster/month/", roster_views.roster_month, name="roster-month"),
    path("duty/roster/shifts/<int:pk>/", roster_views.roster_shift, name="roster-shift"),
    path("screen-layout/", roster_views.layout_edit, name="layout-edit"),
]
