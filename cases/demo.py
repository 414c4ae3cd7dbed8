"""Demo data of the cases app on top of the bulk cases (`manage.py seed_demo`): measures of every kind and
state, auctions with every outcome, suspension periods, 终本 re-query schedules, unclaimed money and the
long-pending ledger — so every page and screen module has real rows. Bulk writes only; a few thousand
cases at most. Running it again adds nothing (it stops when its measures exist).
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from execcenter.rounding import to_cents

from . import deadlines, supervision
from .choices import (
    AuctionItemKind,
    AuctionItemStatus,
    AuctionOutcome,
    CaseStatus,
    ClosureType,
    DishonestGround,
    LedgerStatus,
    MeasureKind,
    MeasureStatus,
    PartyKind,
    PartyRole,
    SuspensionKind,
)
from .measures import DETENTION_MAX_DAYS
from .models import (
    AuctionItem,
    AuctionRound,
    Case,
    CaseEvent,
    CaseParty,
    CaseSuspension,
    LongPendingEntry,
    LongPendingFollowUp,
    Measure,
    RequerySchedule,
    UnclaimedReceipt,
)

CST = dt.timezone(dt.timedelta(hours=8))
MEASURE_CASES = 2000
AUCTION_CASES = 400
LEDGER_CAUSES = [
    "被执行人下落不明",
    "财产处置难（房产无人竞买）",
    "案外人异议审查中",
    "被执行人为失联企业",
    "涉众型案件执行难度大",
    "财产被多家法院轮候查封",
]
LEDGER_PLANS = [
    "联合公安查找被执行人下落，每月网络查控一次",
    "降价再次拍卖，必要时以物抵债",
    "院领导包案督办，每两周汇报进展",
    "协调属地政府化解",
    "与首封法院协商移送处置权",
]


def _at(day, hour=10):
    return dt.datetime.combine(day, dt.time(hour), CST)


def _respondents(case_ids):
    out = {}
    for case_id, party_id, kind in CaseParty.objects.filter(
        case_id__in=case_ids, role=PartyRole.RESPONDENT
    ).values_list("case_id", "party_id", "party__kind"):
        out.setdefault(case_id, (party_id, kind))
    return out


def _measure(rng, case, party, kind, today):
    """One measure of `kind` with dates and a state that obey the rules in cases.measures."""
    decided = max(case["filed_on"] + dt.timedelta(days=rng.randrange(10, 120)), case["filed_on"])
    decided = min(decided, today)
    m = Measure(
        case_id=case["id"],
        kind=kind,
        party_id=party[0],
        decided_on=decided,
        starts_on=decided,
        document_no=f"{case['number'].rstrip('号')}之{rng.randrange(1, 9)}号",
    )
    if kind == MeasureKind.DISHONEST:
        m.legal_ground = rng.choice(DishonestGround.values)
        m.extension_years = rng.choice([0, 0, 0, 1, 2])
        m.ends_on = (
            None
            if m.legal_ground == DishonestGround.ABLE_BUT_REFUSES
            else deadlines.add_years(decided, deadlines.DISHONEST_YEARS + m.extension_years)
        )
    elif kind == MeasureKind.DETENTION:
        m.days = rng.randrange(1, DETENTION_MAX_DAYS + 1)
        m.ends_on = decided + dt.timedelta(days=m.days - 1)
    elif kind == MeasureKind.FINE:
        m.amount = (
            Decimal(rng.randrange(50, 1000) * 100)
            if party[1] == PartyKind.ORGANISATION
            else Decimal(rng.randrange(5, 1000) * 100)
        )
    elif kind == MeasureKind.REWARD_NOTICE:
        m.amount = Decimal(rng.randrange(1, 50) * 1000)
        m.ends_on = decided + dt.timedelta(days=90)
    elif kind in (MeasureKind.PROPERTY_REPORT_ORDER, MeasureKind.INVESTIGATION_ORDER):
        m.ends_on = decided + dt.timedelta(days=rng.choice([10, 15, 30]))
        if kind == MeasureKind.INVESTIGATION_ORDER:
            m.party_id, m.holder = None, rng.choice(["李明律师", "王静律师", "马强律师", "杨帆律师"])
    return m


def _end_state(rng, m, today, closed):
    """Choose a reachable end state (or keep it active), consistent with END_STATES and the dates."""
    from .measures import END_STATES

    if m.ends_on is not None and m.ends_on < today and MeasureStatus.EXPIRED in END_STATES[m.kind]:
        m.status, m.ended_on = MeasureStatus.EXPIRED, m.ends_on
    elif m.kind == MeasureKind.DETENTION and m.ends_on < today:
        m.status, m.ended_on = MeasureStatus.COMPLETED, m.ends_on
    elif closed or rng.random() < 0.3:
        states = sorted(END_STATES[m.kind] - {MeasureStatus.EXPIRED})
        m.status = rng.choice(states)
        m.ended_on = min(today, (m.ends_on or m.starts_on + dt.timedelta(days=rng.randrange(5, 200))))
        if m.kind == MeasureKind.DISHONEST and m.status == MeasureStatus.REMOVED:
            m.performed_on = max(m.ended_on - dt.timedelta(days=2), m.starts_on)
            m.removal_due = deadlines.add_working_days(m.performed_on, deadlines.REMOVAL_WORKING_DAYS)


def _measures(rng, today, events):
    open_ids = list(
        Case.objects.exclude(status__in=[CaseStatus.CLOSED, CaseStatus.FILED])
        .order_by("id")
        .values_list("id", flat=True)[:50000]
    )
    closed_ids = list(
        Case.objects.filter(closure_type=ClosureType.TERMINATED_THIS_ROUND)
        .order_by("id")
        .values_list("id", flat=True)[:20000]
    )
    picked = rng.sample(open_ids, min(MEASURE_CASES, len(open_ids))) + rng.sample(
        closed_ids, min(MEASURE_CASES // 2, len(closed_ids))
    )
    cases = {
        c["id"]: c for c in Case.objects.filter(id__in=picked).values("id", "number", "filed_on", "status", "closed_on")
    }
    respondents = _respondents(picked)
    rows = []
    for i, case_id in enumerate(picked):
        case, party = cases[case_id], respondents.get(case_id)
        if party is None:
            continue
        closed = case["status"] == CaseStatus.CLOSED
        # 终本 cases carry what their conditions required: a report order and a consumption restriction.
        kinds = (
            [MeasureKind.PROPERTY_REPORT_ORDER, MeasureKind.CONSUMPTION_RESTRICTION]
            if closed
            else [MeasureKind.values[i % len(MeasureKind.values)], rng.choice(MeasureKind.values)]
        )
        for kind in dict.fromkeys(kinds):
            m = _measure(rng, case, party, kind, today)
            if closed and kind == MeasureKind.PROPERTY_REPORT_ORDER:
                m.status, m.ended_on = MeasureStatus.COMPLETED, m.ends_on
            else:
                _end_state(rng, m, today, closed=False)
            rows.append(m)
            events.append(
                CaseEvent(
                    case_id=case_id,
                    at=_at(m.decided_on),
                    kind="measure",
                    actor_label="系统",
                    summary=f"{MeasureKind(kind).label}",
                    details={"kind": kind},
                )
            )
    # Performed but not yet removed: the 3-working-day removal clock (some overdue, to raise alerts).
    for m in rows[:40]:
        if m.kind == MeasureKind.DISHONEST and m.status == MeasureStatus.ACTIVE:
            m.performed_on = today - dt.timedelta(days=rng.randrange(1, 10))
            m.removal_due = deadlines.add_working_days(m.performed_on, deadlines.REMOVAL_WORKING_DAYS)
    Measure.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


# Share of this year's 终本 closures made without every record the five conditions ask for (a report order or a
# consumption restriction missing): real provinces sit near, not at, the 90 % target of 终本合格率.
UNQUALIFIED_SHARE = 0.06


def terminated_this_year(today):
    """This year's 终本 closures (the period of the screen's headline 终本合格率): the cases whose closing records
    the demo completes (here the measures, in querycontrol.demo the network query)."""
    return Case.objects.filter(
        closure_type=ClosureType.TERMINATED_THIS_ROUND, closed_on__gte=today.replace(month=1, day=1)
    )


def _terminated_records(rng, today, events):
    """Every respondent of this year's 终本 cases ordered to report property and under consumption restriction
    before the closure (法〔2016〕373号 Art. 1(1)-(2)), but for UNQUALIFIED_SHARE of them. Bulk: at a million cases
    this is ~80,000 cases."""
    cases = {c["id"]: c for c in terminated_this_year(today).values("id", "number", "filed_on", "closed_on")}
    have = set(
        Measure.objects.filter(
            case_id__in=cases, kind__in=[MeasureKind.PROPERTY_REPORT_ORDER, MeasureKind.CONSUMPTION_RESTRICTION]
        ).values_list("case_id", "party_id", "kind")
    )
    rows = []
    for case_id, party_id in (
        CaseParty.objects.filter(case_id__in=cases, role=PartyRole.RESPONDENT)
        .order_by("case_id", "id")
        .values_list("case_id", "party_id")
    ):
        case = cases[case_id]
        kinds = [MeasureKind.PROPERTY_REPORT_ORDER, MeasureKind.CONSUMPTION_RESTRICTION]
        if rng.random() < UNQUALIFIED_SHARE:
            kinds = kinds[:1]
        for kind in kinds:
            if (case_id, party_id, kind) in have:
                continue
            decided = min(case["filed_on"] + dt.timedelta(days=rng.randrange(5, 40)), case["closed_on"])
            m = Measure(
                case_id=case_id,
                kind=kind,
                party_id=party_id,
                decided_on=decided,
                starts_on=decided,
                document_no=f"{case['number'].rstrip('号')}之{len(rows) % 9 + 1}号",
            )
            if kind == MeasureKind.PROPERTY_REPORT_ORDER:
                m.ends_on = decided + dt.timedelta(days=15)
                m.status, m.ended_on = MeasureStatus.COMPLETED, min(m.ends_on, today)
            rows.append(m)
            if len(rows) <= 20000:  # the timeline shows them; beyond that the events only slow the seed down
                events.append(
                    CaseEvent(
                        case_id=case_id,
                        at=_at(decided),
                        kind="measure",
                        actor_label="系统",
                        summary=f"{MeasureKind(kind).label}",
                        details={"kind": kind},
                    )
                )
    Measure.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _round(item_id, no, start, announced, today_rng, outcome, deal=None, concluded=None):
    starts = _at(announced + dt.timedelta(days=today_rng))
    return AuctionRound(
        item_id=item_id,
        round_no=no,
        start_price=start,
        deposit=to_cents(start * Decimal("0.10")),
        announced_on=announced,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=24),
        outcome=outcome,
        deal_price=deal,
        concluded_on=concluded,
    )


def _auctions(rng, today, events):
    ids = list(Case.objects.filter(status=CaseStatus.DISPOSING).order_by("id").values_list("id", flat=True)[:20000])
    picked = rng.sample(ids, min(AUCTION_CASES, len(ids)))
    outcomes = [
        AuctionOutcome.SOLD,
        AuctionOutcome.SOLD,
        AuctionOutcome.UNSOLD,
        AuctionOutcome.WITHDRAWN,
        AuctionOutcome.SUSPENDED,
        AuctionOutcome.PENDING,
    ]
    items = []
    for case_id in picked:
        kind = rng.choice([AuctionItemKind.REAL_ESTATE, AuctionItemKind.MOVABLE, AuctionItemKind.OTHER_RIGHT])
        value = Decimal(rng.randrange(20, 3000) * 1000)
        name = {"real_estate": "住宅一套", "movable": "小型轿车一辆", "other_right": "有限公司股权"}[kind]
        items.append(
            AuctionItem(
                case_id=case_id,
                name=name,
                kind=kind,
                appraisal_value=value,
                appraised_on=today - dt.timedelta(days=rng.randrange(60, 200)),
            )
        )
    AuctionItem.objects.bulk_create(items, batch_size=2000)
    rounds, statuses = [], {}
    for i, item in enumerate(items):
        notice = 30 if item.kind != AuctionItemKind.MOVABLE else 15
        renotice = 15 if item.kind != AuctionItemKind.MOVABLE else 7
        start = to_cents(item.appraisal_value * Decimal(rng.choice(["0.70", "0.80", "1.00"])))
        announced = item.appraised_on + dt.timedelta(days=5)
        first_day = announced + dt.timedelta(days=notice)
        outcome = outcomes[i % len(outcomes)]
        if outcome == AuctionOutcome.SOLD and rng.random() < 0.4:
            # Failed once, then sold 20% cheaper within 30 days (网拍规定 Art. 26).
            rounds.append(
                _round(
                    item.pk,
                    1,
                    start,
                    announced,
                    notice,
                    AuctionOutcome.UNSOLD,
                    concluded=first_day + dt.timedelta(days=1),
                )
            )
            second = to_cents(start * Decimal("0.80"))
            re_announced = first_day + dt.timedelta(days=2)
            deal = to_cents(second * Decimal(1 + rng.random() * 0.3))
            rounds.append(
                _round(
                    item.pk,
                    2,
                    second,
                    re_announced,
                    renotice,
                    AuctionOutcome.SOLD,
                    deal,
                    re_announced + dt.timedelta(days=renotice + 1),
                )
            )
        elif outcome == AuctionOutcome.SOLD:
            deal = to_cents(start * Decimal(1 + rng.random() * 0.5))
            rounds.append(_round(item.pk, 1, start, announced, notice, outcome, deal, first_day + dt.timedelta(days=1)))
        elif outcome == AuctionOutcome.PENDING:
            announced = today - dt.timedelta(days=3)
            rounds.append(_round(item.pk, 1, start, announced, notice, outcome))
        else:
            rounds.append(
                _round(item.pk, 1, start, announced, notice, outcome, concluded=first_day + dt.timedelta(days=1))
            )
        statuses[item.pk] = {
            AuctionOutcome.PENDING: AuctionItemStatus.LISTED,
            AuctionOutcome.SOLD: AuctionItemStatus.SOLD,
            AuctionOutcome.UNSOLD: AuctionItemStatus.UNSOLD,
            AuctionOutcome.WITHDRAWN: AuctionItemStatus.WITHDRAWN,
            AuctionOutcome.SUSPENDED: AuctionItemStatus.SUSPENDED,
        }[outcome]
        events.append(
            CaseEvent(
                case_id=item.case_id,
                at=_at(announced),
                kind="auction",
                actor_label="系统",
                summary=f"{item.name} 上拍，起拍价 {start} 元",
                details={"item": item.pk},
            )
        )
    AuctionRound.objects.bulk_create(rounds, batch_size=2000)
    for status in AuctionItemStatus.values:
        AuctionItem.objects.filter(pk__in=[pk for pk, s in statuses.items() if s == status]).update(status=status)
    return len(rounds)


def _suspensions(rng, today):
    rows = []
    todo = Case.objects.filter(status=CaseStatus.SUSPENDED, suspensions__isnull=True).values_list(
        "id", "suspended_since", "filed_on"
    )
    for case_id, since, filed in todo.iterator(chunk_size=5000):
        kind = SuspensionKind.SETTLEMENT if rng.random() < 0.5 else SuspensionKind.SUSPENSION
        reason = (
            "双方达成执行和解协议，分期履行"
            if kind == SuspensionKind.SETTLEMENT
            else "案外人提出执行异议，审查期间中止执行"
        )
        rows.append(CaseSuspension(case_id=case_id, kind=kind, reason=reason, started_on=since or max(filed, today)))
    CaseSuspension.objects.bulk_create(rows, batch_size=5000)
    Case.objects.filter(status=CaseStatus.SUSPENDED, status_before_suspension="").update(
        status_before_suspension=CaseStatus.INVESTIGATING
    )
    return len(rows)


def _requeries(today):
    rows = []
    for case_id, closed_on in (
        Case.objects.filter(
            closure_type=ClosureType.TERMINATED_THIS_ROUND, requeries__isnull=True, closed_on__isnull=False
        )
        .values_list("id", "closed_on")
        .order_by("id")[:5000]
    ):
        for n, due in enumerate(deadlines.requery_dates(closed_on), start=1):
            rows.append(
                RequerySchedule(
                    case_id=case_id,
                    round_no=n,
                    due_on=due,
                    status="done" if due < today - dt.timedelta(days=30) else "due",
                    done_at=_at(due) if due < today - dt.timedelta(days=30) else None,
                )
            )
    RequerySchedule.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return len(rows)


def _unclaimed(rng, today):
    from execcenter.models import Court

    courts = list(Court.objects.order_by("code"))
    rows = [
        UnclaimedReceipt(
            court=rng.choice(courts),
            amount=Decimal(rng.randrange(100, 500000)) / 100 * 10,
            received_at=_at(today - dt.timedelta(days=rng.randrange(1, 120))),
            payer_name=rng.choice(["", "张某", "宁夏某商贸有限公司", "银川某建材厂"]),
            bank_reference=f"DEMO-UNCLAIMED-{i:05d}",
        )
        for i in range(60)
    ]
    UnclaimedReceipt.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _ledger(rng, today):
    opened = supervision.open_ledger_entries(today)
    entries = list(LongPendingEntry.objects.filter(status=LedgerStatus.OPEN, cause="").order_by("id")[:3000])
    follow = []
    for e in entries:
        if rng.random() < 0.8:  # the rest still wait for the judge to write cause and plan
            e.cause, e.plan = rng.choice(LEDGER_CAUSES), rng.choice(LEDGER_PLANS)
            follow.append(
                LongPendingFollowUp(
                    entry=e,
                    actor_label="包案领导",
                    note=rng.choice(
                        ["已听取承办法官汇报，督促加快处置", "已约谈被执行人", "已协调不动产登记中心", "已发函属地政府"]
                    ),
                )
            )
    LongPendingEntry.objects.bulk_update(entries, ["cause", "plan"], batch_size=2000)
    LongPendingFollowUp.objects.bulk_create(follow, batch_size=2000)
    return opened


def enrich(rng, stdout):
    today = timezone.localdate()
    if Measure.objects.exists():
        stdout.write("案件模块演示数据：已存在，跳过")
        return
    with transaction.atomic():
        events = []
        measures = _measures(rng, today, events)
        measures += _terminated_records(rng, today, events)
        rounds = _auctions(rng, today, events)
        CaseEvent.objects.bulk_create(events, batch_size=5000)
        suspensions = _suspensions(rng, today)
        requeries = _requeries(today)
        unclaimed = _unclaimed(rng, today)
        ledger = _ledger(rng, today)
    by_status = set(Case.objects.values_list("status", flat=True).distinct())
    by_closure = set(Case.objects.exclude(closure_type="").values_list("closure_type", flat=True).distinct())
    missing = (set(CaseStatus.values) - by_status) | (set(ClosureType.values) - by_closure)
    stdout.write(
        f"案件模块演示数据：措施 {measures} 项，拍卖轮次 {rounds} 个，中止期间 {suspensions} 个，终本定期查询 {requeries} 次，"
        f"不明款 {unclaimed} 笔，长期未结台账 {ledger} 件"
        + (f"；缺少：{'、'.join(sorted(missing))}" if missing else "")
    )
