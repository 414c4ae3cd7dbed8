"""Closing a case (结案) and the 终本 rules.

终本 (终结本次执行程序) follows 《最高人民法院关于严格规范终结本次执行程序的规定（试行）》(法〔2016〕373号):
Art. 1 lists five conditions that must all hold; Art. 9 orders a network re-query every six months for five
years; a resumed 终本 case is filed again as a 执恢 case (Art. 9/10).
"""

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from execcenter.exceptions import InvalidTransition, RuleViolation
from execcenter.policy import require
from execcenter.services import resolve_alerts

from . import deadlines, hooks
from .choices import (
    COERCIVE_MEASURES,
    CaseStatus,
    CaseType,
    ClosureType,
    MeasureKind,
    MeasureStatus,
    PartyRole,
    RequeryStatus,
    SuspensionKind,
)
from .measures import mark_performed
from .models import RequerySchedule
from .services import CLOSABLE_FROM, _fresh, _record, _refuse, _swap, file_case


@dataclass(frozen=True)
class Condition:
    code: str
    label: str
    ok: bool


def _respondents(case):
    return set(case.case_parties.filter(role=PartyRole.RESPONDENT).values_list("party_id", flat=True))


def _measured(case, kind):
    """Respondents against whom a measure of `kind` was issued (a revoked one does not count)."""
    return set(case.measures.filter(kind=kind).exclude(status=MeasureStatus.REVOKED).values_list("party_id", flat=True))


def terminate_conditions(case, today=None):
    """The five 终本 conditions (Art. 1), each with whether it holds now."""
    today = today or timezone.localdate()
    respondents = _respondents(case)
    report_ordered = respondents <= _measured(case, MeasureKind.PROPERTY_REPORT_ORDER)
    restricted = respondents <= _measured(case, MeasureKind.CONSUMPTION_RESTRICTION)
    listed = not case.dishonest_eligible or respondents <= _measured(case, MeasureKind.DISHONEST)
    searched = not case.debtor_whereabouts_unknown or case.debtor_searched_on is not None
    sanctioned = (
        not case.debtor_obstructed
        or case.measures.filter(kind__in=COERCIVE_MEASURES).exclude(status=MeasureStatus.REVOKED).exists()
    )
    return [
        Condition(
            "notice_and_report_order",
            _("已发出执行通知并责令被执行人报告财产"),
            case.notice_sent_on is not None and report_ordered,
        ),
        Condition(
            "restriction_and_dishonest",
            _("已发出限制消费令，并将符合条件的被执行人纳入失信名单"),
            restricted and listed,
        ),
        Condition(
            "property_investigation", _("已穷尽财产调查措施（网络查控已完成）"), hooks.property_investigation_done(case)
        ),
        Condition(
            "three_months",
            _("自立案之日起已超过三个月"),
            today > deadlines.add_months(case.filed_on, deadlines.TERMINATE_MIN_MONTHS),
        ),
        Condition(
            "search_and_sanctions", _("下落不明的已依法查找，妨害执行的已依法采取强制措施"), searched and sanctioned
        ),
    ]


def _check_completed(case):
    """执行完毕: the claim is fully recovered, or a settlement (和解协议) was performed instead."""
    if case.outstanding_amount > 0 and not case.suspensions.filter(kind=SuspensionKind.SETTLEMENT).exists():
        raise InvalidTransition(
            _("尚有未执行金额 %(amount)s 元，且无执行和解记录，不能以执行完毕结案 (claim not fully performed)")
            % {"amount": case.outstanding_amount},
            code="claim_outstanding",
        )


