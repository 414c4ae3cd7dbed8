from django.db import models


class IdempotencyRecord(models.Model):
    """The stored answer to a POST carrying an Idempotency-Key, per principal (user or partner key)."""

    principal = models.CharField(max_length=48)
    key = models.CharField(max_length=128)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["principal", "key"], name="uniq_idempotency_key_per_principal")]
