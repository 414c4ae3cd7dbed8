"""Quality indicators (质效指标, docs/design.md §3; big-screen modules 30–35) as pure functions of (court scope, period).

Each indicator is a numerator over a denominator, computed from real rows, with drill-down to the records
behind both numbers. Definitions chosen here (each builder's docstring says exactly what it counts):

- Scope: the court and every court below it (`in_scope`), the same rule as everywhere else.
- Period: inclusive dates [start, end]. "Closed in the period" means `closed_on` within it.
- Case types are counted separately: every case indicator is computed for one type at a time —
  首执 (执) by default, 执恢 and 执保 on request — so resumed and preservation cases never inflate or dilute
  first-execution figures (the SPC statistics report them apart). 执异/执复/执监/执协 are review cases, not
  implementation cases, and appear in no indicator.
- 实际执结 (actual closure) = 执行完毕 or 终结执行: the case ended on its merits. 终本 (no property found for
  now) and the procedural endings 销案 / 不予执行 / 驳回申请 are not actual closures.
- Percentages are numerator ÷ denominator × 100, rounded half-up to 2 places; an empty denominator
  gives no value (None), never 0% or 100%.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import deadlines, predicates
from cases.choices import (
    COERCIVE_MEASURES,
    CaseType,
    ClosureType,
    MeasureKind,
    MeasureStatus,
    MoneyKind,
    PartyRole,
    ReceiptSource,
)
from cases.models import Case, CaseParty, Measure, MoneyEntry
from execcenter.money import MoneySum
from execcenter.rounding import percent, ratio
from execcenter.validators import report_day_problem
from querycontrol.choices import QueryStatus
from querycontrol.models import QueryRequest

from .models import Petition

ACTUAL_CLOSURES = (ClosureType.COMPLETED, ClosureType.TERMINATED)
IMPLEMENTATION_TYPES = (CaseType.FIRST, CaseType.RESUMED, CaseType.PRESERVATION)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("period ends before it starts")
        for day in (self.start, self.end):
            problem = report_day_problem(day)
            if problem:
                raise ValueError(problem)

    @classmethod
    def month(cls, year, month):
        return cls(dt.date(year, month, 1), deadlines.add_months(dt.date(year, month, 1), 1) - dt.timedelta(days=1))

    @classmethod
    def ten_day(cls, day):
        """The 旬 containing `day`: 上旬 1–10, 中旬 11–20, 下旬 21–end of month."""
        if day.day <= 10:
            return cls(day.replace(day=1), day.replace(day=10))
        if day.day <= 20:
            return cls(day.replace(day=11), day.replace(day=20))
        return cls(day.replace(day=21), cls.month(day.year, day.month).end)

    @classmethod
    def year_to_date(cls, day):
        return cls(dt.date(day.year, 1, 1), day)

    def __str__(self):
        return f"{self.start:%Y-%m-%d}～{self.end:%Y-%m-%d}"


@dataclass(frozen=True)
class Parts:
    """Querysets behind an indicator. `num_agg`/`den_agg` are (aggregates, combine): additive aggregates over
    the queryset and how to turn their values into the number (a count by default); `num_drill` names the
    records shown for the numerator when it is not `numerator` itself."""

    numerator: object
    denominator: object
    num_agg: object = None
    den_agg: object = None
    num_drill: object = None
    # Set when numerator == denominator.filter(num_q): the grouped evaluation then reads both in one scan.
    num_q: object = None
    # Disjoint querysets whose union is `denominator` (with num_q set): the grouped evaluation reads each along its
    # own index and adds the per-court rows up. One query over their OR read both sets through one plan: 1.5 s at
    # 10,000,000 cases for 法定期限内实际执结率 against ≈ 0.5 s for its two pieces (bench/README.md).
    pieces: tuple = ()


def _subset(denominator, q, **kw):
    """Parts whose numerator is the denominator's records matching `q`."""
    return Parts(numerator=denominator.filter(q), denominator=denominator, num_q=q, **kw)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str  # "%" rate, "天" average days, "件" count
    build: Callable
    target: Decimal | None = None
    core: bool = False
    higher_is_better: bool = True
    typed: bool = True  # computed per case type; False for petitions
    model: str = "cases.case"
    parts_unit: str = "件"  # what the numerator and denominator count: cases, petitions, or yuan (元)

    @property
    def definition(self):
        """The 口径 as a reader sees it (the indicators page, the API): the Chinese definition of CALIBERS with its
        source, in the active language. The builder's docstring is the same definition for developers."""
        caliber, source = CALIBERS[self.code]
        return _("%(caliber)s（依据：%(source)s）") % {"caliber": caliber, "source": source}


