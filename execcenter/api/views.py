from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from execcenter.filtersets import AlertFilterSet, AuditLogFilterSet, CourtFilterSet
from execcenter.models import Alert, AuditLog, Court
from execcenter.scope import court_ids_for, officer_of

from .permissions import is_partner
from .serializers import AlertSerializer, AuditLogSerializer, CourtSerializer
from .viewsets import ScopedReadOnlyViewSet


class CourtViewSet(ScopedReadOnlyViewSet):
    queryset = Court.objects.select_related("parent")
    serializer_class = CourtSerializer
    filterset_class = CourtFilterSet
    policy_read = "court.read"
    ordering = "code"
    pagination_class = None


class AlertViewSet(ScopedReadOnlyViewSet):
    queryset = Alert.objects.select_related("court")
    serializer_class = AlertSerializer
    filterset_class = AlertFilterSet
    policy_read = "alert.read"


class AuditLogViewSet(ScopedReadOnlyViewSet):
    """The audit trail is for auditors, directors and approvers of the scope; partners never read it."""

    queryset = AuditLog.objects.all()
    serializer_class = AuditLogSerializer
    filterset_class = AuditLogFilterSet
    policy_read = "audit.read"


class MeSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.CharField()
    court_code = serializers.CharField(allow_null=True)
    roles = serializers.ListField(child=serializers.CharField())
    visible_court_codes = serializers.ListField(child=serializers.CharField())


class MeView(APIView):
    policy_read = "me.read"

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        actor = request.user
        ids = court_ids_for(actor)
        codes = Court.objects.all() if ids is None else Court.objects.filter(pk__in=ids)
        if is_partner(actor):
            data = {"name": actor.name, "kind": "partner", "court_code": actor.court.code, "roles": actor.actions}
        else:
            officer = officer_of(actor)
            data = {
                "name": officer.name if officer else actor.username,
                "kind": "officer",
                "court_code": officer.court.code if officer else None,
                "roles": officer.roles if officer else [],
            }
        data["visible_court_codes"] = list(codes.values_list("code", flat=True))
        return Response(MeSerializer(data).data)
