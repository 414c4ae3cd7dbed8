"""The domain predicates, each written once: open, running, long-pending, overdue, due soon, closed in a period,
payout overdue.

Each is a Q over Case (or MoneyEntry) fields, so one definition serves a queryset (the CaseQuerySet methods: the
case list's filters, the long-pending ledger, the supervision scan, the workbench), a FILTERed count inside the
screen's one aggregate scan (dashboards.modules.case_management) and a period's figures (command.indicators,
command.bulletins). "Long-pending" was written six times and the copies disagreed by a day (`<` the cutoff in the
ledger and the case filter, `<=` in the indicator, the bulletin and the wall), so a case filed exactly 12 months ago
was on the screen but not in the ledger. Days are Asia/Shanghai dates (timezone.localdate()).
"""

import datetime as dt

from django.db.models import F, Q

from . import deadlines
from .choices import CaseStatus, MoneyKind


def is_open():
    """Not closed (now): filed, assigned, investigating, controlling, disposing or suspended."""
    return ~Q(status=CaseStatus.CLOSED)


def open_on(day):
    """Open at the end of `day` (a past period's view): filed by then and not closed by then."""
    return Q(filed_on__lte=day) & (Q(closed_on__isnull=True) | Q(closed_on__gt=day))


def running():
    """Open and not suspended: the statutory clock runs (a suspension stops it)."""
    return is_open() & ~Q(status=CaseStatus.SUSPENDED)


def filed_long_ago(day):
    """Filed 12 months or more before `day`: on or before deadlines.long_pending_cutoff(day) (a case filed on
    2025-03-10 is long-pending from 2026-03-10 on). The one boundary of 长期未结."""
    return Q(filed_on__lte=deadlines.long_pending_cutoff(day))


def long_pending(today):
    """长期未结 now: open and filed 12 months or more ago."""
    return is_open() & filed_long_ago(today)


def long_pending_on(day):
    """长期未结 at the end of `day` (bulletins, indicators): open then and filed 12 months or more before it."""
    return open_on(day) & filed_long_ago(day)


def overdue(today):
    """已超审限: running and the statutory deadline is before today (the deadline day itself is still in time)."""
    return running() & Q(statutory_deadline__lt=today)


def due_soon(today, days=deadlines.NEAR_DAYS):
    """临期: running and the statutory deadline falls from today to `days` days after today, both included."""
    return running() & Q(statutory_deadline__gte=today, statutory_deadline__lte=today + dt.timedelta(days=days))


def closed_in(start, end):
    """Closed from `start` to `end`, both days included (a period's closures)."""
    return Q(closed_on__gte=start, closed_on__lte=end)


def payout_overdue(today):
    """案款超期未发放 (MoneyEntry): a receipt not fully paid out whose payout date (30 days after receipt,
    法发〔2017〕6号) is before `today`."""
    return Q(kind=MoneyKind.RECEIPT, paid_out_amount__lt=F("amount"), payout_due__lt=today)
