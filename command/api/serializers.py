from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.models import Case
from execcenter.api.serializers import MoneyAmountField
from execcenter.identifiers import normalise_case_number
from execcenter.models import Court, Officer
from execcenter.validators import validate_report_day

from ..choices import FieldMeasure, IncidentKind, IncidentSeverity
from ..models import (
    AssistanceLetter,
    Bulletin,
    Dispatch,
    FieldTeam,
    Incident,
    IncidentEvent,
    LinkageUnit,
    Operation,
    OperationResult,
    Petition,
)


class CaseNumberField(serializers.SlugRelatedField):
    """A case by its number, only among the cases the caller sees (an invisible one reads as "does not exist")."""

    def __init__(self, **kw):
        super().__init__(slug_field="number", queryset=Case.objects.all(), **kw)

    def get_queryset(self):
        return Case.objects.visible_to(self.context["request"].user)

    def to_internal_value(self, data):
        # The number as typed (half-width brackets, full-width digits) is looked up the one way (CaseQuerySet.by_number).
        return super().to_internal_value(normalise_case_number(data) if isinstance(data, str) else data)


class CourtCodeField(serializers.SlugRelatedField):
    def __init__(self, **kw):
        super().__init__(slug_field="code", queryset=Court.objects.all(), **kw)

    def get_queryset(self):
        return Court.objects.visible_to(self.context["request"].user)


class FieldTeamSerializer(serializers.ModelSerializer):
    court = CourtCodeField()
    leader = serializers.PrimaryKeyRelatedField(queryset=Officer.objects.all())
    members = serializers.PrimaryKeyRelatedField(queryset=Officer.objects.all(), many=True, required=False)

    class Meta:
        model = FieldTeam
        fields = ["id", "name", "court", "leader", "members", "vehicle", "body_camera_url"]


class OperationSerializer(serializers.ModelSerializer):
    court = CourtCodeField()
    courts = CourtCodeField(many=True)
    target_cases = CaseNumberField(many=True, required=False)
    teams = FieldTeamSerializer(many=True, read_only=True)

    class Meta:
        model = Operation
        fields = [
            "id",
            "name",
            "court",
            "courts",
            "starts_at",
            "ends_at",
            "target_cases",
            "description",
            "status",
            "launched_at",
            "ended_at",
            "summary",
            "teams",
        ]
        read_only_fields = ["status", "launched_at", "ended_at", "summary"]


class OperationResultSerializer(serializers.ModelSerializer):
    case = CaseNumberField()
    team = serializers.PrimaryKeyRelatedField(queryset=FieldTeam.objects.all())
    measures = serializers.ListField(child=serializers.ChoiceField(choices=FieldMeasure.choices), required=False)
    book_receipt = serializers.BooleanField(write_only=True, required=False, default=False)
    amount_recovered = MoneyAmountField(allow_zero=True, required=False)

    class Meta:
        model = OperationResult
        fields = [
            "id",
            "team",
            "case",
            "case_closed",
            "amount_recovered",
            "measures",
            "people_detained",
            "note",
            "book_receipt",
            "recorded_at",
        ]
        read_only_fields = ["recorded_at"]


class IncidentEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = IncidentEvent
        fields = ["at", "kind", "actor_label", "note"]


class DispatchSerializer(serializers.ModelSerializer):
    team = serializers.PrimaryKeyRelatedField(queryset=FieldTeam.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Dispatch
        fields = ["id", "team", "police_liaison", "note", "dispatched_at"]
        read_only_fields = ["dispatched_at"]


class IncidentSerializer(serializers.ModelSerializer):
    court = serializers.CharField(source="court.code", read_only=True)
    case = CaseNumberField(required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=IncidentKind.choices)
    severity = serializers.ChoiceField(choices=IncidentSeverity.choices)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-180, max_value=180)
    events = IncidentEventSerializer(many=True, read_only=True)
    dispatches = DispatchSerializer(many=True, read_only=True)
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = [
            "id",
            "court",
            "operation",
            "team",
            "case",
            "kind",
            "severity",
            "latitude",
            "longitude",
            "address",
            "description",
            "status",
            "reported_at",
            "closed_at",
            "outcome",
            "events",
            "dispatches",
            "photos",
        ]
        read_only_fields = ["status", "reported_at", "closed_at", "outcome"]

    def get_photos(self, obj) -> list[str]:
        # Through the scoped download action, never the media directory (execcenter/uploads.py).
        return [f"/api/v1/incidents/{obj.pk}/photos/{p.pk}/" for p in obj.photos.all()]


class TextSerializer(serializers.Serializer):
    text = serializers.CharField()


class LinkageUnitSerializer(serializers.ModelSerializer):
    court = serializers.CharField(source="court.code", read_only=True)

    class Meta:
        model = LinkageUnit
        fields = ["id", "name", "kind", "court", "contact_name", "contact_phone", "is_active"]


class AssistanceLetterSerializer(serializers.ModelSerializer):
    case = CaseNumberField()
    unit = serializers.PrimaryKeyRelatedField(queryset=LinkageUnit.objects.filter(is_active=True))
    court = serializers.CharField(source="court.code", read_only=True)
    due_on = serializers.DateField(required=False)

    class Meta:
        model = AssistanceLetter
        fields = [
            "id",
            "number",
            "case",
            "court",
            "unit",
            "subject",
            "request_text",
            "due_on",
            "status",
            "sent_at",
            "answer_text",
            "answered_by",
            "answered_via",
            "answered_at",
            "closed_at",
            "close_note",
        ]
        read_only_fields = [
            "number",
            "status",
            "sent_at",
            "answer_text",
            "answered_by",
            "answered_via",
            "answered_at",
            "closed_at",
            "close_note",
        ]


class LetterCloseSerializer(serializers.Serializer):
    """The body of closing a letter: an optional note (at most 200 characters, as stored)."""

    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class LetterAnswerSerializer(serializers.Serializer):
    answer_text = serializers.CharField()
    answered_by = serializers.CharField(max_length=64, help_text=_("答复经办人"))


class BulletinSerializer(serializers.ModelSerializer):
    court = CourtCodeField()
    period_start = serializers.DateField(read_only=True)
    period_end = serializers.DateField(read_only=True)
    day = serializers.DateField(write_only=True, help_text=_("期间内任一日"), validators=[validate_report_day])

    class Meta:
        model = Bulletin
        fields = ["id", "kind", "court", "day", "period_start", "period_end", "title", "generated_at", "data"]
        read_only_fields = ["title", "generated_at", "data"]


class PetitionSerializer(serializers.ModelSerializer):
    court = serializers.CharField(source="court.code", read_only=True)

    class Meta:
        model = Petition
        fields = ["id", "court", "case", "petitioner", "subject", "received_on", "due_on", "status", "closed_on"]
