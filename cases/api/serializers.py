"""Serializers: outputs mask personal data unless the reader's role needs it; inputs validate fields and leave the
rules to the services (which answer 400 / 409 through DomainError)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from execcenter.api.serializers import MoneyAmountField
from execcenter.masking import mask_address, mask_id_number, mask_phone
from execcenter.models import Court, Officer
from execcenter.validators import validate_credit_code, validate_phone, validate_resident_id

from ..choices import (
    AuctionItemKind,
    AuctionOutcome,
    CaseStatus,
    CaseTag,
    CaseType,
    ClosureType,
    DishonestGround,
    MeasureKind,
    MeasureStatus,
    PartyKind,
    PartyRole,
    ReceiptSource,
    SuspensionKind,
)
from ..models import (
    ApprovalRequest,
    AuctionItem,
    AuctionRound,
    Case,
    CaseEvent,
    CaseParty,
    LongPendingEntry,
    LongPendingFollowUp,
    Measure,
    MoneyEntry,
    Party,
    UnclaimedReceipt,
)


class PartySerializer(serializers.ModelSerializer):
    """The shared party record: kind, name, ID number (masked unless context["unmasked"]; each unmasked party is
    noted in context["revealed"] so the view can audit the read). Phone and address are per case: see
    CasePartySerializer."""

    class Meta:
        model = Party
        fields = ["id", "kind", "name", "id_number"]

    def to_representation(self, instance):
        return protect_party(super().to_representation(instance), self.context)


def protect_party(data, context):
    """Mask a party's output, or note its id for the audit of unmasked reads (also used by cases.api.case_rows)."""
    if context.get("unmasked"):
        context.setdefault("revealed", set()).add(data["id"])
    else:
        data["id_number"] = mask_id_number(data["id_number"])
    return data


def protect_contacts(data, context):
    """Mask a case link's phone and address unless context["unmasked"] (the read is audited with its party)."""
    if not context.get("unmasked"):
        data["phone"] = mask_phone(data["phone"])
        data["address"] = mask_address(data["address"])
    return data


class CasePartySerializer(serializers.ModelSerializer):
    """A party in one case: its role, the phone and address entered for this case by the case's court, and the
    shared party record."""

    party = PartySerializer(read_only=True)

    class Meta:
        model = CaseParty
        fields = ["role", "phone", "address", "party"]

    def to_representation(self, instance):
        return protect_contacts(super().to_representation(instance), self.context)


class CaseSerializer(serializers.ModelSerializer):
    court_code = serializers.CharField(source="court.code", read_only=True)
    parties = CasePartySerializer(source="case_parties", many=True, read_only=True)
    assigned_judge_name = serializers.CharField(source="assigned_judge.name", default=None, read_only=True)
    tags = serializers.ListField(child=serializers.ChoiceField(choices=CaseTag.choices), read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "court_code",
            "year",
            "case_type",
            "sequence",
            "cause",
            "origin_body",
            "origin_document_no",
            "filed_on",
            "claim_amount",
            "recovered_amount",
            "outstanding_amount",
            "costs_amount",
            "status",
            "closure_type",
            "closed_on",
            "assigned_judge",
            "assigned_judge_name",
            "responsible_officer",
            "leading_official",
            "tags",
            "assignment_due",
            "statutory_deadline",
            "suspended_days",
            "extension_days",
            "suspended_since",
            "notice_sent_on",
            "dishonest_eligible",
            "debtor_whereabouts_unknown",
            "debtor_searched_on",
            "debtor_obstructed",
            "origin_case",
            "parties",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PartyInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PartyKind.choices)
    role = serializers.ChoiceField(choices=PartyRole.choices)
    name = serializers.CharField(max_length=128)
    # Room for the number as typed (spaces between groups): it is folded to its 18 ASCII characters in validate().
    id_number = serializers.CharField(max_length=40)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def validate(self, attrs):
        check = validate_resident_id if attrs["kind"] == PartyKind.PERSON else validate_credit_code
        try:
            attrs["id_number"] = check(attrs["id_number"])
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"id_number": exc.messages}) from None
        try:
            attrs["phone"] = validate_phone(attrs.get("phone"))
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"phone": exc.messages}) from None
        return attrs


