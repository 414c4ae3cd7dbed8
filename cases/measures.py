"""Measures against the respondent: credit punishment, coercive measures, orders and reward notices.

Sources: 失信规定 = 《最高人民法院关于公布失信被执行人名单信息的若干规定》(2017); 限高规定 = 《关于限制被执行人高消费
及有关消费的若干规定》(2015); 民诉法 = 《民事诉讼法》(2023) Art. 118 (拘留 ≤ 15 日; 罚款 individual ≤ 100,000 元,
organisation 50,000–1,000,000 元), 刑法 Art. 313 (拒执罪, referred to the police).
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from execcenter.exceptions import InvalidTransition, RuleViolation
from execcenter.policy import require
from execcenter.scope import user_of
from execcenter.services import resolve_alerts

from . import deadlines
from .choices import CaseStatus, DishonestGround, MeasureKind, MeasureStatus, PartyKind, PartyRole
from .models import Case, CaseParty, Measure
from .services import _check_amount, _record

FINE_PERSON_MAX = Decimal("100000.00")
FINE_ORG_MIN, FINE_ORG_MAX = Decimal("50000.00"), Decimal("1000000.00")
DETENTION_MAX_DAYS = 15

# How each kind of measure may end. A measure that ended stays ended (a new one is issued instead).
END_STATES = {
    MeasureKind.DISHONEST: {MeasureStatus.REMOVED, MeasureStatus.REVOKED, MeasureStatus.EXPIRED},
    MeasureKind.CONSUMPTION_RESTRICTION: {MeasureStatus.REMOVED, MeasureStatus.REVOKED},
    MeasureKind.DETENTION: {MeasureStatus.COMPLETED, MeasureStatus.REMOVED, MeasureStatus.REVOKED},
    MeasureKind.FINE: {MeasureStatus.COMPLETED, MeasureStatus.REVOKED},
    MeasureKind.CRIMINAL_REFERRAL: {MeasureStatus.COMPLETED, MeasureStatus.REVOKED},
    MeasureKind.PROPERTY_REPORT_ORDER: {MeasureStatus.COMPLETED, MeasureStatus.REVOKED},
    MeasureKind.INVESTIGATION_ORDER: {MeasureStatus.COMPLETED, MeasureStatus.EXPIRED, MeasureStatus.REVOKED},
    MeasureKind.REWARD_NOTICE: {MeasureStatus.COMPLETED, MeasureStatus.EXPIRED, MeasureStatus.REVOKED},
}
# Measures that follow the respondent until the obligation is performed, then must be lifted.
LIFTED_ON_PERFORMANCE = (MeasureKind.DISHONEST, MeasureKind.CONSUMPTION_RESTRICTION)


def _rule(message, code):
    return RuleViolation(message, code=code)


def _dishonest_end(starts_on, ground, extension_years):
    # 失信规定 Art. 2: grounds (2)–(6) list for two years (+1–3 years when aggravated); ground (1), able but
    # refusing, lists until performance (no fixed term).
    if ground == DishonestGround.ABLE_BUT_REFUSES:
        return None
    return deadlines.add_years(starts_on, deadlines.DISHONEST_YEARS + extension_years)


def _validate(case, kind, party, *, legal_ground, amount, days, holder, starts_on, ends_on, extension_years):
    """Per-kind rules; returns the computed ends_on."""
    if kind != MeasureKind.INVESTIGATION_ORDER:
        if party is None or not CaseParty.objects.filter(case=case, party=party, role=PartyRole.RESPONDENT).exists():
            raise _rule(
                _("措施对象必须是本案被执行人 (the measure must name a respondent of the case)"), "party_not_respondent"
            )
    if ends_on is not None and ends_on < starts_on:
        raise _rule(_("届满日期不能早于起始日期 (end before start)"), "end_before_start")
    if kind == MeasureKind.DISHONEST:
        if legal_ground not in DishonestGround.values:
            raise _rule(_("纳入失信名单须写明失信情形 (a legal ground is required)"), "ground_required")
        if not 0 <= extension_years <= deadlines.DISHONEST_MAX_EXTENSION_YEARS:
            raise _rule(_("失信期限只能延长一至三年 (extension of 1–3 years)"), "extension_out_of_range")
        if Measure.objects.filter(case=case, party=party, kind=kind, status=MeasureStatus.ACTIVE).exists():
            raise InvalidTransition(_("该被执行人已在失信名单中 (already listed)"), code="already_listed")
        return _dishonest_end(starts_on, legal_ground, extension_years)
    if kind == MeasureKind.CONSUMPTION_RESTRICTION:
        if Measure.objects.filter(case=case, party=party, kind=kind, status=MeasureStatus.ACTIVE).exists():
            raise InvalidTransition(_("该被执行人已被限制高消费 (already restricted)"), code="already_restricted")
        return None  # 限高规定: in force until lifted
    if kind == MeasureKind.DETENTION:
        if not days or not 1 <= days <= DETENTION_MAX_DAYS:
            raise _rule(_("拘留期限为1至15日 (detention of 1–15 days, 民诉法 Art. 118)"), "detention_days")
        return starts_on + dt.timedelta(days=days - 1)
    if kind == MeasureKind.FINE:
        amount = _check_amount(amount if amount is not None else 0)
        if party.kind == PartyKind.PERSON and amount > FINE_PERSON_MAX:
            raise _rule(
                _("对个人的罚款不得超过十万元 (fine on a person ≤ 100,000, 民诉法 Art. 118)"), "fine_out_of_range"
            )
        if party.kind == PartyKind.ORGANISATION and not FINE_ORG_MIN <= amount <= FINE_ORG_MAX:
            raise _rule(
                _("对单位的罚款为五万元以上一百万元以下 (fine on an organisation 50,000–1,000,000)"),
                "fine_out_of_range",
            )
        return ends_on
    if kind == MeasureKind.REWARD_NOTICE:
        _check_amount(amount if amount is not None else 0)
        return ends_on
    if kind in (MeasureKind.PROPERTY_REPORT_ORDER, MeasureKind.INVESTIGATION_ORDER):
        if ends_on is None:
            raise _rule(_("须写明报告期限或调查令有效期 (a due / valid-until date is required)"), "ends_on_required")
        if kind == MeasureKind.INVESTIGATION_ORDER and not holder:
            raise _rule(_("律师调查令须写明持令律师 (the lawyer holding the order is required)"), "holder_required")
        return ends_on
    if kind == MeasureKind.CRIMINAL_REFERRAL:
        return None
    raise _rule(_("措施类型无效 (invalid measure kind)"), "invalid_kind")


@transaction.atomic
def impose_measure(
    case,
    kind,
    *,
    party=None,
    decided_on=None,
    starts_on=None,
    ends_on=None,
    legal_ground="",
    document_no="",
    amount=None,
    days=None,
    holder="",
    extension_years=0,
    note="",
    actor=None,
    request=None,
    checked_as=None,
):
    # `checked_as`: the policy action a calling service already checked when the measure is part of its own step
    # (an approved lawyer investigation order is issued as a measure by the approver).
    if checked_as is None:
        require(actor, "measure.impose", case)
        if kind == MeasureKind.REWARD_NOTICE and actor is not None:
            # A reward notice holds the applicant's advance and needs a second person's decision: people publish
            # one through cases.rewards (application, advance, approval), never as a bare measure.
            raise RuleViolation(
                _("悬赏公告须通过悬赏申请办理（预交悬赏金、审批发布） (use the reward notice workflow)"),
                code="use_reward_workflow",
            )
    case = Case.objects.select_for_update().select_related("court").get(pk=case.pk)
    if case.status == CaseStatus.CLOSED:
        raise InvalidTransition(_("已结案件不能采取执行措施 (the case is closed)"), code="case_closed")
    decided_on = decided_on or timezone.localdate()
    starts_on = starts_on or decided_on
    ends_on = _validate(
        case,
        kind,
        party,
        legal_ground=legal_ground,
        amount=amount,
        days=days,
        holder=holder,
        starts_on=starts_on,
        ends_on=ends_on,
        extension_years=extension_years,
    )
    measure = Measure.objects.create(
        case=case,
        kind=kind,
        party=party,
        legal_ground=legal_ground if kind == MeasureKind.DISHONEST else "",
        document_no=document_no,
        decided_on=decided_on,
        starts_on=starts_on,
        ends_on=ends_on,
        extension_years=extension_years if kind == MeasureKind.DISHONEST else 0,
        amount=_check_amount(amount)
        if amount is not None and kind in (MeasureKind.FINE, MeasureKind.REWARD_NOTICE)
        else None,
        days=days if kind == MeasureKind.DETENTION else None,
        holder=holder,
        note=note,
        created_by=user_of(actor),
    )
    who = party.name if party else holder
    _record(
        case,
        "measure",
        _("%(kind)s：%(who)s") % {"kind": measure.get_kind_display(), "who": who},
        actor,
        "measure.impose",
        request=request,
        obj=measure,
        details={"measure": measure.pk, "kind": kind},
    )
    # 限制消费令 and the 失信 decision take effect as numbered, stored documents (cases.measure_documents).
    from .measure_documents import issue_decision

    issue_decision(measure, actor=actor, request=request)
    return measure


def _locked(measure):
    return Measure.objects.select_for_update().select_related("case__court").get(pk=measure.pk)


@transaction.atomic
def end_measure(measure, to_status, *, actor=None, request=None, on=None, note="", checked_as=None):
    """End an active measure: completed, removed (lifted), revoked or expired, as its kind allows. `checked_as`: the
    policy action a calling service already checked when ending the measure is part of its own step (closing a
    reward notice, cases.rewards.close)."""
    if checked_as is None:
        require(actor, "measure.end", measure)
    measure = _locked(measure)
    if checked_as is None and measure.kind == MeasureKind.REWARD_NOTICE and hasattr(measure, "reward_notice"):
        # A published notice holds the applicant's advance: it ends by closing the notice, which refunds the rest.
        raise InvalidTransition(
            _("悬赏公告须在悬赏页面结束（退还余款） (close the reward notice instead)"), code="close_reward_notice"
        )
    if measure.status != MeasureStatus.ACTIVE:
        raise InvalidTransition(
            _("该措施已结束（%(s)s），不能再变更 (the measure has ended)") % {"s": measure.get_status_display()},
            code="measure_ended",
        )
    if to_status not in END_STATES[measure.kind]:
        raise InvalidTransition(
            _("「%(k)s」不能变更为「%(s)s」 (not allowed for this measure)")
            % {
                "k": measure.get_kind_display(),
                "s": MeasureStatus(to_status).label if to_status in MeasureStatus.values else to_status,
            },
            code="invalid_transition",
        )
    on = on or timezone.localdate()
    Measure.objects.filter(pk=measure.pk, status=MeasureStatus.ACTIVE).update(status=to_status, ended_on=on)
    measure.status, measure.ended_on = to_status, on
    resolve_alerts(f"measure:{measure.pk}:")
    _record(
        measure.case,
        "measure",
        _("%(kind)s %(s)s") % {"kind": measure.get_kind_display(), "s": MeasureStatus(to_status).label},
        actor,
        "measure.end",
        request=request,
        obj=measure,
        details={"measure": measure.pk, "to": to_status, "note": note},
    )
    return measure


@transaction.atomic
def extend_dishonest(measure, years, *, actor=None, request=None):
    """失信规定 Art. 2: aggravated cases extend the listing by one to three years in total."""
    require(actor, "measure.extend", measure)
    measure = _locked(measure)
    if measure.kind != MeasureKind.DISHONEST or measure.status != MeasureStatus.ACTIVE or measure.ends_on is None:
        raise InvalidTransition(
            _("只有生效中且有期限的失信名单可以延长 (only an active, fixed-term listing)"), code="not_extendable"
        )
    total = measure.extension_years + years
    if years < 1 or total > deadlines.DISHONEST_MAX_EXTENSION_YEARS:
        raise RuleViolation(
            _("失信期限累计只能延长一至三年 (extension of 1–3 years in total)"), code="extension_out_of_range"
        )
    ends_on = _dishonest_end(measure.starts_on, measure.legal_ground, total)
    Measure.objects.filter(pk=measure.pk).update(extension_years=total, ends_on=ends_on)
    measure.extension_years, measure.ends_on = total, ends_on
    _record(
        measure.case,
        "measure",
        _("失信期限延长 %(y)s 年至 %(d)s") % {"y": years, "d": ends_on},
        actor,
        "measure.extend",
        request=request,
        obj=measure,
        details={"measure": measure.pk, "years": years},
    )
    return measure


def mark_performed(case, on, *, actor=None, request=None):
    """The obligation was performed: the dishonest listing and the consumption restriction must be lifted
    within 3 working days (失信规定 Art. 10; 限高规定 Art. 9). The deadline is set here; lifting is a separate act."""
    due = deadlines.add_working_days(on, deadlines.REMOVAL_WORKING_DAYS)
    count = Measure.objects.filter(
        case=case, kind__in=LIFTED_ON_PERFORMANCE, status=MeasureStatus.ACTIVE, performed_on__isnull=True
    ).update(performed_on=on, removal_due=due)
    if count:
        _record(
            case,
            "measure",
            _("已履行完毕，%(n)s 项信用惩戒应于 %(d)s 前删除/解除") % {"n": count, "d": due},
            actor,
            "measure.performed",
            request=request,
            details={"count": count, "removal_due": due.isoformat()},
        )
    return count


def expire_measures(today=None):
    """Beat: a fixed-term listing, an investigation order or a reward notice past its end date expires."""
    today = today or timezone.localdate()
    kinds = [MeasureKind.DISHONEST, MeasureKind.INVESTIGATION_ORDER, MeasureKind.REWARD_NOTICE]
    due = list(
        Measure.objects.filter(kind__in=kinds, status=MeasureStatus.ACTIVE, ends_on__lt=today).select_related(
            "case__court"
        )
    )
    for measure in due:
        if Measure.objects.filter(pk=measure.pk, status=MeasureStatus.ACTIVE).update(
            status=MeasureStatus.EXPIRED, ended_on=today
        ):
            _record(
                measure.case,
                "measure",
                _("%(k)s 已到期") % {"k": measure.get_kind_display()},
                None,
                "measure.expire",
                obj=measure,
                details={"measure": measure.pk},
            )
    return len(due)
