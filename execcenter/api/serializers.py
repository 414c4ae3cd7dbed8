from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from execcenter.models import Alert, AuditLog, Court
from execcenter.money import DECIMAL_PLACES, MAX_DIGITS, parse_amount


class MoneyAmountField(serializers.DecimalField):
    """An amount in yuan, parsed by execcenter.money.parse_amount (the forms and the services refuse the same input
    the same way: more than 2 decimals is a 400, never rounded away); written out as "1234.50". Positive unless
    `allow_zero`."""

    def __init__(self, *, allow_zero=False, **kwargs):
        self.allow_zero = allow_zero
        kwargs.setdefault("max_digits", MAX_DIGITS)
        kwargs.setdefault("decimal_places", DECIMAL_PLACES)
        kwargs.setdefault("min_value", Decimal("0") if allow_zero else Decimal("0.01"))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return parse_amount(data, allow_zero=self.allow_zero)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages, code=exc.code) from None


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
            "id",
            "kind",
            "severity",
            "status",
            "court_code",
            "title",
            "message",
            "source_type",
            "source_id",
            "link",
            "raised_at",
            "acknowledged_at",
            "action_note",
            "escalated_at",
            "resolved_at",
        ]


class AuditLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditLog
        fields = ["id", "at", "actor_label", "action", "object_type", "object_id", "object_repr", "ip", "details"]