@dataclass
class Result:
    code: str
    name: str
    unit: str
    numerator: Decimal
    denominator: Decimal
    value: Decimal | None
    target: Decimal | None
    case_type: str | None
    below_target: bool = field(default=False)

    def as_dict(self):
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in self.__dict__.items()}


def _sum(field_name):
    return {"total": MoneySum(field_name)}, lambda row: row["total"] or Decimal("0.00")


COUNT = ({"n": Count("id")}, lambda row: Decimal(row["n"] or 0))


def _closed_q(period):
    return predicates.closed_in(period.start, period.end)


def _closed_in(qs, period):
    return qs.filter(_closed_q(period))


# Statutory limit of 6 months after filing, suspensions excluded, approved extensions added (the case's field).
WITHIN_TERM = Q(closed_on__lte=F("statutory_deadline"))


def legal_term_actual_closure(cases, period):
    """有财产可供执行案件法定期限内实际执结率. Denominator: cases with property available — closed in the period by
    actual closure (执行完毕/终结执行), plus cases still open at the end of the period whose statutory deadline fell
    within it and into whose account money has come (recovered > 0, so property existed). Numerator: the actual
    closures of the period made on or before the statutory deadline."""
    closed = _closed_in(cases, period).filter(closure_type__in=ACTUAL_CLOSURES)
    overdue_open = cases.open_on(period.end).filter(
        statutory_deadline__gte=period.start,
        statutory_deadline__lt=period.end,
        recovered_amount__gt=0,
    )
    # The pieces are disjoint: closed_on falls within the period in one, is null or after its end in the other.
    return _subset(
        closed | overdue_open,
        WITHIN_TERM & _closed_q(period) & Q(closure_type__in=ACTUAL_CLOSURES),
        pieces=(closed, overdue_open),
    )


def _all_respondents_have(kind):
    """No respondent of the case lacks a (non-revoked) measure of `kind` — as cases.closure.terminate_conditions."""
    has_measure = Measure.objects.filter(case=OuterRef("case"), party=OuterRef("party"), kind=kind).exclude(
        status=MeasureStatus.REVOKED
    )
    lacking = CaseParty.objects.filter(case=OuterRef("pk"), role=PartyRole.RESPONDENT).exclude(Exists(has_measure))
    return ~Exists(lacking)


def terminated_qualified_q():
    """The five conditions of 法〔2016〕373号 Art. 1 as one filter, evaluated at the closure date (SQL twin of
    cases.closure.terminate_conditions, which a test keeps in step)."""
    months = (
        (ExtractYear("closed_on") - ExtractYear("filed_on")) * 12 + ExtractMonth("closed_on") - ExtractMonth("filed_on")
    )
    coercive = Measure.objects.filter(case=OuterRef("pk"), kind__in=COERCIVE_MEASURES).exclude(
        status=MeasureStatus.REVOKED
    )
    # Condition 3 as querycontrol answers it for cases.hooks: a finished (complete or partial) network query
    # covering every respondent, and at least one respondent.
    queried = QueryRequest.respondents.through.objects.filter(
        queryrequest__case=OuterRef("case"),
        party=OuterRef("party"),
        queryrequest__status__in=[QueryStatus.COMPLETE, QueryStatus.PARTIAL],
    )
    respondents = CaseParty.objects.filter(case=OuterRef("pk"), role=PartyRole.RESPONDENT)
    return (
        Q(notice_sent_on__isnull=False)
        & _all_respondents_have(MeasureKind.PROPERTY_REPORT_ORDER)
        & _all_respondents_have(MeasureKind.CONSUMPTION_RESTRICTION)
        & (Q(dishonest_eligible=False) | _all_respondents_have(MeasureKind.DISHONEST))
        & Exists(respondents)
        & ~Exists(respondents.exclude(Exists(queried)))
        # closed_on > add_months(filed_on, 3), in whole calendar months then days (matches add_months' clamping).
        & (
            Q(_months__gt=deadlines.TERMINATE_MIN_MONTHS)
            | Q(_months=deadlines.TERMINATE_MIN_MONTHS, _cday__gt=F("_fday"))
        )
        & (Q(debtor_whereabouts_unknown=False) | Q(debtor_searched_on__isnull=False))
        & (Q(debtor_obstructed=False) | Exists(coercive))
    ), {"_months": months, "_cday": ExtractDay("closed_on"), "_fday": ExtractDay("filed_on")}


