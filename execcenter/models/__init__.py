from .alerts import Alert
from .audit import AuditLog
from .courts import Court
from .idempotency import IdempotencyRecord
from .notifications import Notification, NotificationPreference
from .officers import Officer
from .outbox import OutboxMessage
from .partners import PartnerClient
from .scoped import ScopedQuerySet

__all__ = [
    "Alert",
    "AuditLog",
    "Court",
    "IdempotencyRecord",
    "Notification",
    "NotificationPreference",
    "Officer",
    "OutboxMessage",
    "PartnerClient",
    "ScopedQuerySet",
]
