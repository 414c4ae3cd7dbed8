from rest_framework import serializers

from execcenter.api.serializers import AlertSerializer
from execcenter.models import Officer

from ..choices import Post
from ..models import AlertAction, Handover, Shift, ShiftSwap


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
        fields = ["id", "centre", "court_code", "name", "starts_at", "ends_at", "post_a", "post_a_name", "a_checked_in_at",
                  "post_b", "post_b_name", "b_checked_in_at"]


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
