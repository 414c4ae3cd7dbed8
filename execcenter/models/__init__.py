from .alerts import Alert
from .audit import AuditLog
from .courts import Court
from .idempotency import IdempotencyRecord
from .officers import Officer
from .partners import PartnerClient
from .scoped import ScopedQuerySet

__all__ = ["Alert", "AuditLog", "Court", "IdempotencyRecord", "Officer", "PartnerClient", "ScopedQuerySet"]
