"""REST API of reward notices (悬赏公告) and their leads. Thin: bodies are validated here (400 before any change),
every step is a cases.rewards service call (403 / 409 from the policy and the state).

- /api/v1/reward-notices/: list, retrieve, create (the application); POST {id}/advance/, approve/, reject/, leads/
  (register a lead: 201 with the lead), close/.
- /api/v1/reward-leads/: list, retrieve; POST {id}/check/, request-reward/, approve-reward/, refuse-reward/.

The informant's name, ID number and phone are masked unless the reader's role needs them (personal_data.read);
an unmasked answer is audited. The advance ledger (entries) is shown to money readers only.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from execcenter.api.serializers import MoneyAmountField
from execcenter.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet, validated_input
from execcenter.masking import mask_id_number, mask_name, mask_phone
from execcenter.policy import may
from execcenter.scope import officer_of
from execcenter.services import audit

from .. import rewards
from ..choices import LeadChannel
from ..models import Case, Party, RewardEntry, RewardLead, RewardNotice
from .personal_data import sees_personal_data


class RewardEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = RewardEntry
        fields = ["id", "kind", "amount", "lead", "reference", "occurred_at", "note"]
        read_only_fields = fields


class RewardNoticeSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    balance = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    entries = serializers.SerializerMethodField()

    class Meta:
        model = RewardNotice
        fields = [
            "id",
            "uid",
            "case",
            "case_number",
            "applicant",
            "reward_amount",
            "property_sought",
            "channels",
            "status",
            "advanced",
            "paid",
            "refunded",
            "balance",
            "recorded_by_label",
            "applied_at",
            "decided_by_label",
            "decided_at",
            "decision_note",
            "notice_no",
            "published_on",
            "measure",
            "closed_at",
            "close_note",
            "entries",
        ]
        read_only_fields = fields

    @extend_schema_field(RewardEntrySerializer(many=True, allow_null=True))
    def get_entries(self, notice):
        """The advance ledger, for money readers (null for the others)."""
        request = self.context.get("request")
        if request is None or not may(request.user, "money.read", notice.case):
            return None
        return RewardEntrySerializer(notice.entries.order_by("occurred_at", "id"), many=True).data


class RewardLeadSerializer(serializers.ModelSerializer):
    informant_name = serializers.SerializerMethodField()
    informant_id_number = serializers.SerializerMethodField()
    informant_phone = serializers.SerializerMethodField()

    class Meta:
        model = RewardLead
        fields = [
            "id",
            "uid",
            "notice",
            "seq",
            "received_at",
            "channel",
            "informant_name",
            "informant_id_number",
            "informant_phone",
            "content",
            "duplicate_of",
            "excluded_reason",
            "status",
            "check_note",
            "checked_at",
            "realised_amount",
            "reward",
            "reward_requested_by_label",
            "reward_decided_by_label",
            "reward_decided_at",
            "reward_note",
        ]
        read_only_fields = fields

    def _shown(self, lead, value, mask):
        if self.context.get("unmasked"):
            self.context.setdefault("revealed_leads", set()).add(lead.pk)
            return value
        return mask(value)

    def get_informant_name(self, lead) -> str:
        return self._shown(lead, lead.informant_name, mask_name)

    def get_informant_id_number(self, lead) -> str:
        return self._shown(lead, lead.informant_id_number, mask_id_number)

    def get_informant_phone(self, lead) -> str:
        return self._shown(lead, lead.informant_phone, mask_phone)


class RewardApplySerializer(serializers.Serializer):
    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all())
    applicant = serializers.PrimaryKeyRelatedField(queryset=Party.objects.all(), help_text=_("本案申请执行人"))
    reward_amount = MoneyAmountField()
    property_sought = serializers.CharField(max_length=200)
    channels = serializers.CharField(max_length=200)

    def validate_case(self, case):
        if not Case.objects.visible_to(self.context["request"].user).filter(pk=case.pk).exists():
            raise serializers.ValidationError(_("案件不存在 (no such case)"))
        return case


class AdvanceSerializer(serializers.Serializer):
    amount = MoneyAmountField()
    reference = serializers.CharField(max_length=60, help_text=_("银行流水号：同一流水号只入账一次"))
    received_on = serializers.DateField(required=False, allow_null=True, default=None)


class RewardNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class LeadCreateSerializer(serializers.Serializer):
    informant_name = serializers.CharField(max_length=64)
    informant_id_number = serializers.CharField(max_length=24)
    informant_phone = serializers.CharField(max_length=24)
    content = serializers.CharField(max_length=500)
    channel = serializers.ChoiceField(choices=LeadChannel.choices)
    received_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    duplicate_of = serializers.PrimaryKeyRelatedField(
        queryset=RewardLead.objects.all(), required=False, allow_null=True, default=None
    )
    agent_or_obliged = serializers.BooleanField(required=False, default=False)


class CheckSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[(s, s) for s in rewards.CHECK_OUTCOMES])
    note = serializers.CharField(max_length=200)


class RewardRequestSerializer(serializers.Serializer):
    amount = MoneyAmountField()
    realised_amount = MoneyAmountField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class _LeadPersonalData:
    """Masked informants unless personal_data.read; an answer that showed any informant is audited."""

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not hasattr(self, "_lead_context"):
            self._lead_context = {"unmasked": sees_personal_data(self.request.user)}
        context.update(self._lead_context)
        return context

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        revealed = getattr(self, "_lead_context", {}).get("revealed_leads")
        if revealed and response.status_code < 400:
            audit(
                request.user,
                "personal_data.read",
                object_type="cases.rewardlead",
                object_id=",".join(map(str, sorted(revealed)))[:64],
                request=request,
                details={"leads": sorted(revealed), "path": request.path},
            )
        return response


class RewardNoticeViewSet(_LeadPersonalData, ScopedModelViewSet):
    """悬赏公告: the application, the applicant's advance, publication, leads and the close with the refund."""

    queryset = RewardNotice.objects.select_related("case")
    serializer_class = RewardNoticeSerializer
    filterset_fields = ["case", "status"]
    ordering_fields = ["id", "applied_at"]
    ordering = "-id"
    policy_read = "case.read"
    policy_actions = {
        "create": "reward.apply",
        "advance": "reward.apply",
        "approve": "reward.decide",
        "reject": "reward.decide",
        "leads": "reward.lead",
        "close": "reward.close",
    }

    def _done(self, notice, code=status.HTTP_200_OK):
        notice = self.get_queryset().get(pk=notice.pk)
        return Response(self.get_serializer(notice).data, status=code)

    @extend_schema(request=RewardApplySerializer, responses={201: RewardNoticeSerializer})
    def create(self, request, *args, **kwargs):
        d = validated_input(self, RewardApplySerializer)
        notice = rewards.apply(request.user, d.pop("case"), **d, request=request)
        return self._done(notice, status.HTTP_201_CREATED)

    @extend_schema(request=AdvanceSerializer, responses=RewardNoticeSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        d = validated_input(self, AdvanceSerializer)
        notice = self.get_object()
        rewards.record_advance(request.user, notice, **d, request=request)
        return self._done(notice)

    @extend_schema(request=RewardNoteSerializer, responses=RewardNoticeSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        d = validated_input(self, RewardNoteSerializer)
        return self._done(rewards.approve(request.user, self.get_object(), note=d["note"], request=request))

    @extend_schema(request=RewardNoteSerializer, responses=RewardNoticeSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        d = validated_input(self, RewardNoteSerializer)
        return self._done(rewards.reject(request.user, self.get_object(), note=d["note"], request=request))

    @extend_schema(request=LeadCreateSerializer, responses={201: RewardLeadSerializer})
    @action(detail=True, methods=["post"])
    def leads(self, request, pk=None):
        d = validated_input(self, LeadCreateSerializer)
        lead = rewards.register_lead(request.user, self.get_object(), **d, request=request)
        return Response(RewardLeadSerializer(lead, context=self.get_serializer_context()).data, status=201)

    @extend_schema(request=RewardNoteSerializer, responses=RewardNoticeSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        d = validated_input(self, RewardNoteSerializer)
        return self._done(rewards.close(request.user, self.get_object(), note=d["note"], request=request))


class RewardLeadViewSet(_LeadPersonalData, ScopedReadOnlyViewSet):
    """悬赏线索, in the order received; the check and the reward (four-eyes)."""

    queryset = RewardLead.objects.select_related("notice__case")
    serializer_class = RewardLeadSerializer
    filterset_fields = ["notice", "status"]
    ordering_fields = ["id", "seq", "received_at"]
    ordering = "id"
    policy_read = "reward.lead.read"

    def filter_queryset(self, queryset):
        # Leads are confidential to the owning court (Art. 23, rule "reward.lead.read" with own_court): a record is
        # checked by the policy (403 for a supervising court), and a list holds only the officer's own court's.
        queryset = super().filter_queryset(queryset)
        officer = officer_of(self.request.user)
        if self.action == "list" and officer is not None:
            queryset = queryset.filter(notice__case__court_id=officer.court_id)
        return queryset

    policy_actions = {
        "check": "reward.lead",
        "request_reward": "reward.pay.request",
        "approve_reward": "reward.pay.approve",
        "refuse_reward": "reward.pay.approve",
    }

    def _done(self, lead):
        return Response(self.get_serializer(self.get_queryset().get(pk=lead.pk)).data)

    @extend_schema(request=CheckSerializer, responses=RewardLeadSerializer)
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        d = validated_input(self, CheckSerializer)
        return self._done(rewards.check_lead(request.user, self.get_object(), **d, request=request))

    @extend_schema(request=RewardRequestSerializer, responses=RewardLeadSerializer)
    @action(detail=True, methods=["post"], url_path="request-reward")
    def request_reward(self, request, pk=None):
        d = validated_input(self, RewardRequestSerializer)
        return self._done(rewards.request_reward(request.user, self.get_object(), **d, request=request))

    @extend_schema(request=RewardNoteSerializer, responses=RewardLeadSerializer)
    @action(detail=True, methods=["post"], url_path="approve-reward")
    def approve_reward(self, request, pk=None):
        d = validated_input(self, RewardNoteSerializer)
        return self._done(rewards.approve_reward(request.user, self.get_object(), note=d["note"], request=request))

    @extend_schema(request=RewardNoteSerializer, responses=RewardLeadSerializer)
    @action(detail=True, methods=["post"], url_path="refuse-reward")
    def refuse_reward(self, request, pk=None):
        d = validated_input(self, RewardNoteSerializer)
        return self._done(rewards.refuse_reward(request.user, self.get_object(), note=d["note"], request=request))