class CaseCreateSerializer(serializers.Serializer):
    court = serializers.SlugRelatedField(
        slug_field="code", queryset=Court.objects.all(), help_text=_("法院代字，如 宁0105")
    )
    case_type = serializers.ChoiceField(choices=CaseType.choices, default=CaseType.FIRST)
    cause = serializers.CharField(max_length=64)
    filed_on = serializers.DateField()
    claim_amount = MoneyAmountField(allow_zero=True)
    origin_body = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    origin_document_no = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    tags = serializers.ListField(child=serializers.ChoiceField(choices=CaseTag.choices), required=False, default=list)
    parties = PartyInputSerializer(many=True, min_length=2)

    def validate_court(self, court):
        if not Court.objects.visible_to(self.context["request"].user).filter(pk=court.pk).exists():
            raise serializers.ValidationError(_("该法院不在您的授权范围内 (court outside your scope)"))
        return court


class CaseEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseEvent
        fields = ["id", "case", "at", "kind", "actor_label", "summary", "details"]


class MoneyEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = MoneyEntry
        fields = [
            "id",
            "case",
            "kind",
            "source",
            "amount",
            "occurred_at",
            "payout_due",
            "paid_out_amount",
            "payee",
            "reference",
            "note",
        ]


class MeasureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Measure
        fields = [
            "id",
            "case",
            "kind",
            "status",
            "party",
            "legal_ground",
            "document_no",
            "decided_on",
            "starts_on",
            "ends_on",
            "extension_years",
            "amount",
            "days",
            "holder",
            "performed_on",
            "removal_due",
            "ended_on",
            "note",
            "created_at",
        ]


class AuctionRoundSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuctionRound
        fields = [
            "id",
            "item",
            "round_no",
            "start_price",
            "deposit",
            "announced_on",
            "starts_at",
            "ends_at",
            "outcome",
            "deal_price",
            "concluded_on",
        ]


class AuctionItemSerializer(serializers.ModelSerializer):
    rounds = AuctionRoundSerializer(many=True, read_only=True)

    class Meta:
        model = AuctionItem
        fields = ["id", "case", "name", "kind", "appraisal_value", "appraised_on", "status", "rounds", "created_at"]


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = LongPendingFollowUp
        fields = ["id", "at", "actor_label", "note"]


class LongPendingEntrySerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    follow_ups = FollowUpSerializer(many=True, read_only=True)

    class Meta:
        model = LongPendingEntry
        fields = [
            "id",
            "case",
            "case_number",
            "responsible_officer",
            "leading_official",
            "cause",
            "plan",
            "status",
            "opened_on",
            "resolved_on",
            "follow_ups",
        ]


class UnclaimedReceiptSerializer(serializers.ModelSerializer):
    court_code = serializers.CharField(source="court.code", read_only=True)

    class Meta:
        model = UnclaimedReceipt
        fields = [
            "id",
            "court_code",
            "amount",
            "received_at",
            "payer_name",
            "remark",
            "bank_reference",
            "statement",
            "matched_case",
            "matched_at",
        ]


# --- Action inputs ----------------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class ScopedOfficerField(serializers.PrimaryKeyRelatedField):
    """An officer of a court the caller can see (an officer elsewhere answers "does not exist")."""

    def get_queryset(self):
        return Officer.objects.filter(court__in=Court.objects.visible_to(self.context["request"].user))


class AssignSerializer(serializers.Serializer):
    judge = ScopedOfficerField()
    leading_official = ScopedOfficerField(required=False, allow_null=True)


class TransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=[CaseStatus.INVESTIGATING, CaseStatus.CONTROLLING, CaseStatus.DISPOSING])
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class SuspendSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SuspensionKind.choices)
    reason = serializers.CharField(max_length=200)


class ResumeSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CloseSerializer(serializers.Serializer):
    closure_type = serializers.ChoiceField(choices=ClosureType.choices)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class ExtendDeadlineSerializer(serializers.Serializer):
    """A request: the 院长 approves it through /approval-requests/{id}/approve/ (four-eyes)."""

    days = serializers.IntegerField(min_value=1, max_value=180)
    reason = serializers.CharField(max_length=200)


class ApprovalRequestSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    requested_by_name = serializers.CharField(source="requested_by.name", read_only=True, default="")
    decided_by_name = serializers.CharField(source="decided_by.name", read_only=True, default="")

    class Meta:
        model = ApprovalRequest
        fields = [
            "id",
            "uid",
            "case",
            "case_number",
            "court",
            "kind",
            "status",
            "payload",
            "reason",
            "requested_by",
            "requested_by_name",
            "requested_at",
            "decided_by",
            "decided_by_name",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class ApprovalDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    approval_document_no = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class NoticeSerializer(serializers.Serializer):
    sent_on = serializers.DateField()


class DebtorFactsSerializer(serializers.Serializer):
    dishonest_eligible = serializers.BooleanField(required=False, allow_null=True, default=None)
    whereabouts_unknown = serializers.BooleanField(required=False, allow_null=True, default=None)
    searched_on = serializers.DateField(required=False, allow_null=True, default=None)
    obstructed = serializers.BooleanField(required=False, allow_null=True, default=None)


class ReceiptSerializer(serializers.Serializer):
    amount = MoneyAmountField()
    source = serializers.ChoiceField(choices=[c for c in ReceiptSource.choices if c[0] != ReceiptSource.PAYOUT])
    reference = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PayoutSerializer(serializers.Serializer):
    amount = MoneyAmountField()
    payee = serializers.PrimaryKeyRelatedField(queryset=Party.objects.all())
    reference = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class MeasureCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MeasureKind.choices)
    party = serializers.PrimaryKeyRelatedField(
        queryset=Party.objects.all(), required=False, allow_null=True, default=None
    )
    legal_ground = serializers.ChoiceField(
        choices=DishonestGround.choices, required=False, allow_blank=True, default=""
    )
    document_no = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)
    starts_on = serializers.DateField(required=False, allow_null=True, default=None)
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    amount = MoneyAmountField(required=False, allow_null=True, default=None)
    days = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    holder = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    extension_years = serializers.IntegerField(required=False, default=0, min_value=0, max_value=3)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class MeasureEndSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=[c for c in MeasureStatus.choices if c[0] != MeasureStatus.ACTIVE])
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class MeasureExtendSerializer(serializers.Serializer):
    years = serializers.IntegerField(min_value=1, max_value=3)


class AuctionItemCreateSerializer(serializers.Serializer):
    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all())
    control_order = serializers.IntegerField(min_value=1, help_text=_("所拍卖财产的查封/冻结措施（本案、正在生效）"))
    name = serializers.CharField(max_length=128)
    kind = serializers.ChoiceField(choices=AuctionItemKind.choices, required=False, help_text=_("默认按财产类别"))
    appraisal_value = MoneyAmountField()
    appraised_on = serializers.DateField()

    def validate_case(self, case):
        if not Case.objects.visible_to(self.context["request"].user).filter(pk=case.pk).exists():
            raise serializers.ValidationError(_("案件不存在 (no such case)"))
        return case


class AuctionRoundCreateSerializer(serializers.Serializer):
    start_price = MoneyAmountField()
    deposit = MoneyAmountField()
    announced_on = serializers.DateField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class AuctionConcludeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[c for c in AuctionOutcome.choices if c[0] != AuctionOutcome.PENDING])
    deal_price = MoneyAmountField(required=False, allow_null=True, default=None)
    concluded_on = serializers.DateField(required=False, allow_null=True, default=None)


class LedgerUpdateSerializer(serializers.Serializer):
    cause = serializers.CharField(max_length=200, required=False)
    plan = serializers.CharField(required=False)
    responsible_officer = ScopedOfficerField(required=False)
    leading_official = ScopedOfficerField(required=False)


class FollowUpCreateSerializer(serializers.Serializer):
    note = serializers.CharField()


class MatchUnclaimedSerializer(serializers.Serializer):
    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all())

    def validate_case(self, case):
        if not Case.objects.visible_to(self.context["request"].user).filter(pk=case.pk).exists():
            raise serializers.ValidationError(_("案件不存在 (no such case)"))
        return case


class ConditionSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    ok = serializers.BooleanField()


class AuctionRatesSerializer(serializers.Serializer):
    deal_rate = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)
    premium_rate = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
