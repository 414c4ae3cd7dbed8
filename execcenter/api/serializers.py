from rest_framework import serializers

from execcenter.models import Alert, AuditLog, Court


class CourtSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", default=None, read_only=True)

    class Meta:
        model = Court
        fields = ["id", "code", "name", "short_name", "level", "parent_code", "division_code"]


class AlertSerializer(serializers.ModelSerializer):
    court_code = serializers.CharField(source="court.code", read_only=True)

    class Meta:
        model = Alert
        fields = [
            "id", "kind", "severity", "status", "court_code", "title", "message", "source_type", "source_id",
            "link", "raised_at", "acknowledged_at", "action_note", "escalated_at", "resolved_at",
        ]


class AuditLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditLog
        fields = ["id", "at", "actor_label", "action", "object_type", "object_id", "object_repr", "ip", "details"]
