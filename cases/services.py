"""Case domain operations: filing with gap-free numbering, the state machine, deadlines, the timeline and
the case account.

Everything that changes a case goes through here and records a timeline event and an audit entry. Status
changes are compare-and-swap (`filter(pk, status=old).update(...)`): two officers acting at once cannot both
win, and a refused change leaves nothing behind (every operation is one transaction).
"""
import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from execcenter.choices import Role
from execcenter.exceptions import InvalidTransition, PermissionDenied, RuleViolation
from execcenter.scope import user_of
from execcenter.services import actor_label, audit, resolve_alerts
from execcenter.validators import format_case_number, validate_credit_code, validate_phone, validate_resident_id

from . import deadlines
from .choices import CaseStatus, CaseTag, CaseType, ClosureType, MoneyKind, PartyKind, PartyRole, ReceiptSource, SuspensionKind
from .models import Case, CaseEvent, CaseParty, CaseSequence, CaseSuspension, DeadlineExtension, MoneyEntry, Party

CENT = Decimal("0.01")


def next_sequence(court, case_type, year):
    """Next number for court / type / year: no gaps, no duplicates under concurrent filing.

    The increment is one UPDATE, so PostgreSQL's row lock (and SQLite's write lock) serialises filers.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                seq, _created = CaseSequence.objects.get_or_create(court=court, case_type=case_type, year=year)
        except IntegrityError:
            seq = CaseSequence.objects.get(court=court, case_type=case_type, year=year)
        CaseSequence.objects.filter(pk=seq.pk).update(last=F("last") + 1)
        return CaseSequence.objects.values_list("last", flat=True).get(pk=seq.pk)


def add_event(case, kind, summary, actor=None, details=None):
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=user_of(actor),
        actor_label=actor_label(actor)[:64],
        summary=summary[:200],
        details=details or {},
    )


def _record(case, kind, summary, actor, action, *, request=None, details=None, obj=None):
    """One timeline event and one audit entry: every change of a case leaves both."""
    add_event(case, kind, summary, actor, details)
    audit(actor, action, obj if obj is not None else case, court=case.court, request=request, details=details)


def set_derived_dates(case):
    case.assignment_due = deadlines.assignment_due(case.filed_on)
    case.statutory_deadline = deadlines.statutory_deadline(case.filed_on, case.suspended_days, case.extension_days)


# --- Filing -------------------------------------------------------------------------------------------

def _validated_party(index, data):
    """Validate one party dict; errors name the party by its position so a form can point at it."""
    kind = data.get("kind") or PartyKind.PERSON
    role = data.get("role")
    name = (data.get("name") or "").strip()
    prefix = _("第%(n)s个当事人：") % {"n": index + 1}
    if kind not in PartyKind.values:
        raise ValidationError({"parties": [prefix + _("当事人类型无效 (invalid party kind)")]})
    if role not in PartyRole.values:
        raise ValidationError({"parties": [prefix + _("诉讼地位无效 (invalid party role)")]})
    if not name:
        raise ValidationError({"parties": [prefix + _("名称不能为空 (name is required)")]})
    validate = validate_resident_id if kind == PartyKind.PERSON else validate_credit_code
    try:
        id_number = validate(data.get("id_number"))
        phone = validate_phone(data.get("phone"))
    except ValidationError as exc:
        raise ValidationError({"parties": [prefix + m for m in exc.messages]}) from None
    return {"kind": kind, "role": role, "name": name, "id_number": id_number,
            "phone": phone, "address": (data.get("address") or "").strip()}


def find_or_create_party(kind, name, id_number, phone="", address=""):
    """The same real-world party is one record across cases, found by ID number / credit code.

    An existing record keeps its name (the registry of record) and only gains contacts it lacked.
    """
    party = Party.objects.filter(id_number=id_number).first()
    if party is None:
        try:
            with transaction.atomic():
                return Party.objects.create(kind=kind, name=name, id_number=id_number, phone=phone, address=address)
        except IntegrityError:  # filed concurrently with the same party
            party = Party.objects.get(id_number=id_number)
    updates = {f: v for f, v in (("phone", phone), ("address", address)) if v and not getattr(party, f)}
    if updates:
        Party.objects.filter(pk=party.pk).update(**updates)
        for f, v in updates.items():
            setattr(party, f, v)
    return party


@transaction.atomic
def file_case(*, court, cause, filed_on, claim_amount, parties, case_type=CaseType.FIRST, origin_body="",
              origin_document_no="", tags=(), costs_amount=Decimal("0.00"), origin_case=None, actor=None, request=None):
    """立案: number the case (per court / type / year, no gaps), link its parties and derive its dates.

    `parties` is a list of dicts: kind, role, name, id_number, phone, address. At least one applicant and
    one respondent are required (an execution case enforces a claim of one party against another).
    """
    claim_amount = Decimal(claim_amount)
    if claim_amount < 0 or claim_amount != claim_amount.quantize(CENT):
        raise ValidationError({"claim_amount": [_("申请执行标的不能为负数，最多两位小数 (claim must be ≥ 0 with 2 decimals)")]})
    if case_type not in CaseType.values:
        raise ValidationError({"case_type": [_("案件类型无效 (invalid case type)")]})
    bad_tags = set(tags) - set(CaseTag.values)
    if bad_tags:
        raise ValidationError({"tags": [_("未知标签：%(t)s (unknown tags)") % {"t": "、".join(sorted(bad_tags))}]})
    if filed_on > timezone.localdate():
        raise ValidationError({"filed_on": [_("立案日期不能晚于今天 (filing date in the future)")]})
    checked = [_validated_party(i, p) for i, p in enumerate(parties)]
    roles = {p["role"] for p in checked}
    if roles != {PartyRole.APPLICANT, PartyRole.RESPONDENT}:
        raise ValidationError({"parties": [_("至少需要一名申请执行人和一名被执行人 (need an applicant and a respondent)")]})
    seen = set()
    for p in checked:
        if (p["id_number"], p["role"]) in seen:
            raise ValidationError({"parties": [_("当事人重复：%(id)s (duplicate party)") % {"id": p["id_number"]}]})
        seen.add((p["id_number"], p["role"]))

    year = filed_on.year
    sequence = next_sequence(court, case_type, year)
    case = Case(
        number=format_case_number(year, court.code, case_type, sequence), court=court, year=year, case_type=case_type,
        sequence=sequence, cause=cause, origin_body=origin_body, origin_document_no=origin_document_no,
        filed_on=filed_on, claim_amount=claim_amount, outstanding_amount=claim_amount, costs_amount=costs_amount,
        status=CaseStatus.FILED, origin_case=origin_case,
    )
    case.set_tags(tags)
    set_derived_dates(case)
    case.save()
    for p in checked:
        party = find_or_create_party(p["kind"], p["name"], p["id_number"], p["phone"], p["address"])
        CaseParty.objects.get_or_create(case=case, party=party, role=p["role"])
    _record(case, "status", _("立案 %(number)s") % {"number": case.number}, actor, "case.file", request=request,
            details={"number": case.number, "claim_amount": str(claim_amount)})
    return case


# --- The state machine --------------------------------------------------------------------------------
# filed → assigned → investigating → controlling → disposing → closed; suspended (中止 / 和解) and back.
# Going back from control or disposal to investigation is allowed: new leads re-open the search.
FLOW = {
    CaseStatus.FILED: {CaseStatus.ASSIGNED},
    CaseStatus.ASSIGNED: {CaseStatus.INVESTIGATING},
    CaseStatus.INVESTIGATING: {CaseStatus.CONTROLLING},
    CaseStatus.CONTROLLING: {CaseStatus.DISPOSING, CaseStatus.INVESTIGATING},
    CaseStatus.DISPOSING: {CaseStatus.CONTROLLING, CaseStatus.INVESTIGATING},
}
SUSPENDABLE = {CaseStatus.ASSIGNED, CaseStatus.INVESTIGATING, CaseStatus.CONTROLLING, CaseStatus.DISPOSING}
# Which statuses each closure may leave from. Procedural endings (销案, 驳回申请) come before any enforcement;
# 终本 needs the investigation to have run (its five conditions are checked in cases.closure).
CLOSABLE_FROM = {
    ClosureType.COMPLETED: SUSPENDABLE | {CaseStatus.SUSPENDED},
    ClosureType.TERMINATED_THIS_ROUND: {CaseStatus.INVESTIGATING, CaseStatus.CONTROLLING, CaseStatus.DISPOSING},
    ClosureType.TERMINATED: SUSPENDABLE | {CaseStatus.FILED, CaseStatus.SUSPENDED},
    ClosureType.WITHDRAWN: {CaseStatus.FILED, CaseStatus.ASSIGNED},
    ClosureType.NOT_ENFORCED: {CaseStatus.FILED, CaseStatus.ASSIGNED, CaseStatus.INVESTIGATING},
    ClosureType.REJECTED: {CaseStatus.FILED, CaseStatus.ASSIGNED},
}


def allowed_transitions(case):
    """What may happen to the case now: {"transition": [statuses], "suspend": bool, "resume": bool, "close": [types]}."""
    status = case.status
    return {
        "transition": sorted(FLOW.get(status, set()) - {CaseStatus.ASSIGNED}),
        "assign": status in {CaseStatus.FILED} | SUSPENDABLE,
        "suspend": status in SUSPENDABLE,
        "resume": status == CaseStatus.SUSPENDED,
        "close": [t for t in ClosureType.values if status in CLOSABLE_FROM[t]],
        "resume_terminated": status == CaseStatus.CLOSED and case.closure_type == ClosureType.TERMINATED_THIS_ROUND
        and not case.resumed_cases.exists(),
    }


def _refuse(case, target_label):
    return InvalidTransition(
        _("案件当前状态为「%(current)s」，不能%(target)s (not allowed from this state)")
        % {"current": CaseStatus(case.status).label, "target": target_label},
        code="invalid_transition",
        details={"status": case.status},
    )


def _swap(case, expected, **changes):
    """Compare-and-swap on the status: act only if the case is still in `expected`."""
    changes["updated_at"] = timezone.now()
    if Case.objects.filter(pk=case.pk, status=expected).update(**changes) != 1:
        raise InvalidTransition(_("案件状态已被他人修改，请刷新后重试 (the case changed meanwhile)"), code="stale_state")
    for field, value in changes.items():
        setattr(case, field, value)


def _fresh(case):
    return Case.objects.select_related("court").get(pk=case.pk)


@transaction.atomic
def transition(case, to_status, *, actor=None, request=None, note=""):
    """Move an open case along the flow (investigating → controlling → disposing, or back to investigating)."""
    case = _fresh(case)
    if to_status not in FLOW.get(case.status, set()) or to_status == CaseStatus.ASSIGNED:
        raise _refuse(case, _("变更为「%(s)s」") % {"s": CaseStatus(to_status).label if to_status in CaseStatus.values else to_status})
    old = case.status
    _swap(case, old, status=to_status)
    _record(case, "status", _("%(old)s → %(new)s") % {"old": CaseStatus(old).label, "new": CaseStatus(to_status).label},
            actor, "case.transition", request=request, details={"from": old, "to": to_status, "note": note})
    return case


def _check_can_handle(officer, case):
    if officer is None or not officer.court.contains(case.court):
        raise RuleViolation(_("承办人必须是本院或上级法院的干警 (judge must belong to the case's court)"), code="judge_out_of_scope")
    if not officer.has_role(Role.JUDGE, Role.OFFICER):
        raise RuleViolation(_("承办人必须具有执行法官或执行员角色 (judge role required)"), code="not_a_judge")


@transaction.atomic
def assign(case, judge, *, actor=None, request=None, responsible_officer=None, leading_official=None):
    """分案 (within 7 days of filing): a filed case becomes assigned; an open case may be re-assigned."""
    case = _fresh(case)
    _check_can_handle(judge, case)
    if case.status == CaseStatus.CLOSED:
        raise _refuse(case, _("分案"))
    changes = {"assigned_judge": judge, "responsible_officer": responsible_officer or case.responsible_officer or judge}
    if leading_official is not None:
        changes["leading_official"] = leading_official
    old = case.status
    if old == CaseStatus.FILED:
        changes["status"] = CaseStatus.ASSIGNED
    _swap(case, old, **changes)
    late = timezone.localdate() > case.assignment_due
    _record(case, "assignment", _("分案给 %(judge)s") % {"judge": judge.name}, actor, "case.assign", request=request,
            details={"judge": judge.pk, "from": old, "late": late})
    return case


@transaction.atomic
def record_notice_sent(case, sent_on, *, actor=None, request=None):
    """执行通知书 served (within 3 days of assignment): the first 终本 condition reads it."""
    case = _fresh(case)
    if case.status == CaseStatus.CLOSED:
        raise _refuse(case, _("登记执行通知"))
    if sent_on < case.filed_on or sent_on > timezone.localdate():
        raise RuleViolation(_("送达日期应在立案日期与今天之间 (date out of range)"), code="date_out_of_range")
    _swap(case, case.status, notice_sent_on=sent_on)
    _record(case, "notice", _("执行通知书已送达（%(d)s）") % {"d": sent_on}, actor, "case.notice", request=request,
            details={"sent_on": sent_on.isoformat()})
    return case


@transaction.atomic
def record_debtor_facts(case, *, dishonest_eligible=None, whereabouts_unknown=None, searched_on=None, obstructed=None,
                        actor=None, request=None):
    """Facts about the respondent that decide 失信 eligibility and 终本 condition 5."""
    case = _fresh(case)
    if case.status == CaseStatus.CLOSED:
        raise _refuse(case, _("登记被执行人情况"))
    changes = {}
    for field, value in (("dishonest_eligible", dishonest_eligible), ("debtor_whereabouts_unknown", whereabouts_unknown),
                         ("debtor_searched_on", searched_on), ("debtor_obstructed", obstructed)):
        if value is not None:
            changes[field] = value
    _swap(case, case.status, **changes)
    details = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in changes.items()}
    _record(case, "facts", _("登记被执行人情况"), actor, "case.facts", request=request, details=details)
    return case


@transaction.atomic
def suspend(case, kind, reason, *, actor=None, request=None, on=None):
    """中止执行 / 执行和解: the case stands still and its days stop counting against the statutory limit."""
    case = _fresh(case)
    if kind not in SuspensionKind.values:
        raise RuleViolation(_("中止类型无效 (invalid suspension kind)"), code="invalid_kind")
    if case.status not in SUSPENDABLE:
        raise _refuse(case, _("中止/和解"))
    on = on or timezone.localdate()
    old = case.status
    _swap(case, old, status=CaseStatus.SUSPENDED, suspended_since=on, status_before_suspension=old)
    CaseSuspension.objects.create(case=case, kind=kind, reason=reason, started_on=on)
    resolve_alerts(f"case:{case.pk}:deadline")
    _record(case, "status", _("%(kind)s：%(reason)s") % {"kind": SuspensionKind(kind).label, "reason": reason}, actor,
            "case.suspend", request=request, details={"from": old, "kind": kind, "reason": reason})
    return case


@transaction.atomic
def resume(case, *, actor=None, request=None, on=None, note=""):
    """Lift a suspension: the case returns to where it stood and the statutory deadline moves by the days lost."""
    case = _fresh(case)
    if case.status != CaseStatus.SUSPENDED:
        raise _refuse(case, _("恢复执行"))
    on = on or timezone.localdate()
    days = max((on - case.suspended_since).days, 0) if case.suspended_since else 0
    back_to = case.status_before_suspension or CaseStatus.ASSIGNED
    suspended_days = case.suspended_days + days
    _swap(case, CaseStatus.SUSPENDED, status=back_to, suspended_since=None, status_before_suspension="",
          suspended_days=suspended_days,
          statutory_deadline=deadlines.statutory_deadline(case.filed_on, suspended_days, case.extension_days))
    CaseSuspension.objects.filter(case=case, ended_on__isnull=True).update(ended_on=on)
    _record(case, "status", _("恢复执行，中止 %(days)s 天不计入审限") % {"days": days}, actor, "case.resume", request=request,
            details={"to": back_to, "suspended_days": days, "note": note})
    return case


@transaction.atomic
def extend_deadline(case, days, reason, approved_by, approval_document_no, *, actor=None, request=None):
    """审限延长: only with approval by a court leader (an approver of this court or above), never self-approved."""
    case = _fresh(case)
    if case.status == CaseStatus.CLOSED:
        raise _refuse(case, _("延长审限"))
    if days <= 0:
        raise RuleViolation(_("延长天数必须大于零 (days must be positive)"), code="days_not_positive")
    if approved_by is None or not approved_by.has_role(Role.APPROVER) or not approved_by.court.contains(case.court):
        raise PermissionDenied(_("延长审限须经本院或上级法院院领导批准 (approval by a court leader required)"))
    if user_of(actor) is not None and approved_by.user_id == actor.pk:
        raise PermissionDenied(_("不能批准自己申请的延长 (nobody approves their own request)"))
    extension_days = case.extension_days + days
    _swap(case, case.status, extension_days=extension_days,
          statutory_deadline=deadlines.statutory_deadline(case.filed_on, case.suspended_days, extension_days))
    ext = DeadlineExtension.objects.create(case=case, days=days, reason=reason, approved_by=approved_by,
                                           approval_document_no=approval_document_no, requested_by=user_of(actor),
                                           approved_on=timezone.localdate())
    resolve_alerts(f"case:{case.pk}:deadline")
    _record(case, "deadline", _("审限延长 %(days)s 天（%(doc)s，%(who)s 批准）") % {"days": days, "doc": approval_document_no, "who": approved_by.name},
            actor, "case.extend", request=request, obj=ext, details={"days": days, "approved_by": approved_by.pk})
    return case


def deadline_state(case, today=None):
    """ok / near (≤ 30 days left) / overdue for a running case; None when closed or suspended (clock stopped)."""
    from .choices import DeadlineState

    if case.status in (CaseStatus.CLOSED, CaseStatus.SUSPENDED):
        return None
    today = today or timezone.localdate()
    if case.statutory_deadline < today:
        return DeadlineState.OVERDUE
    if case.statutory_deadline <= today + dt.timedelta(days=deadlines.NEAR_DAYS):
        return DeadlineState.NEAR
    return DeadlineState.OK


# --- The case account (一案一账户) ------------------------------------------------------------------------

def _refresh_money_totals(case):
    totals = case.money_entries.values("kind").annotate(total=Sum("amount"))
    by_kind = {row["kind"]: row["total"] for row in totals}
    case.recovered_amount = by_kind.get(MoneyKind.RECEIPT) or Decimal("0.00")
    case.outstanding_amount = max(case.claim_amount - case.recovered_amount, Decimal("0.00"))
    Case.objects.filter(pk=case.pk).update(
        recovered_amount=case.recovered_amount, outstanding_amount=case.outstanding_amount, updated_at=timezone.now()
    )


def _check_amount(amount):
    try:
        amount = Decimal(amount)
    except (ArithmeticError, TypeError, ValueError):
        raise RuleViolation(_("金额格式错误 (amount is not a number)"), code="amount_invalid") from None
    if not amount.is_finite() or amount <= 0:
        raise RuleViolation(_("金额必须大于零 (amount must be positive)"), code="amount_not_positive")
    if amount != amount.quantize(CENT):
        raise RuleViolation(_("金额最多两位小数 (at most 2 decimal places)"), code="amount_precision")
    return amount


@transaction.atomic
def record_receipt(case, amount, source=ReceiptSource.VOLUNTARY, *, reference=None, actor=None, note="", request=None):
    """Book money into the case account. With a `reference` (e.g. "deduct:<order uuid>") it is booked once:
    a repeat returns the first entry. Returns (entry, created)."""
    amount = _check_amount(amount)
    if source not in ReceiptSource.values or source == ReceiptSource.PAYOUT:
        raise RuleViolation(_("收款来源无效 (invalid receipt source)"), code="invalid_source")
    if reference:
        existing = MoneyEntry.objects.filter(reference=reference).first()
        if existing:
            return existing, False
    case = Case.objects.select_for_update().get(pk=case.pk)
    now = timezone.now()
    entry = MoneyEntry.objects.create(
        case=case,
        kind=MoneyKind.RECEIPT,
        source=source,
        amount=amount,
        occurred_at=now,
        payout_due=deadlines.payout_due(timezone.localdate(now)),
        reference=reference,
        note=note,
        created_by=user_of(actor),
    )
    _refresh_money_totals(case)
    add_event(case, "money", _("收款 %(amount)s 元（%(source)s）") % {"amount": amount, "source": entry.get_source_display()},
              actor, {"entry": entry.pk, "amount": str(amount), "source": source})
    audit(actor, "money.receipt", entry, court=case.court, request=request, details={"amount": str(amount), "reference": reference})
    return entry, True


@transaction.atomic
def record_payout(case, amount, payee, *, reference=None, actor=None, note="", request=None):
    """Pay money out of the case account to an applicant. Payouts never exceed receipts: the case row
    is locked, so concurrent payouts are serialised and the second one sees the first."""
    amount = _check_amount(amount)
    if reference:
        existing = MoneyEntry.objects.filter(reference=reference).first()
        if existing:
            return existing, False
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not CaseParty.objects.filter(case=case, party=payee, role=PartyRole.APPLICANT).exists():
        raise RuleViolation(_("收款人必须是本案申请执行人 (payee must be an applicant of the case)"), code="payee_not_applicant")
    receipts = list(
        MoneyEntry.objects.select_for_update().filter(case=case, kind=MoneyKind.RECEIPT).order_by("occurred_at", "id")
    )
    available = sum((r.amount - r.paid_out_amount for r in receipts), Decimal("0.00"))
    if amount > available:
        raise RuleViolation(
            _("发放金额 %(amount)s 元超过案款账户可发放余额 %(available)s 元 (payout exceeds the balance)")
            % {"amount": amount, "available": available},
            code="payout_exceeds_receipts",
        )
    # Allocate to the oldest receipts first, so "overdue payout" means the oldest money still unpaid.
    left = amount
    for receipt in receipts:
        take = min(left, receipt.amount - receipt.paid_out_amount)
        if take > 0:
            MoneyEntry.objects.filter(pk=receipt.pk).update(paid_out_amount=F("paid_out_amount") + take)
            left -= take
            if receipt.paid_out_amount + take == receipt.amount:
                resolve_alerts(f"money:payout-overdue:{receipt.pk}")
        if left == 0:
            break
    entry = MoneyEntry.objects.create(
        case=case, kind=MoneyKind.PAYOUT, source=ReceiptSource.PAYOUT, amount=amount, occurred_at=timezone.now(),
        payee=payee, reference=reference, note=note, created_by=user_of(actor),
    )
    add_event(case, "money", _("发放案款 %(amount)s 元给 %(payee)s") % {"amount": amount, "payee": payee.name}, actor,
              {"entry": entry.pk, "amount": str(amount)})
    audit(actor, "money.payout", entry, court=case.court, request=request, details={"amount": str(amount), "payee": payee.pk})
    return entry, True

