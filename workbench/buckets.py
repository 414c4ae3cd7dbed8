"""What each role's workbench counts (我的工作台). Every count is a queryset, so the number on the page and the
list behind its link come from the same definition and cannot disagree.

A bucket is (key, label, tone, queryset-builder). `today` is the local date in Asia/Shanghai (never the UTC date
of an aware datetime); the statutory facts come from cases.deadlines (docs/design.md §3).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from cases import deadlines
from cases.choices import OPEN_STATUSES, CaseStatus, MoneyKind, RequeryStatus
from cases.models import Case, LongPendingEntry, MoneyEntry, RequerySchedule
from execcenter.choices import AlertSeverity, AlertStatus, Role
from execcenter.models import Alert
from execcenter.policy import may
from querycontrol.models import ControlOrder, FoundAsset

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import Model, QuerySet

    from execcenter.models import Officer

# A case whose statutory limit passed more than this long ago is "critically overdue" (严重超审限): the screens'
# deadline module and DESIGN §7 (tasks grouped as critically overdue / overdue / due soon) use the same 30 days.
CRITICAL_OVERDUE_DAYS = 30
DUE_SOON_DAYS = 7
DUE_LATER_DAYS = deadlines.NEAR_DAYS  # 30: the screen's "临期" window
# The execution notice goes out within 3 days of assignment, assignment within 7 of filing (DESIGN §3 life cycle):
# a case without a notice is due by filed_on + 10 days, and shown from 3 days before.
NOTICE_DAYS = 3
NOTICE_WARN_DAYS = 3
# Leads (found assets) are checked within 7 days of being found (DESIGN §3: "leads checked within 7 days").
LEAD_DAYS = 7
# Money waits at most 30 days (法发〔2017〕6号); the workbench shows it from day 20 so it is paid before the limit.
PAYOUT_WARN_DAYS = 20
REQUERY_WINDOW_DAYS = 30
# "My orders" covers the orders filed in the last 30 days.
ORDER_WINDOW_DAYS = 30

# Running cases: open and not suspended (a suspended case's clock stands still).
RUNNING = [s for s in OPEN_STATUSES if s != CaseStatus.SUSPENDED]


@dataclass
class Bucket:
    key: str
    label: str
    tone: str  # "red" | "amber" | "green" | "" (the badge colour)
    count: int
    url: str
    items: list = field(default_factory=list)


@dataclass
class Definition:
    key: str
    label: str
    tone: str
    queryset: Callable  # (officer, today) -> QuerySet
    case_list: Callable | None = None  # (officer, today) -> query params for the case list, when it can show them


def mine_field(officer: Officer) -> str:
    """The case field that makes a case "mine": the assigned judge for a judge, the responsible officer for an 执行员."""
    return "assigned_judge" if officer.has_role(Role.JUDGE) else "responsible_officer"


def _mine(officer):
    return Case.objects.filter(**{mine_field(officer): officer})


def _deadline_between(first, last):
    def qs(officer, today):
        q = _mine(officer).filter(status__in=RUNNING)
        if first is not None:
            q = q.filter(statutory_deadline__gte=today + dt.timedelta(days=first))
        if last is not None:
            q = q.filter(statutory_deadline__lte=today + dt.timedelta(days=last))
        return q

    def params(officer, today):
        p = [(mine_field(officer), officer.pk)] + [("status", s) for s in RUNNING]
        if first is not None:
            p.append(("statutory_deadline__gte", (today + dt.timedelta(days=first)).isoformat()))
        if last is not None:
            p.append(("statutory_deadline__lte", (today + dt.timedelta(days=last)).isoformat()))
        return p

    return qs, params


def _notice_due(officer, today):
    # Due on filed_on + 7 + 3; shown from NOTICE_WARN_DAYS before, and while overdue.
    latest_filed = (
        today + dt.timedelta(days=NOTICE_WARN_DAYS) - dt.timedelta(days=deadlines.ASSIGNMENT_DAYS + NOTICE_DAYS)
    )
    return _mine(officer).filter(status__in=RUNNING, notice_sent_on__isnull=True, filed_on__lte=latest_filed)


def _leads_due(officer, today):
    # Found assets with no control order yet, on my open cases: each is a lead to check within 7 days of being found.
    return (
        FoundAsset.objects.filter(case__in=_mine(officer).filter(status__in=RUNNING), orders__isnull=True)
        .select_related("case", "institution")
        .order_by("found_at")
    )


def _requeries_due(officer, today):
    return (
        RequerySchedule.objects.filter(
            case__in=_mine(officer),
            status=RequeryStatus.DUE,
            due_on__lte=today + dt.timedelta(days=REQUERY_WINDOW_DAYS),
        )
        .select_related("case")
        .order_by("due_on")
    )


def _payouts_waiting(officer, today):
    start_of_day = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=PAYOUT_WARN_DAYS - 1), dt.time.min)
    )
    return (
        MoneyEntry.objects.filter(
            case__in=_mine(officer),
            kind=MoneyKind.RECEIPT,
            paid_out_amount__lt=F("amount"),
            occurred_at__lt=start_of_day,
        )
        .select_related("case")
        .order_by("occurred_at")
    )


def _my_orders(officer, today):
    since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=ORDER_WINDOW_DAYS), dt.time.min))
    return (
        ControlOrder.objects.filter(filed_by=officer.user_id, created_at__gte=since)
        .select_related("case", "institution")
        .order_by("-created_at")
    )


_crit_qs, _crit_params = _deadline_between(None, -(CRITICAL_OVERDUE_DAYS + 1))
_over_qs, _over_params = _deadline_between(-CRITICAL_OVERDUE_DAYS, -1)
_soon_qs, _soon_params = _deadline_between(0, DUE_SOON_DAYS)
_later_qs, _later_params = _deadline_between(DUE_SOON_DAYS + 1, DUE_LATER_DAYS)

JUDGE_DEADLINES = [
    Definition("critically_overdue", _("严重超审限（超期30日以上）"), "red", _crit_qs, _crit_params),
    Definition("overdue", _("已超审限"), "red", _over_qs, _over_params),
    Definition("due_7", _("7日内届满"), "amber", _soon_qs, _soon_params),
    Definition("due_30", _("30日内届满"), "", _later_qs, _later_params),
]
JUDGE_STEPS = [
    Definition("notice_due", _("执行通知书待发出（3日内到期或已逾期）"), "amber", _notice_due),
    Definition("leads_due", _("财产线索待核查（7日内）"), "amber", _leads_due),
    Definition("requeries_due", _("终本案件定期查询（30日内到期）"), "", _requeries_due),
    Definition("payouts_waiting", _("案款到账超过20日未发放"), "red", _payouts_waiting),
    Definition("my_orders", _("我的控制措施（近30日）"), "", _my_orders),
]
DEFINITIONS = {d.key: d for d in JUDGE_DEADLINES + JUDGE_STEPS}


def _url(definition, officer, today):
    if definition.case_list is not None:
        return reverse("cases:case-list") + "?" + urlencode(definition.case_list(officer, today))
    return reverse("workbench:bucket", args=[definition.key])


def judge_buckets(officer: Officer, today: dt.date | None = None) -> dict:
    """The judge's / officer's buckets at `today`: [Bucket] for deadlines, [Bucket] for steps due.

    Returns {"deadlines": [...], "steps": [...], "orders": {status label: count}}."""
    today = today or timezone.localdate()
    out = {}
    for group, defs in (("deadlines", JUDGE_DEADLINES), ("steps", JUDGE_STEPS)):
        out[group] = [
            Bucket(d.key, str(d.label), d.tone, d.queryset(officer, today).count(), _url(d, officer, today))
            for d in defs
        ]
    orders = {}
    for order in _my_orders(officer, today).select_related(None).only("status", "outcome"):
        label = order.get_outcome_display() if order.outcome else order.get_status_display()
        orders[str(label)] = orders.get(str(label), 0) + 1
    out["orders"] = sorted(orders.items())
    return out


def bucket_queryset(key: str, officer: Officer, today: dt.date | None = None) -> QuerySet:
    """The rows behind one judge bucket (the drill-down list); KeyError for an unknown key."""
    return DEFINITIONS[key].queryset(officer, today or timezone.localdate())


# --- the other roles ------------------------------------------------------------------------------------------

# Steps that wait for a second person (cases.ApprovalRequest) and the action that decides each (cases/rules.py).
APPROVAL_ACTIONS = {
    "payout": "money.payout.approve",
    "closure": "case.close.approve",
    "extension": "case.extend.approve",
}


def approvals_waiting(user: User, officer: Officer) -> QuerySet:
    """Pending approval requests of my own court that I may decide (my role; never my own request)."""
    from cases.choices import ApprovalStatus
    from cases.models import ApprovalRequest

    kinds = [kind for kind, action in APPROVAL_ACTIONS.items() if may(user, action)]
    return (
        ApprovalRequest.objects.filter(court=officer.court, status=ApprovalStatus.PENDING, kind__in=kinds)
        .exclude(requested_by=officer)
        .select_related("case")
        .order_by("requested_at", "id")
    )


def approver_section(user: User, officer: Officer) -> dict:
    """What waits for my decision: control orders and approval requests (payout, closure, extension) of my court."""
    tiles = []
    if may(user, "order.decide"):
        waiting = (
            ControlOrder.objects.visible_to(user).awaiting_approval().filter(court=officer.court).exclude(filed_by=user)
        )
        tiles.append(
            Bucket(
                "orders_waiting", str(_("控制措施待审批")), "amber", waiting.count(), reverse("querycontrol:approvals")
            )
        )
    requests = approvals_waiting(user, officer)
    from cases.choices import ApprovalKind

    counts = dict(requests.order_by().values_list("kind").annotate(n=Count("pk")))
    for kind in APPROVAL_ACTIONS:
        if may(user, APPROVAL_ACTIONS[kind]):
            tiles.append(
                Bucket(
                    f"approvals_{kind}",
                    str(ApprovalKind(kind).label) + str(_("待审批")),
                    "amber",
                    counts.get(kind, 0),
                    reverse("workbench:approvals") + "?" + urlencode({"kind": kind}),
                )
            )
    return {"tiles": tiles}


def duty_section(user: User, officer: Officer, now: dt.datetime | None = None) -> dict:
    """Alerts open in my scope by severity, my shifts of the next 7 days, the handover I have to read."""
    from dashboards.models import Handover, Shift

    now = now or timezone.now()
    open_alerts = Alert.objects.visible_to(user).filter(status=AlertStatus.OPEN)
    by_severity = []
    for value, label in AlertSeverity.choices:
        by_severity.append(
            Bucket(
                value,
                str(label),
                "red" if value == AlertSeverity.CRITICAL else "amber" if value == AlertSeverity.WARNING else "",
                open_alerts.filter(severity=value).count(),
                reverse("dashboards:alert-list") + "?" + urlencode({"status": AlertStatus.OPEN, "severity": value}),
            )
        )
    shifts = list(
        Shift.objects.filter(
            Q(post_a=officer) | Q(post_b=officer), ends_at__gt=now, starts_at__lte=now + dt.timedelta(days=7)
        )
        .select_related("centre")
        .order_by("starts_at")
    )
    # A handover is mine to read when I am on the shift that follows it and nobody acknowledged it yet.
    to_read = []
    for shift in shifts:
        if shift.starts_at > now + dt.timedelta(hours=12):
            break
        previous = (
            Shift.objects.filter(centre=shift.centre_id, ends_at__lte=shift.starts_at + dt.timedelta(minutes=1))
            .order_by("-ends_at")
            .first()
        )
        if previous is not None:
            handover = (
                Handover.objects.filter(shift=previous, acknowledged_at__isnull=True)
                .select_related("written_by")
                .first()
            )
            if handover is not None:
                to_read.append(handover)
    return {"alerts": by_severity, "shifts": shifts, "handovers": to_read, "duty_url": reverse("dashboards:duty")}


def director_section(user: User, officer: Officer, today: dt.date | None = None) -> dict:
    """The court's picture: long-pending ledger, running operations, swaps waiting, and the judges' warnings."""
    from command.models import Operation
    from dashboards.choices import SwapStatus
    from dashboards.models import ShiftSwap

    today = today or timezone.localdate()
    long_pending = Case.objects.visible_to(user).long_pending(today)
    ledger_without_plan = LongPendingEntry.objects.visible_to(user).filter(plan="", status="open")
    return {
        "long_pending": long_pending.count(),
        "long_pending_url": reverse("cases:case-list") + "?long_pending=true",
        "ledger_without_plan": ledger_without_plan.count(),
        "operations": Operation.objects.visible_to(user).exclude(status="ended").count(),
        "operations_url": reverse("command:operation-list"),
        "indicators_url": reverse("command:indicators"),
        "swaps_waiting": ShiftSwap.objects.visible_to(user).filter(status=SwapStatus.REQUESTED).count(),
        "duty_url": reverse("dashboards:duty"),
    }


def sections_for(user: User) -> list[str]:
    """Which workbench sections this user gets, in order (a person with several roles gets each), as the permission
    policy says: the case worker's buckets, the approver's queue, the duty desk, the director's picture."""
    from execcenter.scope import officer_of

    if officer_of(user) is None:
        return []
    out = []
    if may(user, "order.file"):
        out.append("judge")
    if any(may(user, action) for action in ("order.decide", *APPROVAL_ACTIONS.values())):
        out.append("approver")
    if may(user, "duty.work"):
        out.append("duty")
    if may(user, "duty.plan"):
        out.append("director")
    return out


def describe(row: Model) -> tuple[int, str, str, dt.date | None]:
    """(case id, case number, what, date) of one row of a non-case bucket, for the drill-down list."""
    if isinstance(row, FoundAsset):
        return (
            row.case_id,
            row.case.number,
            f"{row.get_kind_display()} {row.institution.name} {row.asset_ref}",
            timezone.localtime(row.found_at).date(),
        )
    if isinstance(row, RequerySchedule):
        return row.case_id, row.case.number, _("第%(n)d轮定期查询") % {"n": row.round_no}, row.due_on
    if isinstance(row, MoneyEntry):
        return (
            row.case_id,
            row.case.number,
            _("到账 %(a)s 元，已发放 %(p)s 元") % {"a": row.amount, "p": row.paid_out_amount},
            timezone.localtime(row.occurred_at).date(),
        )
    if isinstance(row, ControlOrder):
        result = row.get_outcome_display() if row.outcome else row.get_status_display()
        return (
            row.case_id,
            row.case.number,
            f"{row.get_kind_display()} {row.institution.name} · {result}",
            timezone.localtime(row.created_at).date(),
        )
    raise TypeError(type(row))