def terminated_qualified(cases, period):
    """无财产可供执行案件终本合格率. Denominator: cases closed in the period by 终结本次执行程序. Numerator: those of them
    that met all five conditions of 法〔2016〕373号 Art. 1 on the closure date — notice sent and every respondent
    ordered to report property; every respondent under consumption restriction and, where eligible, on the
    dishonest list; network investigation exhausted; closed more than three months after filing; a missing
    debtor searched for and an obstructing one sanctioned."""
    terminated = _closed_in(cases, period).filter(closure_type=ClosureType.TERMINATED_THIS_ROUND)
    condition, annotations = terminated_qualified_q()
    return Parts(numerator=terminated.annotate(**annotations).filter(condition), denominator=terminated)


def petitions_handled(petitions, period):
    """执行信访办结率. Denominator: enforcement petitions received in the period. Numerator: those of them closed
    (办结) on or before the end of the period."""
    received = petitions.filter(received_on__gte=period.start, received_on__lte=period.end)
    return _subset(received, Q(closed_on__isnull=False, closed_on__lte=period.end))


def three_year_closure(cases, period):
    """三年内整体执结率 (近三年整体执结率). Denominator: cases filed in the three years ending on the last day of the
    period (filed after the same date three years earlier). Numerator: those of them closed, by any closure
    type, on or before the end of the period."""
    since = deadlines.add_months(period.end, -36)
    filed = cases.filter(filed_on__gt=since, filed_on__lte=period.end)
    return _subset(filed, Q(closed_on__isnull=False, closed_on__lte=period.end))


def actual_closure(cases, period):
    """实际执结率 (for 执 this is 首执实际执结率). Denominator: cases closed in the period, by any closure type.
    Numerator: those closed by actual closure — 执行完毕 or 终结执行."""
    return _subset(_closed_in(cases, period), Q(closure_type__in=ACTUAL_CLOSURES))


def money_recovery(cases, period):
    """实际执行到位率. Over the cases closed in the period: amount recovered into the case accounts ÷ amount applied
    for (申请执行标的), in yuan. Drill-down: the closed cases (denominator) and those with money recovered."""
    closed = _closed_in(cases, period)
    return Parts(
        numerator=closed,
        denominator=closed,
        num_agg=_sum("recovered_amount"),
        den_agg=_sum("claim_amount"),
        num_drill=closed.filter(recovered_amount__gt=0),
    )


def completion(cases, period):
    """执行完毕率. Denominator: cases closed in the period. Numerator: those closed as 执行完毕."""
    return _subset(_closed_in(cases, period), Q(closure_type=ClosureType.COMPLETED))


def closed_within_term(cases, period):
    """法定期限内结案率. Denominator: cases closed in the period. Numerator: those closed on or before their
    statutory deadline (6 months from filing, suspension days excluded, approved extensions added)."""
    return _subset(_closed_in(cases, period), WITHIN_TERM)


def average_days(cases, period):
    """结案平均用时 (days). Over the cases closed in the period: Σ (closing date − filing date − suspended days)
    ÷ number of cases."""
    closed = _closed_in(cases, period)
    days = ExpressionWrapper(F("closed_on") - F("filed_on"), output_field=DurationField())
    # Σ days = Σ (closed − filed) − Σ suspended days; both sums add up across courts, so ranking can group by court.
    return Parts(
        numerator=closed,
        denominator=closed,
        num_agg=({"elapsed": Sum(days), "suspended": Sum("suspended_days")}, _elapsed_days),
    )


def _elapsed_days(row):
    elapsed = row["elapsed"] or dt.timedelta(0)
    return Decimal(elapsed.days - (row["suspended"] or 0))


def long_pending(cases, period):
    """12个月以上未结案数. Numerator: cases open at the end of the period (not closed by then) that were filed
    12 months or more before it (cases.predicates.long_pending_on). Denominator: all cases open at the end of the
    period (so the share shows too)."""
    return _subset(cases.open_on(period.end), predicates.filed_long_ago(period.end))


