"""Early warnings per judge (预警): evaluate every rule for every court, raise what is new for the responsible officer,
resolve what went away. Run hourly by workbench.tasks.evaluate_warnings; idempotent (running twice raises nothing
twice: one open warning per cause, EarlyWarning.uniq_open_warning_key).

Each builder answers, for a set of courts sharing one threshold, the causes that hold now:
{key: {"court_id", "case_id", "officer_id", "title", "link"}}.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import OPEN_STATUSES, CaseStatus, LedgerStatus, MoneyKind, RequeryStatus
from cases.models import Case, CaseEvent, LongPendingEntry, MoneyEntry, RequerySchedule
from execcenter.choices import AlertSeverity
from execcenter.exceptions import RuleViolation
from execcenter.models import Court
from execcenter.policy import require
from execcenter.services import audit
from querycontrol.models import ControlOrder

from .choices import RULE_DEFAULTS, WarningRuleKind
from .models import EarlyWarning, WarningRule

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.db.models import QuerySet
    from django.http import HttpRequest

    from execcenter.models import Court, Officer
    from execcenter.services import Actor

RUNNING = [s for s in OPEN_STATUSES if s != CaseStatus.SUSPENDED]
CHUNK = 2000


def _case_link(case_id):
    return reverse("cases:case-detail", args=[case_id])


def _day_start(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _idle(court_ids, days, today, now):
    cutoff = now - dt.timedelta(days=days)
    last = CaseEvent.objects.filter(case=OuterRef("pk")).order_by("-at").values("at")[:1]
    rows = (
        Case.objects.filter(court__in=court_ids, status__in=RUNNING, filed_on__lt=timezone.localdate(cutoff))
        .annotate(last=Subquery(last))
        .filter(Q(last__lt=cutoff) | Q(last__isnull=True))
        .values_list("pk", "court_id", "assigned_judge_id", "responsible_officer_id", "number")
    )
    for pk, court, judge, resp, number in rows.iterator(chunk_size=CHUNK):
        yield (
            f"idle:{pk}",
            {
                "court_id": court,
                "case_id": pk,
                "officer_id": judge or resp,
                "title": _("%(n)s 已超过 %(d)d 日无办案节点") % {"n": number, "d": days},
                "link": _case_link(pk),
            },
        )


def _deadline(court_ids, days, today, now):
    rows = Case.objects.filter(
        court__in=court_ids, status__in=RUNNING, statutory_deadline__lte=today + dt.timedelta(days=days)
    ).values_list("pk", "court_id", "assigned_judge_id", "responsible_officer_id", "number", "statutory_deadline")
    for pk, court, judge, resp, number, deadline in rows.iterator(chunk_size=CHUNK):
        title = (_("%(n)s 已超审限（届满日 %(d)s）") if deadline < today else _("%(n)s 审限将于 %(d)s 届满")) % {
            "n": number,
            "d": deadline,
        }
        yield (
            f"deadline:{pk}",
            {"court_id": court, "case_id": pk, "officer_id": judge or resp, "title": title, "link": _case_link(pk)},
        )


def _payout(court_ids, days, today, now):
    before = _day_start(today - dt.timedelta(days=days - 1))
    rows = MoneyEntry.objects.filter(
        court__in=court_ids, kind=MoneyKind.RECEIPT, paid_out_amount__lt=F("amount"), occurred_at__lt=before
    ).values_list(
        "pk",
        "court_id",
        "case_id",
        "case__assigned_judge_id",
        "case__responsible_officer_id",
        "case__number",
        "amount",
        "paid_out_amount",
        "occurred_at",
    )
    for pk, court, case, judge, resp, number, amount, paid, at in rows.iterator(chunk_size=CHUNK):
        yield (
            f"payout:{pk}",
            {
                "court_id": court,
                "case_id": case,
                "officer_id": judge or resp,
                "link": _case_link(case),
                "title": _("%(n)s 案款 %(a)s 元于 %(d)s 到账，尚未发放")
                % {"n": number, "a": amount - paid, "d": timezone.localdate(at)},
            },
        )


def _freeze(court_ids, days, today, now):
    rows = (
        ControlOrder.objects.holding()
        .filter(court__in=court_ids, expires_on__isnull=False, expires_on__lte=today + dt.timedelta(days=days))
        .values_list(
            "pk",
            "court_id",
            "case_id",
            "case__assigned_judge_id",
            "case__responsible_officer_id",
            "case__number",
            "expires_on",
            "institution__name",
        )
    )
    for pk, court, case, judge, resp, number, expires, institution in rows.iterator(chunk_size=CHUNK):
        yield (
            f"freeze:{pk}",
            {
                "court_id": court,
                "case_id": case,
                "officer_id": judge or resp,
                "link": _case_link(case),
                "title": _("%(n)s 在%(i)s的冻结/查封将于 %(d)s 到期") % {"n": number, "i": institution, "d": expires},
            },
        )


def _requery(court_ids, days, today, now):
    rows = RequerySchedule.objects.filter(
        case__court__in=court_ids, status=RequeryStatus.DUE, due_on__lte=today + dt.timedelta(days=days)
    ).values_list(
        "pk",
        "case__court_id",
        "case_id",
        "case__assigned_judge_id",
        "case__responsible_officer_id",
        "case__number",
        "due_on",
        "round_no",
    )
    for pk, court, case, judge, resp, number, due, round_no in rows.iterator(chunk_size=CHUNK):
        yield (
            f"requery:{pk}",
            {
                "court_id": court,
                "case_id": case,
                "officer_id": judge or resp,
                "link": _case_link(case),
                "title": _("%(n)s 第%(r)d轮终本定期查询应于 %(d)s 完成") % {"n": number, "r": round_no, "d": due},
            },
        )


def _ledger(court_ids, days, today, now):
    rows = LongPendingEntry.objects.filter(
        case__court__in=court_ids, status=LedgerStatus.OPEN, plan="", opened_on__lte=today - dt.timedelta(days=days)
    ).values_list(
        "pk",
        "case__court_id",
        "case_id",
        "responsible_officer_id",
        "case__assigned_judge_id",
        "case__number",
        "opened_on",
    )
    for pk, court, case, resp, judge, number, opened in rows.iterator(chunk_size=CHUNK):
        yield (
            f"ledger:{pk}",
            {
                "court_id": court,
                "case_id": case,
                "officer_id": resp or judge,
                "link": _case_link(case),
                "title": _("%(n)s 列入长期未结台账（%(d)s）后未制定化解计划") % {"n": number, "d": opened},
            },
        )


BUILDERS = {
    WarningRuleKind.CASE_IDLE: _idle,
    WarningRuleKind.DEADLINE_NEAR: _deadline,
    WarningRuleKind.PAYOUT_WAITING: _payout,
    WarningRuleKind.FREEZE_EXPIRING: _freeze,
    WarningRuleKind.REQUERY_DUE: _requery,
    WarningRuleKind.LEDGER_PLAN_OVERDUE: _ledger,
}


# --- the rules as data ------------------------------------------------------------------------------------------


def ensure_defaults() -> None:
    """The province-wide default row of every rule (DESIGN defaults in choices.RULE_DEFAULTS). Idempotent."""
    for kind, (days, severity) in RULE_DEFAULTS.items():
        WarningRule.objects.get_or_create(
            kind=kind, court=None, defaults={"threshold_days": days, "severity": severity}
        )


def effective_rules(kind: str, courts: Iterable[Court] | None = None) -> dict[int, tuple[int, str, bool]]:
    """{court_id: (threshold_days, severity, enabled)}: the nearest court's own row, else the default."""
    rules = {r.court_id: r for r in WarningRule.objects.filter(kind=kind)}
    default = rules.get(None)
    if default is None:
        days, severity = RULE_DEFAULTS[kind]
        fallback = (days, severity, True)
    else:
        fallback = (default.threshold_days, default.severity, default.enabled)
    courts = courts if courts is not None else list(Court.objects.only("pk", "code", "parent_id"))
    by_code = {c.code: c for c in courts}
    out = {}
    for court in courts:
        chosen = fallback
        # Walk from the court itself up to the high court: codes are prefixes of their children's (宁 → 宁01 → 宁0105).
        for length in range(len(court.code), 0, -1):
            ancestor = by_code.get(court.code[:length])
            if ancestor is not None and ancestor.pk in rules:
                r = rules[ancestor.pk]
                chosen = (r.threshold_days, r.severity, r.enabled)
                break
        out[court.pk] = chosen
    return out