@transaction.atomic
def close(case, closure_type, *, actor=None, request=None, note="", on=None, approval=None):
    """结案 with one of the six closure types. 终本 is refused unless every Art. 1 condition holds, and
    the refusal names each missing one. People close a case only through an approved request (cases.approvals,
    four-eyes: `approval`); without one only the system may call this (policy "case.close")."""
    case = _fresh(case)
    if approval is None:
        require(actor, "case.close", case)
    if closure_type not in ClosureType.values:
        raise RuleViolation(_("结案方式无效 (invalid closure type)"), code="invalid_closure_type")
    if case.status not in CLOSABLE_FROM[closure_type]:
        raise _refuse(case, _("以「%(t)s」结案") % {"t": ClosureType(closure_type).label})
    on = on or timezone.localdate()
    if closure_type == ClosureType.TERMINATED_THIS_ROUND:
        missing = [c for c in terminate_conditions(case, on) if not c.ok]
        if missing:
            raise InvalidTransition(
                _("不符合终结本次执行程序的条件，缺少：%(m)s (终本 conditions not met)")
                % {"m": "；".join(c.label for c in missing)},
                code="terminate_conditions_unmet",
                details={"missing": [c.code for c in missing]},
            )
    if closure_type == ClosureType.COMPLETED:
        _check_completed(case)
    old = case.status
    changes = {"status": CaseStatus.CLOSED, "closure_type": closure_type, "closed_on": on}
    if old == CaseStatus.SUSPENDED and case.suspended_since:
        changes.update(
            suspended_since=None, suspended_days=case.suspended_days + max((on - case.suspended_since).days, 0)
        )
        case.suspensions.filter(ended_on__isnull=True).update(ended_on=on)
    _swap(case, old, **changes)
    if closure_type == ClosureType.TERMINATED_THIS_ROUND:
        RequerySchedule.objects.bulk_create(
            RequerySchedule(case=case, round_no=i, due_on=due)
            for i, due in enumerate(deadlines.requery_dates(on), start=1)
        )
    if closure_type == ClosureType.COMPLETED:
        mark_performed(case, on, actor=actor, request=request)
    resolve_alerts(f"case:{case.pk}:")
    _record(
        case,
        "status",
        _("结案：%(t)s") % {"t": ClosureType(closure_type).label},
        actor,
        "case.close",
        request=request,
        details={"from": old, "closure_type": closure_type, "note": note},
    )
    return case


@transaction.atomic
def resume_terminated(case, *, reason, actor=None, request=None, on=None):
    """恢复执行 of a 终本 case (new property found, applicant's request): a new 执恢 case linked to the old one,
    for what is still outstanding; the old case's remaining re-queries are cancelled."""
    case = _fresh(case)
    require(actor, "case.resume_terminated", case)
    if case.status != CaseStatus.CLOSED or case.closure_type != ClosureType.TERMINATED_THIS_ROUND:
        raise InvalidTransition(
            _("只有终结本次执行程序的案件才能恢复执行 (only 终本 cases can be resumed)"), code="not_terminated"
        )
    if case.resumed_cases.exists():
        raise InvalidTransition(_("该案已恢复执行，不能重复恢复 (already resumed)"), code="already_resumed")
    on = on or timezone.localdate()
    parties = [
        {
            "kind": cp.party.kind,
            "role": cp.role,
            "name": cp.party.name,
            "id_number": cp.party.id_number,
            "phone": cp.phone,
            "address": cp.address,
        }
        for cp in case.case_parties.select_related("party")
    ]
    new = file_case(
        court=case.court,
        case_type=CaseType.RESUMED,
        cause=case.cause,
        filed_on=on,
        claim_amount=case.outstanding_amount,
        parties=parties,
        origin_body=case.origin_body,
        origin_document_no=case.origin_document_no,
        tags=case.tags,
        origin_case=case,
        actor=actor,
        request=request,
    )
    RequerySchedule.objects.filter(case=case, status=RequeryStatus.DUE).update(status=RequeryStatus.CANCELLED)
    resolve_alerts(f"requery:{case.pk}:")
    _record(
        case,
        "status",
        _("恢复执行，新案号 %(n)s：%(r)s") % {"n": new.number, "r": reason},
        actor,
        "case.resume_terminated",
        request=request,
        details={"new_case": new.pk, "reason": reason},
    )
    return new


REQUERY_PURPOSE = "终本案件定期查询"  # the purpose the audit records for every 终本 re-query (Art. 9)


def requeries_due(queryset=None, today=None):
    """Re-queries due by `today` and not started (screen module 33: 终本 cases due for their 6-monthly re-query)."""
    today = today or timezone.localdate()
    qs = queryset if queryset is not None else RequerySchedule.objects.all()
    return qs.filter(status=RequeryStatus.DUE, due_on__lte=today)


def requery_open(case):
    """A 终本 case whose re-queries still run: closed as 终本 and not resumed (a resumed case is enforced again)."""
    return (
        case.status == CaseStatus.CLOSED
        and case.closure_type == ClosureType.TERMINATED_THIS_ROUND
        and not case.resumed_cases.exists()
    )


