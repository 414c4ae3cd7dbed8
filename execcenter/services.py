"""Organisation-wide services: the audit log and alerts. Every app writes through these."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from execcenter.choices import AlertSeverity, AlertStatus
from execcenter.clientip import client_ip  # noqa: F401  (re-exported: the one answer to 'who is calling')
from execcenter.models import Alert, AuditLog, Court
from execcenter.scope import is_partner, officer_of, user_of

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import User
    from django.db.models import Model
    from django.http import HttpRequest

    from execcenter.models import PartnerClient

    Actor = User | PartnerClient


def actor_label(actor: Actor | None) -> str:
    if actor is None:
        return "system"
    if is_partner(actor):
        return f"partner:{actor.name}"
    officer = officer_of(actor)
    return officer.name if officer else (getattr(actor, "username", "") or "system")


def audit(
    actor: Actor | None,
    action: str,
    obj: Model | None = None,
    *,
    court: Court | None = None,
    request: HttpRequest | None = None,
    details: dict | None = None,
    object_type: str | None = None,
    object_id: object = None,
) -> AuditLog:
    """Append one audit entry. `actor` is a User, a PartnerClient or None (system/beat)."""
    if court is None and obj is not None:
        court = obj if isinstance(obj, Court) else getattr(obj, "court", None)
    return AuditLog.objects.create(
        user=user_of(actor),
        partner=actor if is_partner(actor) else None,
        actor_label=actor_label(actor)[:64],
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(object_id if object_id is not None else (obj.pk if obj is not None else "")),
        object_repr=str(obj)[:128] if obj is not None else "",
        court=court if isinstance(court, Court) else None,
        ip=client_ip(request),
        details=details or {},
    )


def audit_bulk(
    actor: Actor | None,
    action: str,
    objects: Iterable[Model],
    *,
    request: HttpRequest | None = None,
    details: dict | None = None,
) -> None:
    """One entry per object for bulk updates (`queryset.update()` bypasses signals, not this)."""
    user, partner = user_of(actor), (actor if is_partner(actor) else None)
    label, ip = actor_label(actor)[:64], client_ip(request)
    AuditLog.objects.bulk_create(
        AuditLog(
            user=user,
            partner=partner,
            actor_label=label,
            action=action,
            object_type=o._meta.label_lower,
            object_id=str(o.pk),
            object_repr=str(o)[:128],
            court=getattr(o, "court", None),
            ip=ip,
            details=details or {},
        )
        for o in objects
    )


def raise_alert(
    *,
    kind: str,
    court: Court,
    title: str,
    dedup_key: str,
    severity: str = AlertSeverity.WARNING,
    message: str = "",
    source: Model | None = None,
    link: str = "",
) -> tuple[Alert, bool]:
    """Raise an alert once: the same dedup_key never makes a second row. Returns (alert, created)."""
    existing = Alert.objects.filter(dedup_key=dedup_key).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                kind=kind,
                court=court,
                title=title[:128],
                message=message,
                severity=severity,
                dedup_key=dedup_key[:128],
                source_type=source._meta.label_lower if source is not None else "",
                source_id=str(source.pk) if source is not None else "",
                link=link,
            )
    except IntegrityError:  # raised concurrently by another worker
        return Alert.objects.get(dedup_key=dedup_key), False
    return alert, True


def resolve_alerts(dedup_prefix: str) -> int:
    """Close alerts whose cause went away (e.g. the freeze was renewed)."""
    return (
        Alert.objects.filter(dedup_key__startswith=dedup_prefix)
        .exclude(status=AlertStatus.RESOLVED)
        .update(status=AlertStatus.RESOLVED, resolved_at=timezone.now())
    )