def voluntary_performance(cases, period):
    """自动履行率. Denominator: cases closed as 执行完毕 in the period. Numerator: those in which the respondent paid
    of their own accord — at least one receipt, every receipt booked as 主动履行 (none from deduction, auction or
    other enforcement) and no coercive measure (detention, fine, criminal referral) taken."""
    completed = _closed_in(cases, period).filter(closure_type=ClosureType.COMPLETED)
    receipts = MoneyEntry.objects.filter(case=OuterRef("pk"), kind=MoneyKind.RECEIPT)
    voluntary = completed.filter(
        Exists(receipts),
        ~Exists(receipts.exclude(source=ReceiptSource.VOLUNTARY)),
        ~Exists(
            Measure.objects.filter(case=OuterRef("pk"), kind__in=COERCIVE_MEASURES).exclude(
                status=MeasureStatus.REVOKED
            )
        ),
    )
    return Parts(numerator=voluntary, denominator=completed)


# 口径 (what each indicator counts, in the words of the court's statistics) and where that definition comes from.
# The "3+1" core set and its targets are the Supreme People's Court's quality-indicator system for enforcement as
# docs/design.md §3 lists it; the counting rules below are this product's, each matching its builder's docstring.
_SYSTEM = gettext_lazy("“3+1”执行质效核心指标；本系统统计口径（设计文档第3节）")
_PRODUCT = gettext_lazy("本系统统计口径（设计文档第3节）")
_TERM = gettext_lazy(
    "《最高人民法院关于人民法院办理执行案件若干期限的规定》第一条：有财产可供执行的案件一般应在立案之日起六个月内执结"
)
CALIBERS = {
    "legal_term_actual_closure": (
        gettext_lazy(
            "分母：期内以执行完毕或终结执行方式结案的案件，加上期末仍未结、法定期限在期内届满且已有执行款到账（有财产可供执行）"
            "的案件；分子：其中在法定期限内以执行完毕或终结执行方式结案的案件。"
        ),
        _SYSTEM,
    ),
    "terminated_qualified": (
        gettext_lazy(
            "分母：期内以终结本次执行程序方式结案的案件；分子：其中结案时符合终本五项条件的案件——已送达执行通知书并责令"
            "每名被执行人报告财产，每名被执行人已被限制消费、符合条件的已纳入失信名单，已完成网络查控，立案已满三个月，"
            "下落不明的已查找、妨碍执行的已依法惩戒。"
        ),
        gettext_lazy(
            "《最高人民法院关于严格规范终结本次执行程序的规定（试行）》（法〔2016〕373号）第一条；“3+1”核心指标体系"
        ),
    ),
    "petitions_handled": (
        gettext_lazy("分母：期内登记的执行信访件；分子：其中在期末前已办结的信访件。"),
        _SYSTEM,
    ),
    "three_year_closure": (
        gettext_lazy("分母：截至期末的三年内立案的案件；分子：其中在期末前已结案（任何结案方式）的案件。"),
        _SYSTEM,
    ),
    "actual_closure": (
        gettext_lazy(
            "分母：期内结案的案件（任何结案方式）；分子：其中以执行完毕或终结执行方式结案的案件（实际执结）。"
        ),
        _PRODUCT,
    ),
    "money_recovery": (
        gettext_lazy("期内结案案件的实际到账金额 ÷ 申请执行标的金额（元）。"),
        _PRODUCT,
    ),
    "completion": (
        gettext_lazy("分母：期内结案的案件；分子：其中以执行完毕方式结案的案件。"),
        _PRODUCT,
    ),
    "closed_within_term": (
        gettext_lazy(
            "分母：期内结案的案件；分子：其中在法定期限（立案起六个月，扣除中止期间，加上批准延长的期限）内结案的案件。"
        ),
        _TERM,
    ),
    "average_days": (
        gettext_lazy("期内结案案件的用时之和（结案日期 − 立案日期 − 中止天数）÷ 结案件数，单位：天。"),
        _PRODUCT,
    ),
    "long_pending": (
        gettext_lazy("分子：期末仍未结、立案已满12个月的案件；分母：期末全部未结案件（同时显示占比）。"),
        _PRODUCT,
    ),
    "voluntary_performance": (
        gettext_lazy(
            "分母：期内以执行完毕方式结案的案件；分子：其中被执行人主动履行的案件——至少一笔到账且全部为主动履行，"
            "未经扣划、拍卖等强制手段，也未采取拘留、罚款、移送拒执等强制措施。"
        ),
        _PRODUCT,
    ),
}

