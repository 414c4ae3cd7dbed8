"""旬调度 (ten-day schedule report) and 月通报 (monthly bulletin) for a court scope: indicators, rankings,
the long-pending ledger, overdue payouts, collective operations and linkage letters — as frozen data and
as .xlsx and .docx files."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import documents as issued
from cases import predicates
from cases.choices import CaseType
from cases.models import Case, DocumentKind, MoneyEntry
from execcenter.db import reading_replica
from execcenter.exceptions import RuleViolation
from execcenter.scope import user_of
from execcenter.services import audit

from . import indicators as ind
from .bulletin_files import render_docx, render_xlsx
from .choices import BulletinKind, OperationStatus
from .models import Bulletin, Operation
from .services import operation_tally, unit_counts

LEDGER_ROWS = 200  # the files list the oldest 200; the count covers all


def period_for(kind, day):
    """The period a bulletin generated on `day` reports: the 旬 or month that ended before `day`."""
    previous = day - dt.timedelta(days=1)
    return (
        ind.Period.ten_day(previous)
        if kind == BulletinKind.TEN_DAY
        else ind.Period.month(previous.year, previous.month)
    )


def _ranked_courts(court):
    """A bulletin ranks the courts directly below the issuing court; a basic court is ranked among its peers."""
    children = list(court.children.order_by("code"))
    return children or list(ind.peers(court))


def _ledger(court, period):
    qs = (
        Case.objects.in_scope(court)
        .long_pending_on(period.end)
        .select_related("court", "assigned_judge", "leading_official")
        .order_by("filed_on", "id")
    )
    rows = [
        {
            "number": c.number,
            "court": c.court.short_name,
            "filed_on": str(c.filed_on),
            "days_open": (period.end - c.filed_on).days,
            "judge": c.assigned_judge.name if c.assigned_judge else "",
            "leader": c.leading_official.name if c.leading_official else "",
            "outstanding": str(c.outstanding_amount),
        }
        for c in qs[:LEDGER_ROWS]
    ]
    return {"count": qs.count(), "rows": rows}


def _overdue_payouts(court, period):
    """Receipts not fully paid out by their 30-day due date (法发〔2017〕6号), as of the end of the period."""
    qs = (
        MoneyEntry.objects.in_scope(court)
        .filter(predicates.payout_overdue(period.end))
        .select_related("case__court")
        .order_by("payout_due", "id")
    )
    rows = [
        {
            "number": e.case.number,
            "court": e.case.court.short_name,
            "received": str(timezone.localdate(e.occurred_at)),
            "due": str(e.payout_due),
            "unpaid": str(e.amount - e.paid_out_amount),
            "days_overdue": (period.end - e.payout_due).days,
        }
        for e in qs[:LEDGER_ROWS]
    ]
    return {"count": qs.count(), "rows": rows}


def _operations(court, period):
    ops = (
        Operation.objects.filter(Q(court__in=court.subtree_ids()) | Q(courts__in=court.subtree_ids()))
        .distinct()
        .filter(starts_at__date__lte=period.end, ends_at__date__gte=period.start)
        .exclude(status=OperationStatus.PLANNED)
    )
    out = []
    for op in ops.order_by("starts_at"):
        total = op.summary.get("total") if op.status == OperationStatus.ENDED else None
        if total is None:
            t = operation_tally(op)["total"]
            total = {**t, "amount": str(t["amount"]), "measures": {str(k): v for k, v in t["measures"].items()}}
        out.append(
            {
                "name": op.name,
                "status": op.get_status_display(),
                "start": str(timezone.localdate(op.starts_at)),
                "end": str(timezone.localdate(op.ends_at)),
                **{k: total[k] for k in ("teams", "cases_worked", "cases_closed", "amount", "detained")},
            }
        )
    return out


def bulletin_data(court, kind, period):
    types = ind.IMPLEMENTATION_TYPES
    ranked = _ranked_courts(court)
    rankings = []
    for code in ind.CORE:
        case_type = CaseType.FIRST if ind.INDICATORS[code].typed else None
        rows = ind.ranking(code, period, ranked, case_type)
        rankings.append(
            {
                "code": code,
                "name": ind.INDICATORS[code].name,
                "rows": [
                    {
                        "rank": r["rank"],
                        "court": r["court"].short_name,
                        "value": r["value"],
                        "numerator": r["numerator"],
                        "denominator": r["denominator"],
                    }
                    for r in rows
                ],
            }
        )
    return {
        "kind": kind,
        "court": court.name,
        "court_code": court.code,
        "period": [str(period.start), str(period.end)],
        "core": [r.as_dict() for r in ind.core_set(court, period, types)],
        "indicators": [r.as_dict() for r in ind.all_indicators(court, period, CaseType.FIRST)],
        "rankings": rankings,
        "long_pending": _ledger(court, period),
        "overdue_payouts": _overdue_payouts(court, period),
        "operations": _operations(court, period),
        "linkage": [
            {k: r[k] for k in ("name", "pushed", "answered", "closed", "pending", "overdue")}
            for r in unit_counts(court, period.start, period.end, today=period.end + dt.timedelta(days=1))
        ],
    }


def title_for(court, kind, period):
    if kind == BulletinKind.TEN_DAY:
        part = {1: "上旬", 11: "中旬"}.get(period.start.day, "下旬")
        return _("%(court)s%(y)s年%(m)s月%(p)s执行工作调度") % {
            "court": court.short_name,
            "y": period.start.year,
            "m": period.start.month,
            "p": part,
        }
    return _("%(court)s%(y)s年%(m)s月执行工作通报") % {
        "court": court.short_name,
        "y": period.start.year,
        "m": period.start.month,
    }


SERIES = {BulletinKind.TEN_DAY: "执调", BulletinKind.MONTHLY: "执通"}


@transaction.atomic
def generate_bulletin(court, kind, period, actor=None, request=None):
    """Issue the bulletin of a scope and period, once: its data frozen, its .xlsx and .docx rendered, numbered
    in the court's yearly series (（2026）宁01执通3号) and stored as cases.IssuedDocument records. Asking again
    returns the issued bulletin unchanged. A period that has not ended yet cannot be issued (RuleViolation)."""
    if period.end >= timezone.localdate():
        raise RuleViolation(_("统计期间尚未结束，不能签发通报 (the period has not ended yet)"), code="period_not_ended")
    title = title_for(court, kind, period)
    bulletin, created = Bulletin.objects.select_for_update().get_or_create(
        kind=kind,
        court=court,
        period_start=period.start,
        period_end=period.end,
        defaults={"title": title},
    )
    stored = {d.content_type: d for d in issued.documents_of(bulletin)}
    if not created and len(stored) == 2:
        return bulletin
    if stored:
        data = bulletin.data
    else:
        with reading_replica():  # a closed period's figures: the replica's few seconds of lag change nothing
            data = bulletin_data(court, kind, period)
    number = (
        next(iter(stored.values())).number
        if stored
        else issued.court_series_number(court, timezone.localdate().year, SERIES[kind])
    )
    bulletin.title, bulletin.data = title, {**data, "number": number}
    bulletin.generated_by = user_of(actor)
    for field_name, content_type, render in (("xlsx", issued.XLSX, render_xlsx), ("docx", issued.DOCX, render_docx)):
        document = stored.get(content_type) or issued.issue(
            kind=DocumentKind.BULLETIN,
            number=number,
            title=title,
            court=court,
            source=bulletin,
            actor=actor,
            request=request,
            content=render(title, data, number),
            filename=f"{title}.{field_name}",
            content_type=content_type,
        )
        getattr(bulletin, field_name).name = document.file.name  # the issued file itself, not a copy
    bulletin.save()
    audit(
        actor,
        "bulletin.generate",
        bulletin,
        request=request,
        details={"kind": kind, "period": data["period"], "number": number},
    )
    return bulletin


def bulletin_document(bulletin, fmt):
    """The issued .xlsx / .docx record of a bulletin (None for another format or a bulletin never issued)."""
    content_type = {"xlsx": issued.XLSX, "docx": issued.DOCX}.get(fmt)
    return issued.documents_of(bulletin).filter(content_type=content_type).first() if content_type else None
