"""Approvals waiting notify the approvers in person (issue 15 §3), not only the approval queue.

Control orders are decided by an approver of the order's own court (querycontrol.views.approval_queue), never by the
officer who filed them (four-eyes). Each (order, approver) pair is notified once: the outbox's dedup key."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from execcenter import notify
from execcenter.choices import AlertSeverity, Role
from execcenter.models import Officer
from querycontrol.models import ControlOrder


def notify_waiting(now: dt.datetime | None = None) -> int:
    """Queue one message per waiting order and approver. Returns the number of rows queued now."""
    now = now or timezone.now()
    waiting = list(
        ControlOrder.objects.awaiting_approval()
        .select_related("case", "court", "institution")
        .order_by("submitted_at", "id")[:500]
    )
    approvers = {}
    queued = 0
    for order in waiting:
        if order.court_id not in approvers:
            approvers[order.court_id] = [
                o
                for o in Officer.objects.filter(court_id=order.court_id).select_related("user")
                if o.has_role(Role.APPROVER)
            ]
        for approver in approvers[order.court_id]:
            if approver.user_id == order.filed_by_id:
                continue
            queued += len(
                notify.send(
                    approver,
                    subject=_("【待审批】%(kind)s %(case)s")
                    % {"kind": order.get_kind_display(), "case": order.case.number},
                    body=_("%(who)s 提交的%(kind)s（%(inst)s，%(amount)s 元）等待您审批。")
                    % {
                        "who": order.filed_by_label,
                        "kind": order.get_kind_display(),
                        "inst": order.institution.name,
                        "amount": order.requested_amount,
                    },
                    severity=AlertSeverity.WARNING,
                    link=f"/querycontrol/orders/{order.pk}/",
                    dedup_key=f"approval:{order.pk}:{approver.pk}",
                    now=now,
                )
            )
    return queued
