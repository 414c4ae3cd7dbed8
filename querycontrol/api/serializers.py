from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.models import Case, Party
from execcenter.api.serializers import MoneyAmountField
from querycontrol.choices import InstitutionKind, OrderKind
from querycontrol.models import ControlOrder, FoundAsset, Institution, QueryRequest, QueryResult


class InstitutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Institution
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "category",
            "region_code",
            "supported_actions",
            "asset_term_class",
            "is_active",
            "rate_per_second",
            "max_in_flight",
        ]


class QueryRequestSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    court = serializers.CharField(source="court.code", read_only=True)
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = QueryRequest
        fields = [
            "id",
            "uuid",
            "case",
            "case_number",
            "court",
            "respondents",
            "institution_kinds",
            "purpose",
            "requested_by_label",
            "status",
            "total",
            "done",
            "failed",
            "found",
            "percent",
            "cancel_requested",
            "created_at",
            "started_at",
            "finished_at",
            "requery",
            "retry_of",
        ]
        read_only_fields = fields


class QueryRequestCreateSerializer(serializers.Serializer):
    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all(), help_text=_("案件"))
    respondents = serializers.PrimaryKeyRelatedField(
        queryset=Party.objects.all(), many=True, required=False, help_text=_("被执行人（默认全部）")
    )
    institution_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=InstitutionKind.choices),
        required=False,
        help_text=_("机构类别（默认全部）"),
    )
    purpose = serializers.CharField(max_length=200, help_text=_("查询事由"))

    def validate_case(self, case):
        # Out-of-scope cases are "not found", like everywhere else.
        if not Case.objects.visible_to(self.context["request"].user).filter(pk=case.pk).exists():
            raise serializers.ValidationError(_("案件不存在 (case not found)"))
        return case


class QueryResultSerializer(serializers.ModelSerializer):
    institution_code = serializers.CharField(source="institution.code", read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)

    class Meta:
        model = QueryResult
        fields = [
            "id",
            "request",
            "respondent",
            "institution",
            "institution_code",
            "institution_name",
            "status",
            "attempts",
            "latency_ms",
            "error",
            "found_count",
            "answered_at",
        ]
        read_only_fields = fields


class FoundAssetSerializer(serializers.ModelSerializer):
    institution_code = serializers.CharField(source="institution.code", read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    respondent_name = serializers.CharField(source="respondent.name", read_only=True)
    available = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta:
        model = FoundAsset
        fields = [
            "id",
            "request",
            "case",
            "respondent",
            "respondent_name",
            "institution",
            "institution_code",
            "institution_name",
            "kind",
            "asset_ref",
            "description",
            "balance",
            "frozen_by_others",
            "available",
            "found_at",
        ]
        read_only_fields = fields


class ControlOrderSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    court = serializers.CharField(source="court.code", read_only=True)
    institution_code = serializers.CharField(source="institution.code", read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    asset_ref = serializers.CharField(source="asset.asset_ref", read_only=True)

    class Meta:
        model = ControlOrder
        fields = [
            "id",
            "uuid",
            "case",
            "case_number",
            "court",
            "kind",
            "status",
            "outcome",
            "asset",
            "asset_ref",
            "institution",
            "institution_code",
            "institution_name",
            "respondent",
            "target",
            "requested_amount",
            "effective_amount",
            "held_amount",
            "term_days",
            "expires_on",
            "queue_position",
            "filed_by_label",
            "submitted_at",
            "decided_by_label",
            "decided_at",
            "decision_note",
            "document_no",
            "sent_at",
            "completed_at",
            "attempts",
            "institution_ref",
            "message",
            "created_at",
        ]
        read_only_fields = fields


class ControlOrderCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OrderKind.choices)
    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all(), required=False)
    asset = serializers.PrimaryKeyRelatedField(queryset=FoundAsset.objects.all(), required=False)
    target = serializers.PrimaryKeyRelatedField(
        queryset=ControlOrder.objects.all(), required=False, help_text=_("续冻、解冻、扣划所针对的原冻结/查封")
    )
    amount = MoneyAmountField(allow_zero=True, required=False)
    term_days = serializers.IntegerField(required=False, min_value=1)
    submit = serializers.BooleanField(default=True, help_text=_("直接提交审批（否则保存为草稿）"))

    def _visible(self, obj, model, field):
        if obj is not None and not model.objects.visible_to(self.context["request"].user).filter(pk=obj.pk).exists():
            raise serializers.ValidationError({field: _("记录不存在 (not found)")})

    def validate(self, data):
        self._visible(data.get("case"), Case, "case")
        self._visible(data.get("asset"), FoundAsset, "asset")
        self._visible(data.get("target"), ControlOrder, "target")
        if data["kind"] in (OrderKind.FREEZE, OrderKind.SEAL) and not data.get("asset"):
            raise serializers.ValidationError({"asset": _("请选择财产 (an asset is required)")})
        if data["kind"] not in (OrderKind.FREEZE, OrderKind.SEAL) and not data.get("target"):
            raise serializers.ValidationError({"target": _("请选择原冻结/查封 (a target freeze is required)")})
        return data


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class AnswerSerializer(serializers.Serializer):
    """An institution's answer to an order it was sent (bank and registry gateways)."""

    status = serializers.ChoiceField(choices=["done", "partial", "queued", "rejected"])
    requested_amount = MoneyAmountField(allow_zero=True)
    effective_amount = MoneyAmountField(allow_zero=True)
    expires_on = serializers.DateField(required=False, allow_null=True)
    queue_position = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    institution_ref = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    message = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