def start_requery(requery):
    """Mark a due round as running (querycontrol calls this in the transaction that saves the query).
    Compare-and-swap: returns False when the round was started, done or cancelled meanwhile."""
    return (
        RequerySchedule.objects.filter(pk=requery.pk, status=RequeryStatus.DUE).update(
            status=RequeryStatus.RUNNING, started_at=timezone.now()
        )
        == 1
    )


def release_requery(requery, reason):
    """A running round whose query was cancelled goes back to due, so the next beat run asks again."""
    return (
        RequerySchedule.objects.filter(pk=requery.pk, status=RequeryStatus.RUNNING).update(
            status=RequeryStatus.DUE, started_at=None, result=str(reason)[:200]
        )
        == 1
    )


def _approvers(court):
    from execcenter.choices import Role
    from execcenter.models import Officer

    return [
        o
        for o in Officer.objects.filter(court=court, user__is_active=True).select_related("user")
        if o.has_role(Role.APPROVER)
    ]


@transaction.atomic
def record_requery_result(requery, *, found, found_value, failed, query_ref, actor=None, request=None):
    """Record what a re-query round found (querycontrol calls this once per finished query of the round).

    found: assets with money or value not frozen by others (count); found_value: their total (Decimal, yuan);
    failed: institutions that did not answer; query_ref: the query request's id, for the timeline.
    The first result marks the round done; a later one (re-asking the institutions that failed) adds its finds.
    When anything was found the judge and the court's approvers get an alert proposing 恢复执行 (Art. 9/10:
    a resumed case is filed as 执恢 and linked to this one). Returns the round as it stands now.
    """
    from execcenter.services import raise_alert

    requery = (
        RequerySchedule.objects.select_for_update(of=("self",))
        .select_related("case__court", "case__assigned_judge")
        .get(pk=requery.pk)
    )
    case = requery.case
    now = timezone.now()
    first = requery.status != RequeryStatus.DONE
    changes = {"failed_count": failed}
    if first:
        changes.update(status=RequeryStatus.DONE, done_at=now, found_count=found, found_value=found_value)
    else:
        changes.update(found_count=requery.found_count + found, found_value=requery.found_value + found_value)
    changes["result"] = (
        _("发现可供执行财产 %(n)s 项，价值 %(v)s 元") % {"n": changes["found_count"], "v": changes["found_value"]}
        if changes["found_count"]
        else _("未发现可供执行财产")
    )
    if failed:
        changes["result"] += _("；%(f)s 家机构未反馈") % {"f": failed}
    RequerySchedule.objects.filter(pk=requery.pk).update(**changes)
    for field, value in changes.items():
        setattr(requery, field, value)
    _record(
        case,
        "query",
        _("终本后第 %(n)s 次定期查询：%(r)s") % {"n": requery.round_no, "r": requery.result},
        actor,
        "case.requery",
        request=request,
        obj=case,
        details={"round": requery.round_no, "query_request": query_ref, "found": found, "failed": failed},
    )
    if found and requery_open(case):
        judge = case.assigned_judge
        approvers = _approvers(case.court)
        raise_alert(
            kind="requery_assets_found",
            court=case.court,
            source=case,
            link=reverse("cases:case-detail", args=[case.pk]),
            dedup_key=f"requery:{case.pk}:{requery.round_no}:found",
            title=_("终本案件 %(n)s 定期查询发现财产，建议恢复执行") % {"n": case.number},
            message=_(
                "第 %(r)s 次定期查询发现可供执行财产 %(c)s 项（价值 %(v)s 元）。请承办法官 %(j)s 及审批人 %(a)s "
                "审查是否恢复执行（立执恢案号，与原案关联）。"
            )
            % {
                "r": requery.round_no,
                "c": requery.found_count,
                "v": requery.found_value,
                "j": judge.name if judge else _("（未分案）"),
                "a": "、".join(o.name for o in approvers) or _("（无）"),
            },
        )
    return requery


__all__ = [
    "Condition",
    "terminate_conditions",
    "close",
    "resume_terminated",
    "requeries_due",
    "requery_open",
    "start_requery",
    "release_requery",
    "record_requery_result",
    "REQUERY_PURPOSE",
]
