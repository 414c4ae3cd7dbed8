"""Exports of the case list (with the list's filters and sort) and of the long-pending ledger, as streamed
.xlsx (execcenter.exports): within the reader's scope, ID numbers masked unless the role needs them, audited.

Rows are read as values in chunks of 2,000 cases with one query for the parties of each chunk, so 100,000
cases cost ~50 party queries and memory for one chunk (bench/export.py measures it).
"""

from django.utils import timezone

from execcenter import spreadsheets as ss
from execcenter.exports import chunked, export_response, labels, require_page
from execcenter.masking import mask_id_number
from execcenter.policy import may
from execcenter.policy_http import requires

from .choices import CaseStatus, CaseType, ClosureType, LedgerStatus, PartyRole
from .models import CaseParty, LongPendingEntry

CASE_COLUMNS = [
    ss.Column("案号", width=30),
    ss.Column("执行法院", width=24),
    ss.Column("案件类型"),
    ss.Column("案由", width=16),
    ss.Column("申请执行人", width=24),
    ss.Column("被执行人", width=24),
    ss.Column("被执行人证件号码", width=22),
    ss.Column("立案日期", ss.DATE),
    ss.Column("状态"),
    ss.Column("承办法官"),
    ss.Column("申请执行标的", ss.MONEY),
    ss.Column("执行到位金额", ss.MONEY),
    ss.Column("未执行金额", ss.MONEY),
    ss.Column("执行费用", ss.MONEY),
    ss.Column("法定审限届满日", ss.DATE),
    ss.Column("结案方式"),
    ss.Column("结案日期", ss.DATE),
]
CASE_FIELDS = [
    "id",
    "number",
    "court__name",
    "case_type",
    "cause",
    "filed_on",
    "status",
    "assigned_judge__name",
    "claim_amount",
    "recovered_amount",
    "outstanding_amount",
    "costs_amount",
    "statutory_deadline",
    "closure_type",
    "closed_on",
]


def _parties_of(case_ids):
    """{case id: {role: [(name, id number)]}} for a chunk of cases, one query."""
    out = {}
    rows = (
        CaseParty.objects.filter(case_id__in=case_ids)
        .order_by("case_id", "id")
        .values_list("case_id", "role", "party__name", "party__id_number")
    )
    for case_id, role, name, id_number in rows:
        out.setdefault(case_id, {}).setdefault(role, []).append((name, id_number))
    return out


def case_rows(queryset, unmasked):
    """One row per case of `queryset` (already scoped, filtered and ordered), values as CASE_COLUMNS says."""
    types, statuses, closures = labels(CaseType.choices), labels(CaseStatus.choices), labels(ClosureType.choices)
    show = (lambda v: v) if unmasked else mask_id_number
    for chunk in chunked(queryset.values_list(*CASE_FIELDS).iterator(chunk_size=2000)):
        parties = _parties_of([row[0] for row in chunk])
        for (
            pk,
            number,
            court,
            case_type,
            cause,
            filed_on,
            status,
            judge,
            claim,
            recovered,
            outstanding,
            costs,
            deadline,
            closure,
            closed_on,
        ) in chunk:
            p = parties.get(pk, {})
            respondents = p.get(PartyRole.RESPONDENT, [])
            yield [
                number,
                court,
                types.get(case_type, case_type),
                cause,
                "、".join(n for n, _ in p.get(PartyRole.APPLICANT, [])),
                "、".join(n for n, _ in respondents),
                "、".join(show(i) for _, i in respondents),
                filed_on,
                statuses.get(status, status),
                judge or "",
                claim,
                recovered,
                outstanding,
                costs,
                deadline,
                closures.get(closure, closure or ""),
                closed_on,
            ]


@requires("case.export")
def case_list_export(request):
    """The case list as the reader sees it (same scope, filters and sort), every row, not one page."""
    from .views import filtered_cases

    _filterset, qs, sort = filtered_cases(request)
    require_page(request.user, "case.export")
    unmasked = may(request.user, "personal_data.read")
    sheet = ss.Sheet(
        "执行案件",
        CASE_COLUMNS,
        case_rows(qs, unmasked),
        preamble=[f"执行案件清单（导出时间 {timezone.localtime():%Y-%m-%d %H:%M}）"],
    )
    return export_response(
        request, name="执行案件清单", sheet=sheet, action="export.cases", unmasked=unmasked, details={"sort": sort}
    )


LEDGER_COLUMNS = [
    ss.Column("案号", width=30),
    ss.Column("执行法院", width=24),
    ss.Column("立案日期", ss.DATE),
    ss.Column("未结天数", ss.INT),
    ss.Column("列入台账日期", ss.DATE),
    ss.Column("责任人"),
    ss.Column("包案领导"),
    ss.Column("未结原因", width=30),
    ss.Column("化解计划", width=40),
    ss.Column("台账状态"),
    ss.Column("未执行金额", ss.MONEY),
    ss.Column("销号日期", ss.DATE),
]


def ledger_rows(queryset, today):
    statuses = labels(LedgerStatus.choices)
    fields = [
        "case__number",
        "case__court__name",
        "case__filed_on",
        "opened_on",
        "responsible_officer__name",
        "leading_official__name",
        "cause",
        "plan",
        "status",
        "case__outstanding_amount",
        "resolved_on",
    ]
    for (
        number,
        court,
        filed_on,
        opened_on,
        responsible,
        leader,
        cause,
        plan,
        status,
        outstanding,
        resolved_on,
    ) in queryset.values_list(*fields).iterator(chunk_size=2000):
        yield [
            number,
            court,
            filed_on,
            ((resolved_on or today) - filed_on).days,
            opened_on,
            responsible or "",
            leader or "",
            cause,
            plan,
            statuses.get(status, status),
            outstanding,
            resolved_on,
        ]


@requires("ledger.export")
def long_pending_export(request):
    """长期未结案件台账 (cases open > 12 months) of the reader's scope; `?status=open|resolved|all` (default open)."""
    require_page(request.user, "ledger.export")
    qs = LongPendingEntry.objects.visible_to(request.user).order_by("case__filed_on", "id")
    status = request.GET.get("status", LedgerStatus.OPEN)
    if status in LedgerStatus.values:
        qs = qs.filter(status=status)
    sheet = ss.Sheet(
        "长期未结案件台账",
        LEDGER_COLUMNS,
        ledger_rows(qs, timezone.localdate()),
        preamble=[f"长期未结案件台账（导出时间 {timezone.localtime():%Y-%m-%d %H:%M}）"],
    )
    return export_response(request, name="长期未结案件台账", sheet=sheet, action="export.long_pending")