PCT = "%"
INDICATORS = {
    i.code: i
    for i in (
        Indicator(
            "legal_term_actual_closure",
            "有财产可供执行案件法定期限内实际执结率",
            PCT,
            legal_term_actual_closure,
            Decimal("90"),
            core=True,
        ),
        Indicator(
            "terminated_qualified", "无财产可供执行案件终本合格率", PCT, terminated_qualified, Decimal("90"), core=True
        ),
        Indicator(
            "petitions_handled",
            "执行信访办结率",
            PCT,
            petitions_handled,
            Decimal("90"),
            core=True,
            typed=False,
            model="command.petition",
        ),
        Indicator("three_year_closure", "三年内整体执结率", PCT, three_year_closure, Decimal("80"), core=True),
        Indicator("actual_closure", "实际执结率", PCT, actual_closure),
        Indicator("money_recovery", "实际执行到位率", PCT, money_recovery, parts_unit="元"),
        Indicator("completion", "执行完毕率", PCT, completion),
        Indicator("closed_within_term", "法定期限内结案率", PCT, closed_within_term),
        Indicator("average_days", "结案平均用时", "天", average_days, higher_is_better=False),
        Indicator("long_pending", "12个月以上未结案数", "件", long_pending, higher_is_better=False),
        Indicator("voluntary_performance", "自动履行率", PCT, voluntary_performance),
    )
}
CORE = [code for code, i in INDICATORS.items() if i.core]


# --- evaluation ---------------------------------------------------------------------------------------


def _base(indicator, court_ids, case_type):
    if indicator.model == "command.petition":
        return Petition.objects.filter(court__in=court_ids)
    return Case.objects.filter(court__in=court_ids, case_type=case_type)


def _value(indicator, num, den):
    if indicator.unit == "件":
        return num
    if not den:
        return None
    if indicator.unit == PCT:
        return percent(num, den, 2)
    return ratio(num, den, 1)


def _result(indicator, num, den, case_type):
    value = _value(indicator, num, den)
    below = bool(indicator.target is not None and value is not None and value < indicator.target)
    return Result(
        indicator.code,
        indicator.name,
        indicator.unit,
        num,
        den,
        value,
        indicator.target,
        case_type if indicator.typed else None,
        below,
    )


def _parts(indicator, court_ids, period, case_type):
    return indicator.build(_base(indicator, court_ids, case_type), period)


def evaluate(code, court, period, case_type=CaseType.FIRST):
    """One indicator for `court` and every court below it over `period`."""
    indicator = INDICATORS[code]
    parts = _parts(indicator, court.subtree_ids(), period, case_type)
    (num_aggs, num_combine), (den_aggs, den_combine) = parts.num_agg or COUNT, parts.den_agg or COUNT
    num = num_combine(parts.numerator.aggregate(**num_aggs))
    den = den_combine(parts.denominator.aggregate(**den_aggs))
    return _result(indicator, num, den, case_type)


def drill_down(code, court, period, part="numerator", case_type=CaseType.FIRST):
    """Ids of the records behind the numerator or the denominator (cases; petitions for 信访办结率)."""
    indicator = INDICATORS[code]
    parts = _parts(indicator, court.subtree_ids(), period, case_type)
    if part == "numerator":
        qs = parts.num_drill if parts.num_drill is not None else parts.numerator
    elif part == "denominator":
        qs = parts.denominator
    else:
        raise ValueError(part)
    return sorted(qs.values_list("pk", flat=True).distinct())


def _grouped(qs, agg):
    aggs, _combine = agg
    return {row.pop("court"): row for row in qs.values("court").annotate(**aggs).order_by()}


def _filtered(aggregate, q):
    aggregate = aggregate.copy()
    aggregate.filter = q if aggregate.filter is None else q & aggregate.filter
    return aggregate


def _add_rows(total, row):
    """Two rows of additive aggregates added key by key; None (a SUM over no rows) adds nothing."""
    if total is None:
        return dict(row)
    return {k: v if total.get(k) is None else (total[k] if v is None else total[k] + v) for k, v in row.items()}


