"""Supervision: the long-pending ledger (> 12 months open) and the periodic scan that raises alerts for
statutory deadlines, overdue payouts, unclaimed money, overdue credit-punishment removals and long-pending
cases. Alerts go through execcenter.services.raise_alert (the dashboards route them); each has a
dedup key, so running the scan again raises nothing twice.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from execcenter.choices import AlertSeverity
from execcenter.exceptions import InvalidTransition, RuleViolation
from execcenter.models import Alert
from execcenter.policy import require
from execcenter.scope import user_of
from execcenter.services import raise_alert

from .choices import CaseStatus, LedgerStatus, LedgerStep, MeasureStatus
from .models import Case, LongPendingAction, LongPendingEntry, LongPendingFollowUp, Measure
from .money import overdue_payouts, unclaimed
from .services import _record, actor_label

UNCLAIMED_ALERT_DAYS = 30  # 不明款 unmatched for a month is flagged to the court's money officers


def long_pending_cases(queryset=None, today=None):
    """Cases open for 12 months or more (长期未结, cases.predicates.long_pending)."""
    qs = queryset if queryset is not None else Case.objects.all()
    return qs.long_pending(today)


def open_ledger_entries(today=None):
    """Put every long-pending case without an entry on the ledger, defaulting the responsible officer to the
    judge and keeping the case's leading official. Cause and plan are for the judge to write. Returns the count."""
    today = today or timezone.localdate()
    todo = (
        long_pending_cases(today=today)
        .filter(long_pending__isnull=True)
        .values_list("pk", "assigned_judge_id", "responsible_officer_id", "leading_official_id")
    )
    entries = [
        LongPendingEntry(case_id=pk, responsible_officer_id=resp or judge, leading_official_id=lead, opened_on=today)
        for pk, judge, resp, lead in todo.iterator(chunk_size=2000)
    ]
    LongPendingEntry.objects.bulk_create(entries, batch_size=2000, ignore_conflicts=True)
    return len(entries)


@transaction.atomic
def update_entry(
    entry, *, cause=None, plan=None, responsible_officer=None, leading_official=None, actor=None, request=None
):
    require(actor, "ledger.plan", entry)
    entry = LongPendingEntry.objects.select_for_update().select_related("case__court").get(pk=entry.pk)
    if entry.status != LedgerStatus.OPEN:
        raise InvalidTransition(_("台账已销号 (the entry is resolved)"), code="entry_resolved")
    changes = {
        k: v
        for k, v in (
            ("cause", cause),
            ("plan", plan),
            ("responsible_officer", responsible_officer),
            ("leading_official", leading_official),
        )
        if v is not None
    }
    for field, value in changes.items():
        setattr(entry, field, value)
    entry.save(update_fields=list(changes))
    _record(
        entry.case,
        "ledger",
        _("更新长期未结台账"),
        actor,
        "ledger.update",
        request=request,
        obj=entry,
        details={k: (v.pk if hasattr(v, "pk") else v) for k, v in changes.items()},
    )
    return entry


@transaction.atomic
def add_follow_up(entry, note, *, actor=None, request=None):
    require(actor, "ledger.plan", entry)
    entry = LongPendingEntry.objects.select_related("case__court").get(pk=entry.pk)
    follow = LongPendingFollowUp.objects.create(
        entry=entry, actor=user_of(actor), actor_label=actor_label(actor)[:64], note=note
    )
    _record(
        entry.case,
        "ledger",
        _("督办：%(n)s") % {"n": note[:80]},
        actor,
        "ledger.follow_up",
        request=request,
        obj=entry,
        details={"follow_up": follow.pk},
    )
    return follow


@transaction.atomic
def add_action(entry, step, text, *, due_on=None, actor=None, request=None):
    """一清 / 二查 / 三防 item on an open ledger entry. A 三防 follow-up needs a due date, not in the past.
    Raises RuleViolation / InvalidTransition; returns the LongPendingAction."""
    entry = LongPendingEntry.objects.select_for_update().select_related("case__court").get(pk=entry.pk)
    if entry.status != LedgerStatus.OPEN:
        raise InvalidTransition(_("台账已销号 (the entry is resolved)"), code="entry_resolved")
    if step not in LedgerStep.values:
        raise RuleViolation(_("环节无效 (invalid step)"), code="invalid_step")
    text = (text or "").strip()
    if not text:
        raise RuleViolation(_("请填写内容 (text is required)"), code="text_required")
    if step == LedgerStep.PREVENT and due_on is None:
        raise RuleViolation(_("三防措施须写明完成期限 (a follow-up needs its due date)"), code="due_required")
    if due_on is not None and due_on < timezone.localdate():
        raise RuleViolation(_("完成期限不能早于今天 (due date in the past)"), code="due_in_past")
    action = LongPendingAction.objects.create(
        entry=entry,
        step=step,
        text=text[:200],
        due_on=due_on,
        actor=user_of(actor),
        actor_label=actor_label(actor)[:64],
    )
    _record(
        entry.case,
        "ledger",
        _("%(s)s：%(t)s") % {"s": LedgerStep(step).label, "t": text[:80]},
        actor,
        "ledger.action",
        request=request,
        obj=entry,
        details={"action": action.pk, "step": step, "due_on": due_on.isoformat() if due_on else None},
    )
    return action


