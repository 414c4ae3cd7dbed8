from django.urls import path

from .views import incidents, letters, operations, petitions, public, quality

app_name = "command"
urlpatterns = [
    path("", quality.home, name="home"),
    path("operations/", operations.operation_list, name="operation-list"),
    path("operations/new/", operations.operation_create, name="operation-create"),
    path("operations/<int:pk>/", operations.operation_detail, name="operation-detail"),
    path("operations/<int:pk>/field/", operations.operation_field, name="operation-field"),
    path("operations/<int:pk>/<str:action>/", operations.operation_transition, name="operation-transition"),
    path("incidents/", incidents.incident_list, name="incident-list"),
    path("incidents/report/", incidents.incident_report, name="incident-report"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident-detail"),
    path("incidents/<int:pk>/photos/<int:photo_pk>/", incidents.incident_photo, name="incident-photo"),
    path("incidents/<int:pk>/position/", incidents.incident_position, name="incident-position"),
    path("incidents/<int:pk>/<str:action>/", incidents.incident_update, name="incident-update"),
    path("letters/", letters.letter_list, name="letter-list"),
    path("letters/send/", letters.letter_send, name="letter-send"),
    path("letters/<int:pk>/", letters.letter_detail, name="letter-detail"),
    path("letters/<int:pk>/<str:action>/", letters.letter_transition, name="letter-transition"),
    path("letters/answer/<str:token>/", public.letter_answer, name="letter-answer"),
    path("petitions/", petitions.petition_list, name="petition-list"),
    path("petitions/receive/", petitions.petition_receive, name="petition-receive"),
    path("petitions/<int:pk>/", petitions.petition_detail, name="petition-detail"),
    path("petitions/<int:pk>/<str:action>/", petitions.petition_action, name="petition-action"),
    path("indicators/", quality.indicator_overview, name="indicators"),
    path("indicators/<str:code>/cases/", quality.indicator_drill, name="indicator-drill"),
    path("bulletins/", quality.bulletin_list, name="bulletin-list"),
    path("bulletins/<int:pk>/<str:fmt>/", quality.bulletin_download, name="bulletin-download"),
    path("disclosure/", public.disclosure_lookup, name="disclosure"),
]
