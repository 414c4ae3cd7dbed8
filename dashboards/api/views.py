"""REST endpoints of the command centre: alert handling and the duty roster (thin: services do the work)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from execcenter.api.viewsets import ScopedReadOnlyViewSet
from execcenter.models import Alert

from ..models import CommandCentre, Handover, Shift, ShiftSwap
from ..services import alerts as alert_services
from ..services import duty, roster
from .serializers import (
    AlertWithHistorySerializer,
    HandoverSerializer,
    NoteSerializer,
    RosterPlanSerializer,
    ShiftAssignSerializer,
    ShiftSerializer,
    ShiftSwapSerializer,
    SwapRequestSerializer,
    TakeOverSerializer,
)


class AlertStepView(GenericAPIView):
    """POST /api/v1/alerts/<id>/acknowledge|notes|resolve with {"note": "..."}; GET .../history."""

    step = None
    policy_actions = {"post": "alert.handle"}
    STEPS = {
        "acknowledge": alert_services.acknowledge,
        "notes": alert_services.add_note,
        "resolve": alert_services.resolve,
    }

    serializer_class = NoteSerializer

    def get_queryset(self):
        return Alert.objects.visible_to(self.request.user)

    def _alert(self, request, pk):
        return self.get_object()  # 404 out of scope, then the policy's 403 / 409 (PolicyPermission)

    @extend_schema(request=NoteSerializer, responses=AlertWithHistorySerializer)
    def post(self, request, pk):
        alert = self._alert(request, pk)
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        self.STEPS[self.step](alert, request.user, data.validated_data["note"], request=request)
        alert.refresh_from_db()
        return Response(AlertWithHistorySerializer(alert).data)


class AlertHistoryView(GenericAPIView):
    policy_read = "alert.read"

    def get_queryset(self):
        return Alert.objects.visible_to(self.request.user).prefetch_related("actions__escalated_to")

    @extend_schema(responses=AlertWithHistorySerializer)
    def get(self, request, pk):
        alert = self.get_object()
        return Response(AlertWithHistorySerializer(alert).data)


class ShiftViewSet(ScopedReadOnlyViewSet):
    queryset = Shift.objects.select_related("centre__court", "post_a", "post_b")
    serializer_class = ShiftSerializer
    policy_read = "duty.read"
    policy_actions = {
        "check_in": "duty.work",
        "swaps": "duty.work",
        "handover": "duty.work",
        "take_over": "duty.plan",
        "assign": "duty.plan",
    }
    filterset_fields = ["centre", "post_a", "post_b", "name"]
    ordering = "starts_at"
    pagination_class = None

    def get_queryset(self):
        qs = super().get_queryset()
        since, until = self.request.query_params.get("from"), self.request.query_params.get("until")
        if since:
            qs = qs.filter(ends_at__gte=since)
        if until:
            qs = qs.filter(starts_at__lte=until)
        return qs

    @extend_schema(request=None, responses=ShiftSerializer)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        return Response(ShiftSerializer(duty.check_in(self.get_object(), request.user)).data)

    @extend_schema(request=SwapRequestSerializer, responses=ShiftSwapSerializer)
    @action(detail=True, methods=["post"])
    def swaps(self, request, pk=None):
        data = SwapRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        swap = duty.request_swap(
            self.get_object(),
            data.validated_data["post"],
            data.validated_data["to_officer"],
            data.validated_data["reason"],
            request.user,
        )
        return Response(ShiftSwapSerializer(swap).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TakeOverSerializer, responses=ShiftSerializer)
    @action(detail=True, methods=["post"], url_path="take-over")
    def take_over(self, request, pk=None):
        data = TakeOverSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        shift = duty.take_over(
            self.get_object(),
            data.validated_data["post"],
            data.validated_data["officer"],
            request.user,
            data.validated_data.get("reason", ""),
        )
        return Response(ShiftSerializer(shift).data)

    @extend_schema(request=ShiftAssignSerializer, responses=ShiftSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """The director sets posts A and B of a shift not yet started; 400 with the conflicts when the edit breaks a
        roster rule (dashboards.services.roster), and nothing changes."""
        data = ShiftAssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        shift = roster.assign(
            request.user,
            self.get_object(),
            data.validated_data["post_a"],
            data.validated_data["post_b"],
            request=request,
        )
        return Response(ShiftSerializer(shift).data)

    @extend_schema(request=HandoverSerializer, responses=HandoverSerializer)
    @action(detail=True, methods=["post"])
    def handover(self, request, pk=None):
        data = HandoverSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        handover = duty.write_handover(
            self.get_object(), data.validated_data["handled"], data.validated_data.get("open_items", ""), request.user
        )
        return Response(HandoverSerializer(handover).data, status=status.HTTP_201_CREATED)


class ShiftSwapViewSet(ScopedReadOnlyViewSet):
    queryset = ShiftSwap.objects.select_related("shift__centre__court")
    serializer_class = ShiftSwapSerializer
    policy_read = "duty.read"
    policy_actions = {"approve": "duty.plan", "reject": "duty.plan"}
    filterset_fields = ["shift", "status", "post"]

    @extend_schema(request=None, responses=ShiftSwapSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return Response(ShiftSwapSerializer(duty.decide_swap(self.get_object(), True, request.user)).data)

    @extend_schema(request=None, responses=ShiftSwapSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return Response(ShiftSwapSerializer(duty.decide_swap(self.get_object(), False, request.user)).data)


class HandoverViewSet(ScopedReadOnlyViewSet):
    queryset = Handover.objects.select_related("shift__centre__court", "written_by")
    serializer_class = HandoverSerializer
    policy_read = "duty.read"
    policy_actions = {"acknowledge": "duty.work"}
    filterset_fields = ["shift"]

    @extend_schema(request=None, responses=HandoverSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return Response(HandoverSerializer(duty.acknowledge_handover(self.get_object(), request.user)).data)


class RosterPlanView(GenericAPIView):
    """POST /api/v1/rosters/plan/: roster a centre for a date range from a weekly pattern (the director).
    201 with the new shifts; 400 `roster_conflict` with details.conflicts when any rule is broken (nothing saved)."""

    policy_actions = {"post": "duty.plan"}
    serializer_class = RosterPlanSerializer

    def get_queryset(self):
        # The centre is checked against the caller's scope by the service (require "duty.plan": 404 outside it).
        return CommandCentre.objects.visible_to(self.request.user)

    @extend_schema(request=RosterPlanSerializer, responses=ShiftSerializer(many=True))
    def post(self, request):
        data = RosterPlanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        made = roster.plan(
            request.user,
            v["centre"],
            v["first_day"],
            v["last_day"],
            v["pattern"],
            holidays=v["holidays"],
            replace=v["replace"],
            request=request,
        )
        shifts = (
            Shift.objects.filter(pk__in=[s.pk for s in made])
            .select_related("centre__court", "post_a", "post_b")
            .order_by("starts_at")
        )
        return Response(ShiftSerializer(shifts, many=True).data, status=status.HTTP_201_CREATED)