def _grouped_parts(parts, num_agg, den_agg):
    """Numerator and denominator rows per court: one grouped query when the numerator is the denominator or a
    filtered part of it (at a million cases each scan costs ≈ 0.3 s), two otherwise."""
    if parts.num_q is None and parts.numerator is not parts.denominator:
        return _grouped(parts.numerator, num_agg), _grouped(parts.denominator, den_agg)
    num_aggs = {f"num_{k}": a if parts.num_q is None else _filtered(a, parts.num_q) for k, a in num_agg[0].items()}
    den_aggs = {f"den_{k}": a for k, a in den_agg[0].items()}
    if parts.pieces:
        rows = {}
        for piece in parts.pieces:
            for court, row in _grouped(piece, ({**num_aggs, **den_aggs}, None)).items():
                rows[court] = _add_rows(rows.get(court), row)
    else:
        rows = _grouped(parts.denominator, ({**num_aggs, **den_aggs}, None))
    pick = lambda row, prefix: {k[len(prefix) :]: v for k, v in row.items() if k.startswith(prefix)}  # noqa: E731
    return ({c: pick(r, "num_") for c, r in rows.items()}, {c: pick(r, "den_") for c, r in rows.items()})


def _rollup(rows, ids, agg):
    aggs, combine = agg
    total = {}
    for court_id in ids:
        for key, value in rows.get(court_id, {}).items():
            if value is not None:
                total[key] = total[key] + value if key in total else value
    return combine({key: total.get(key) for key in aggs})


def evaluate_by_court(code, courts, period, case_type=CaseType.FIRST):
    """The indicator for each of `courts` (each with its subtree) in two grouped queries: {court_id: Result}."""
    indicator = INDICATORS[code]
    courts = list(courts)
    subtrees = {c.pk: c.subtree_ids() for c in courts}
    parts = _parts(indicator, sorted({i for ids in subtrees.values() for i in ids}), period, case_type)
    num_agg, den_agg = parts.num_agg or COUNT, parts.den_agg or COUNT
    num_rows, den_rows = _grouped_parts(parts, num_agg, den_agg)
    return {
        court_id: _result(indicator, _rollup(num_rows, ids, num_agg), _rollup(den_rows, ids, den_agg), case_type)
        for court_id, ids in subtrees.items()
    }


def ranking(code, period, courts, case_type=CaseType.FIRST, results=None):
    """Rank `courts` (normally all courts of one level) by the indicator: best first, ties share a rank,
    courts without a value (empty denominator) last and unranked. `results` ({court_id: Result} covering
    `courts`, from evaluate_by_court) saves the queries when the caller already has them."""
    indicator = INDICATORS[code]
    courts = list(courts)
    if results is None:
        results = evaluate_by_court(code, courts, period, case_type)
    ranked = [(c, results[c.pk]) for c in courts if results[c.pk].value is not None]
    ranked.sort(key=lambda cr: (-cr[1].value if indicator.higher_is_better else cr[1].value, cr[0].code))
    rows, previous, rank = [], None, 0
    for position, (court, result) in enumerate(ranked, start=1):
        if result.value != previous:
            rank, previous = position, result.value
        rows.append({"rank": rank, "court": court, **result.as_dict()})
    rows += [{"rank": None, "court": c, **results[c.pk].as_dict()} for c in courts if results[c.pk].value is None]
    return rows


def peers(court):
    """Courts of the same level in the province, for ranking."""
    from execcenter.models import Court

    return Court.objects.filter(level=court.level).order_by("code")


def core_set(court, period, case_types=IMPLEMENTATION_TYPES):
    """The "3+1" set (module 30), case types apart: each typed core indicator once per type."""
    out = []
    for code in CORE:
        indicator = INDICATORS[code]
        for case_type in case_types if indicator.typed else (None,):
            out.append(evaluate(code, court, period, case_type))
    return out


def all_indicators(court, period, case_type=CaseType.FIRST):
    return [evaluate(code, court, period, case_type if INDICATORS[code].typed else None) for code in INDICATORS]


def check_targets(court, period, case_types=IMPLEMENTATION_TYPES):
    """Early warning: an alert for each core indicator below its target, resolved once it is back above.
    Returns the results that are below target."""
    from execcenter.choices import AlertSeverity
    from execcenter.services import raise_alert, resolve_alerts

    below = []
    for result in core_set(court, period, case_types):
        key = f"indicator:{result.code}:{court.code}:{result.case_type or '-'}:{period.start}:{period.end}"
        if result.below_target:
            below.append(result)
            label = f"{CaseType(result.case_type).label} " if result.case_type else ""
            raise_alert(
                kind="indicator_below_target",
                court=court,
                severity=AlertSeverity.WARNING,
                dedup_key=key,
                title=f"{court.short_name} {label}{result.name} {result.value}% 低于目标 {result.target}%",
                message=f"{period}：{result.numerator} / {result.denominator}",
                link=f"/command/indicators/?court={court.code}&start={period.start}&end={period.end}",
            )
        else:
            resolve_alerts(key)
    return below