def rule_for(kind: str, court: Court) -> WarningRule | None:
    """The WarningRule row that governs `court` (its own or the nearest ancestor's, else the default), or None."""
    prefixes = [court.code[:i] for i in range(len(court.code), 0, -1)]
    own = {
        r.court.code: r for r in WarningRule.objects.filter(kind=kind, court__code__in=prefixes).select_related("court")
    }
    for prefix in prefixes:
        if prefix in own:
            return own[prefix]
    return WarningRule.objects.filter(kind=kind, court__isnull=True).first()


@transaction.atomic
def set_rule(
    actor: Actor,
    kind: str,
    court: Court | None,
    threshold_days: int,
    severity: str,
    enabled: bool,
    request: HttpRequest | None = None,
) -> WarningRule:
    """A director sets one rule for their own court (and every court below it without one). Returns the WarningRule.

    Raises (execcenter.policy "warning.configure") NotFound for a court outside the actor's scope, PermissionDenied
    for anyone but a director of that very court; RuleViolation for a threshold outside
    1–3650 days or an unknown kind/severity."""
    require(actor, "warning.configure", court)
    if kind not in WarningRuleKind.values:
        raise RuleViolation(_("未知的预警规则 (unknown rule)"), code="unknown_rule")
    if severity not in AlertSeverity.values:
        raise RuleViolation(_("预警级别无效 (invalid severity)"), code="bad_severity")
    if not isinstance(threshold_days, int) or not 1 <= threshold_days <= 3650:
        raise RuleViolation(_("阈值应为 1 至 3650 天 (threshold must be 1–3650 days)"), code="bad_threshold")
    rule, _created = WarningRule.objects.update_or_create(
        kind=kind,
        court=court,
        defaults={
            "threshold_days": threshold_days,
            "severity": severity,
            "enabled": enabled,
            "updated_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    audit(
        actor,
        "warning.configure",
        rule,
        court=court,
        request=request,
        details={"kind": kind, "threshold_days": threshold_days, "severity": severity, "enabled": enabled},
    )
    return rule


# --- evaluation -------------------------------------------------------------------------------------------------


def _notify_new(warnings):
    """Queue one message per new warning to its officer (officers and their settings read once per run, not per row)."""
    from execcenter import notify
    from execcenter.models import NotificationPreference, Officer

    ids = {w.officer_id for w in warnings if w.officer_id is not None}
    officers = Officer.objects.select_related("user").in_bulk(ids)
    preferences = {p.officer_id: p for p in NotificationPreference.objects.filter(officer__in=ids)}
    for w in warnings:
        if w.officer_id is None:
            continue
        notify.send(
            officers[w.officer_id],
            subject=_("【预警】%(t)s") % {"t": w.title},
            body=w.title,
            severity=w.severity,
            link=w.link,
            dedup_key=f"warning:{w.pk}",
            preference=preferences.get(w.officer_id),
        )


def evaluate(now: dt.datetime | None = None) -> dict[str, int]:
    """Evaluate every rule once. Returns {"raised": n, "resolved": n}. Safe to run concurrently with itself only under
    the task's lock (two runs would both try to insert the same new causes; the unique index refuses the second)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    courts = list(Court.objects.only("pk", "code", "parent_id"))
    raised = resolved = 0
    for kind in WarningRuleKind.values:
        groups = defaultdict(list)
        for court_id, config in effective_rules(kind, courts).items():
            groups[config].append(court_id)
        wanted = {}
        for (days, severity, enabled), court_ids in groups.items():
            if not enabled:
                continue
            for key, cause in BUILDERS[kind](court_ids, days, today, now):
                cause["severity"] = severity
                wanted[key] = cause
        open_keys = dict(EarlyWarning.objects.filter(rule_kind=kind, resolved_at__isnull=True).values_list("key", "pk"))
        gone = [pk for key, pk in open_keys.items() if key not in wanted]
        for i in range(0, len(gone), CHUNK):
            resolved += EarlyWarning.objects.filter(pk__in=gone[i : i + CHUNK], resolved_at__isnull=True).update(
                resolved_at=now
            )
        new = [
            EarlyWarning(rule_kind=kind, key=key, raised_at=now, **cause)
            for key, cause in wanted.items()
            if key not in open_keys
        ]
        with transaction.atomic():
            made = EarlyWarning.objects.bulk_create(new, batch_size=CHUNK)
            transaction.on_commit(lambda made=made: _notify_new(made))
        raised += len(made)
    return {"raised": raised, "resolved": resolved}


# --- what people see ----------------------------------------------------------------------------------------------


def open_for(officer: Officer) -> QuerySet[EarlyWarning]:
    return EarlyWarning.objects.filter(officer=officer, resolved_at__isnull=True)


def ranking(actor: Actor, limit: int = 20) -> list[dict]:
    """Judges ranked by open warnings in the actor's scope: [{"officer_id", "name", "court", "open", "critical"}]."""
    rows = (
        EarlyWarning.objects.visible_to(actor)
        .filter(resolved_at__isnull=True, officer__isnull=False)
        .values("officer_id", "officer__name", "officer__court__short_name")
        .annotate(open=Count("pk"), critical=Count("pk", filter=Q(severity=AlertSeverity.CRITICAL)))
        .order_by("-open", "-critical", "officer__name")[:limit]
    )
    return [
        {
            "officer_id": r["officer_id"],
            "name": r["officer__name"],
            "court": r["officer__court__short_name"],
            "open": r["open"],
            "critical": r["critical"],
        }
        for r in rows
    ]


def per_court(actor: Actor) -> list[dict]:
    """Open warnings per court in the actor's scope: [{"court", "code", "open", "critical", "by_rule": {kind: n}}]."""
    rows = (
        EarlyWarning.objects.visible_to(actor)
        .filter(resolved_at__isnull=True)
        .values("court__short_name", "court__code", "rule_kind")
        .annotate(n=Count("pk"), critical=Count("pk", filter=Q(severity=AlertSeverity.CRITICAL)))
    )
    courts = {}
    for r in rows:
        c = courts.setdefault(
            r["court__code"],
            {"court": r["court__short_name"], "code": r["court__code"], "open": 0, "critical": 0, "by_rule": {}},
        )
        c["open"] += r["n"]
        c["critical"] += r["critical"]
        c["by_rule"][r["rule_kind"]] = r["n"]
    return sorted(courts.values(), key=lambda c: (-c["open"], c["code"]))
