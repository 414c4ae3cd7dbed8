"""REST API of network query and control. Thin: serializers validate, services decide.

Visibility, partner action scopes and Idempotency-Key come from execcenter.api.viewsets. An
institution-scoped partner key (PartnerClient.institution_code, a bank or registry gateway) sees and
answers only its own institution's tasks; everything else is absent for it (404).
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from execcenter.api.permissions import PolicyPermission, is_partner
from execcenter.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet, validated_input
from querycontrol.connectors import ControlResult
from querycontrol.filtersets import (
    ControlOrderFilterSet,
    FoundAssetFilterSet,
    InstitutionFilterSet,
    QueryRequestFilterSet,
    QueryResultFilterSet,
)
from querycontrol.models import ControlOrder, FoundAsset, Institution, QueryRequest, QueryResult
from querycontrol.services import orders as order_services
from querycontrol.services import queries as query_services
from querycontrol.services import sending

from . import serializers as s


def institution_code_of(actor):
    return getattr(actor, "institution_code", "") if is_partner(actor) else ""


class InstitutionScopedMixin:
    """For an institution's own key: only rows of that institution (`institution_path` names the path)."""

    institution_path = "institution__code"
    hidden_from_institutions = False

    def get_queryset(self):
        qs = super().get_queryset()
        code = institution_code_of(self.request.user)
        if code:
            return qs.none() if self.hidden_from_institutions else qs.filter(**{self.institution_path: code})
        return qs


_input = validated_input  # the body of an action endpoint, validated (400 before any change)


class InstitutionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The catalogue of assisting institutions (not court data: every authenticated caller may read it)."""

    queryset = Institution.objects.all()
    serializer_class = s.InstitutionSerializer
    filterset_class = InstitutionFilterSet
    permission_classes = [PolicyPermission]
    policy_read = "institution.read"
    ordering_fields = ["id", "code", "name", "kind"]
    ordering = "id"


class QueryRequestViewSet(InstitutionScopedMixin, ScopedModelViewSet):
    """Network queries: start one (POST), follow its progress (counters), read its results, cancel it."""

    queryset = QueryRequest.objects.select_related("case", "court").prefetch_related("respondents")
    serializer_class = s.QueryRequestSerializer
    filterset_class = QueryRequestFilterSet
    hidden_from_institutions = True
    ordering_fields = ["id", "created_at", "finished_at"]
    ordering = "-id"
    policy_read = "query.read"
    policy_actions = {"create": "query.start", "cancel": "query.cancel", "retry": "query.start"}

    @extend_schema(
        request=s.QueryRequestCreateSerializer, responses={201: s.QueryRequestSerializer, 200: s.QueryRequestSerializer}
    )
    def create(self, request, *args, **kwargs):
        """201 with a new request, or 200 with the one already running for the same case, respondents and kinds."""
        data = _input(self, s.QueryRequestCreateSerializer)
        qr, created = query_services.submit_query(
            request.user,
            data["case"],
            purpose=data["purpose"],
            respondents=data.get("respondents"),
            kinds=data.get("institution_kinds"),
            request=request,
        )
        return Response(self.get_serializer(qr).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=None, responses=s.QueryRequestSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        qr = query_services.cancel_query(request.user, self.get_object(), request=request)
        return Response(self.get_serializer(qr).data)

    @extend_schema(request=None, responses={201: s.QueryRequestSerializer, 200: s.QueryRequestSerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Ask again only the institutions that failed: 201 with the new request, 200 with the retry already running."""
        qr, created = query_services.retry_failed(request.user, self.get_object(), request=request)
        return Response(self.get_serializer(qr).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(responses=s.QueryResultSerializer(many=True))
    @action(detail=True, methods=["get"])
    def failing(self, request, pk=None):
        """Institutions that did not answer (failed or timed out after their retries)."""
        rows = query_services.failing_institutions(self.get_object())
        return Response(s.QueryResultSerializer(rows, many=True).data)


class QueryResultViewSet(InstitutionScopedMixin, ScopedReadOnlyViewSet):
    queryset = QueryResult.objects.select_related("institution")
    serializer_class = s.QueryResultSerializer
    policy_read = "task.read"
    filterset_class = QueryResultFilterSet
    ordering_fields = ["id", "answered_at", "latency_ms"]
    ordering = "id"


class FoundAssetViewSet(InstitutionScopedMixin, ScopedReadOnlyViewSet):
    queryset = FoundAsset.objects.select_related("institution", "respondent")
    serializer_class = s.FoundAssetSerializer
    policy_read = "task.read"
    filterset_class = FoundAssetFilterSet
    ordering_fields = ["id", "balance", "found_at"]
    ordering = "id"


class ControlOrderViewSet(InstitutionScopedMixin, ScopedModelViewSet):
    """Control orders: file (POST), submit, approve / reject (four-eyes), and the institution's answer."""

    queryset = ControlOrder.objects.select_related("case", "court", "institution", "asset")
    serializer_class = s.ControlOrderSerializer
    filterset_class = ControlOrderFilterSet
    ordering_fields = ["id", "created_at", "expires_on"]
    ordering = "-id"
    policy_read = "order.read"
    policy_actions = {
        "create": "order.file",
        "submit": "order.submit",
        "approve": "order.decide",
        "reject": "order.decide",
        "answer": "order.answer",
    }

    def _done(self, order, code=status.HTTP_200_OK):
        return Response(self.get_serializer(ControlOrder.objects.get(pk=order.pk)).data, status=code)

    @extend_schema(request=s.ControlOrderCreateSerializer, responses={201: s.ControlOrderSerializer})
    def create(self, request, *args, **kwargs):
        data = _input(self, s.ControlOrderCreateSerializer)
        order = order_services.file_order(
            request.user,
            data["kind"],
            case=data.get("case"),
            asset=data.get("asset"),
            target=data.get("target"),
            amount=data.get("amount"),
            term_days=data.get("term_days"),
            submit=data["submit"],
            request=request,
        )
        return self._done(order, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.ControlOrderSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._done(order_services.submit_order(request.user, self.get_object(), request=request))

    @extend_schema(request=s.DecisionSerializer, responses=s.ControlOrderSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        data = _input(self, s.DecisionSerializer)
        return self._done(
            order_services.approve_order(request.user, self.get_object(), note=data["note"], request=request)
        )

    @extend_schema(request=s.DecisionSerializer, responses=s.ControlOrderSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        data = _input(self, s.DecisionSerializer)
        return self._done(
            order_services.reject_order(request.user, self.get_object(), note=data["note"], request=request)
        )

    @extend_schema(request=s.AnswerSerializer, responses=s.ControlOrderSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """For the institution's gateway: its answer to an order it received (once; repeats change nothing)."""
        data = _input(self, s.AnswerSerializer)
        expires = data.get("expires_on")
        result = ControlResult(
            status=data["status"],
            requested_amount=data["requested_amount"],
            effective_amount=data["effective_amount"],
            expires_on=expires.isoformat() if expires else None,
            queue_position=data.get("queue_position"),
            institution_ref=data["institution_ref"],
            message=data["message"],
        )
        return self._done(sending.answer_order(request.user, self.get_object(), result, request=request))