@transaction.atomic
def complete_action(action, *, actor=None, request=None, on=None):
    """Mark a 123 item done (once); its overdue alert goes away."""
    on = on or timezone.localdate()
    if LongPendingAction.objects.filter(pk=action.pk, done_on__isnull=True).update(done_on=on) != 1:
        raise InvalidTransition(_("该事项已完成 (already done)"), code="already_done")
    action = LongPendingAction.objects.select_related("entry__case__court").get(pk=action.pk)
    Alert.objects.filter(dedup_key=f"ledger-action:{action.pk}:overdue").exclude(status="resolved").update(
        status="resolved", resolved_at=timezone.now()
    )
    _record(
        action.entry.case,
        "ledger",
        _("完成：%(t)s") % {"t": action.text[:80]},
        actor,
        "ledger.action_done",
        request=request,
        obj=action.entry,
        details={"action": action.pk},
    )
    return action


def resolve_closed_entries(today=None):
    """A long-pending case that was closed comes off the ledger (销号)."""
    today = today or timezone.localdate()
    return LongPendingEntry.objects.filter(status=LedgerStatus.OPEN, case__status=CaseStatus.CLOSED).update(
        status=LedgerStatus.RESOLVED, resolved_on=today
    )


def _raise_new(prefix, rows, make):
    """Raise alerts for rows whose dedup key is new; one query finds the keys that already exist."""
    existing = set(Alert.objects.filter(dedup_key__startswith=prefix).values_list("dedup_key", flat=True))
    raised = 0
    for row in rows:
        spec = make(row)
        if spec["dedup_key"] in existing:
            continue
        _alert, created = raise_alert(**spec)
        raised += created
    return raised


def scan(today=None):
    """The beat task's work. Returns {alert kind: alerts raised}."""
    today = today or timezone.localdate()
    cases = Case.objects.select_related("court")
    out = {}
    out["case.deadline_overdue"] = _raise_new(
        "case:",
        cases.overdue(today),
        lambda c: {
            "kind": "case.deadline_overdue",
            "court": c.court,
            "severity": AlertSeverity.CRITICAL,
            "source": c,
            "title": _("%(n)s 已超审限（%(d)s 届满）") % {"n": c.number, "d": c.statutory_deadline},
            "dedup_key": f"case:{c.pk}:deadline-overdue:{c.statutory_deadline}",
            "link": f"/cases/{c.pk}/",
        },
    )
    out["case.deadline_near"] = _raise_new(
        "case:",
        cases.due_soon(today),
        lambda c: {
            "kind": "case.deadline_near",
            "court": c.court,
            "source": c,
            "title": _("%(n)s 审限将于 %(d)s 届满") % {"n": c.number, "d": c.statutory_deadline},
            "dedup_key": f"case:{c.pk}:deadline-near:{c.statutory_deadline}",
            "link": f"/cases/{c.pk}/",
        },
    )
    out["money.payout_overdue"] = _raise_new(
        "money:",
        overdue_payouts(today=today).select_related("case__court"),
        lambda m: {
            "kind": "money.payout_overdue",
            "court": m.case.court,
            "severity": AlertSeverity.CRITICAL,
            "source": m,
            "title": _("%(n)s 案款 %(a)s 元超期未发放（应于 %(d)s 前发放）")
            % {"n": m.case.number, "a": m.amount - m.paid_out_amount, "d": m.payout_due},
            "dedup_key": f"money:payout-overdue:{m.pk}",
            "link": f"/cases/{m.case_id}/",
        },
    )
    cutoff = timezone.now() - dt.timedelta(days=UNCLAIMED_ALERT_DAYS)
    out["money.unclaimed"] = _raise_new(
        "money:",
        unclaimed().filter(received_at__lt=cutoff).select_related("court"),
        lambda u: {
            "kind": "money.unclaimed",
            "court": u.court,
            "source": u,
            "title": _("不明款 %(a)s 元超过30日未认领（%(p)s）")
            % {"a": u.amount, "p": u.payer_name or u.bank_reference},
            "dedup_key": f"money:unclaimed:{u.pk}",
        },
    )
    removal = Measure.objects.filter(status=MeasureStatus.ACTIVE, removal_due__lt=today).select_related("case__court")
    out["measure.removal_overdue"] = _raise_new(
        "measure:",
        removal,
        lambda m: {
            "kind": "measure.removal_overdue",
            "court": m.case.court,
            "severity": AlertSeverity.CRITICAL,
            "source": m,
            "title": _("%(n)s 已履行完毕，%(k)s 逾期未删除/解除") % {"n": m.case.number, "k": m.get_kind_display()},
            "dedup_key": f"measure:{m.pk}:removal-overdue",
            "link": f"/cases/{m.case_id}/",
        },
    )
    open_ledger_entries(today)
    resolve_closed_entries(today)
    pending = LongPendingEntry.objects.filter(status=LedgerStatus.OPEN).select_related("case__court")
    out["case.long_pending"] = _raise_new(
        "ledger:",
        pending,
        lambda e: {
            "kind": "case.long_pending",
            "court": e.case.court,
            "source": e.case,
            "title": _("%(n)s 超过12个月未结，已列入台账") % {"n": e.case.number},
            "dedup_key": f"ledger:{e.pk}",
            "link": f"/cases/{e.case_id}/",
        },
    )
    overdue = LongPendingAction.objects.filter(
        step=LedgerStep.PREVENT, done_on__isnull=True, due_on__lt=today, entry__status=LedgerStatus.OPEN
    ).select_related("entry__case__court")
    out["ledger.followup_overdue"] = _raise_new(
        "ledger-action:",
        overdue,
        lambda a: {
            "kind": "ledger.followup_overdue",
            "court": a.entry.case.court,
            "severity": AlertSeverity.WARNING,
            "source": a.entry.case,
            "title": _("%(n)s 三防措施逾期未完成：%(t)s（应于 %(d)s 前）")
            % {"n": a.entry.case.number, "t": a.text[:40], "d": a.due_on},
            "dedup_key": f"ledger-action:{a.pk}:overdue",
            "link": f"/cases/{a.entry.case_id}/",
        },
    )
    return out
