import datetime as dt

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from execcenter.api.serializers import AlertSerializer
from execcenter.models import Officer

from ..choices import Post
from ..models import AlertAction, CommandCentre, Handover, Shift, ShiftSwap


class AlertActionSerializer(serializers.ModelSerializer):
    escalated_to = serializers.CharField(source="escalated_to.name", default=None, read_only=True)

    class Meta:
        model = AlertAction
        fields = ["id", "kind", "at", "actor_label", "note", "escalated_to"]


class AlertWithHistorySerializer(AlertSerializer):
    actions = AlertActionSerializer(many=True, read_only=True)

    class Meta(AlertSerializer.Meta):
        fields = AlertSerializer.Meta.fields + ["actions"]


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000)


class ShiftSerializer(serializers.ModelSerializer):
    centre = serializers.CharField(source="centre.name", read_only=True)
    court_code = serializers.CharField(source="centre.court.code", read_only=True)
    post_a_name = serializers.CharField(source="post_a.name", default=None, read_only=True)
    post_b_name = serializers.CharField(source="post_b.name", default=None, read_only=True)

    class Meta:
        model = Shift
        fields = [
            "id",
            "centre",
            "court_code",
            "name",
            "starts_at",
            "ends_at",
            "post_a",
            "post_a_name",
            "a_checked_in_at",
            "post_b",
            "post_b_name",
            "b_checked_in_at",
        ]


class SwapRequestSerializer(serializers.Serializer):
    post = serializers.ChoiceField(choices=Post.choices)
    to_officer = serializers.PrimaryKeyRelatedField(queryset=Officer.objects.all())
    reason = serializers.CharField(max_length=200)


class TakeOverSerializer(serializers.Serializer):
    post = serializers.ChoiceField(choices=Post.choices)
    officer = serializers.PrimaryKeyRelatedField(queryset=Officer.objects.all())
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ShiftSwapSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShiftSwap
        fields = ["id", "shift", "post", "from_officer", "to_officer", "reason", "status", "decided_at", "created_at"]


class HandoverSerializer(serializers.ModelSerializer):
    written_by_name = serializers.CharField(source="written_by.name", read_only=True)

    class Meta:
        model = Handover
        fields = ["id", "shift", "handled", "open_items", "written_by_name", "written_at", "acknowledged_at"]
        read_only_fields = ["shift", "written_at", "acknowledged_at"]


class RosterPlanSerializer(serializers.Serializer):
    """A roster plan: the centre, the date range, the weekly pattern (dashboards.services.roster) and holidays."""

    centre = serializers.PrimaryKeyRelatedField(queryset=CommandCentre.objects.all())
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    pattern = serializers.JSONField(
        help_text='{"slots": [{"name", "start": "HH:MM", "hours"}], "week": {"0".."6", "holiday": [[A, B] | null]}}'
    )
    holidays = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        default=list,
        help_text='[{"day": "YYYY-MM-DD", "name": "国庆节"}]',
    )
    replace = serializers.BooleanField(required=False, default=False)

    def validate_holidays(self, value):
        out = []
        for item in value:
            try:
                out.append((dt.date.fromisoformat(str(item.get("day"))), str(item.get("name") or "")))
            except ValueError:
                raise serializers.ValidationError(_("节假日日期格式应为 YYYY-MM-DD (bad holiday date)")) from None
        return out


class ShiftAssignSerializer(serializers.Serializer):
    post_a = serializers.PrimaryKeyRelatedField(queryset=Officer.objects.all(), allow_null=True)
    post_b = serializers.PrimaryKeyRelatedField(queryset=Officer.objects.all(), allow_null=True)
