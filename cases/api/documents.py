"""Issued documents over the API (电子卷宗): the list of a case's documents and each one's stored bytes.

GET /api/v1/documents/?case=<id>&kind=ruling → records (number, title, issuer, time, SHA-256, size);
GET /api/v1/documents/{id}/file/ → the bytes as issued (hash checked), audited like a browser download.
Policy "document.read": the roles that work with rulings and notices, and the case-handling system's key.
"""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from execcenter.api.viewsets import ScopedReadOnlyViewSet
from execcenter.filtersets import FilterSet
from execcenter.policy import may, require

from ..document_views import READ_ACTION, document_response, read_action
from ..models import DocumentKind, IssuedDocument


class IssuedDocumentSerializer(serializers.ModelSerializer):
    court_code = serializers.CharField(source="court.code", read_only=True)

    class Meta:
        model = IssuedDocument
        fields = [
            "id",
            "kind",
            "number",
            "title",
            "case",
            "court_code",
            "source_type",
            "source_id",
            "filename",
            "content_type",
            "size",
            "sha256",
            "contains_personal_data",
            "issued_by_label",
            "issued_at",
        ]


class IssuedDocumentFilterSet(FilterSet):
    court = django_filters.CharFilter(field_name="court__code")
    issued_after = django_filters.IsoDateTimeFilter(field_name="issued_at", lookup_expr="gte")
    issued_before = django_filters.IsoDateTimeFilter(field_name="issued_at", lookup_expr="lt")

    class Meta:
        model = IssuedDocument
        fields = [
            "kind",
            "number",
            "title",
            "case",
            "court",
            "source_type",
            "source_id",
            "filename",
            "content_type",
            "size",
            "sha256",
            "contains_personal_data",
            "issued_by",
            "issued_by_label",
            "issued_at",
        ]


class IssuedDocumentViewSet(ScopedReadOnlyViewSet):
    queryset = IssuedDocument.objects.select_related("court").order_by("-issued_at", "-id")
    serializer_class = IssuedDocumentSerializer
    filterset_class = IssuedDocumentFilterSet
    # Anyone who reads the court's cases reaches the list; each document then answers to its kind's own read rule
    # (cases.document_views.read_action: rulings and notices with full ID numbers need "document.read").
    policy_read = "case.read"

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action != "list":
            return qs
        user = self.request.user
        kinds = [kind for kind in DocumentKind.values if may(user, READ_ACTION.get(kind, "document.read"))]
        qs = qs.filter(kind__in=kinds)
        return qs if may(user, "document.read") else qs.exclude(contains_personal_data=True)

    def check_object_permissions(self, request, obj):
        super().check_object_permissions(request, obj)
        require(request.user, read_action(obj), obj)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        return document_response(request, self.get_object())
