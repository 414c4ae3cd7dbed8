"""Exports of network query and control as streamed .xlsx (execcenter.exports): the found assets of one query
and the control orders of the reader's scope (filtered like the API: ControlOrderFilterSet). ID numbers are
masked unless the role needs them; every export is audited."""

from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from execcenter import spreadsheets as ss
from execcenter.exports import export_response, labels, require_page
from execcenter.masking import mask_id_number
from execcenter.policy import may
from execcenter.policy_http import requires

from .choices import AssetKind, OrderKind, OrderOutcome, OrderStatus
from .filtersets import ControlOrderFilterSet
from .models import ControlOrder, FoundAsset, QueryRequest

ASSET_COLUMNS = [
    ss.Column("财产类别"),
    ss.Column("协助单位", width=30),
    ss.Column("被执行人"),
    ss.Column("证件号码", width=22),
    ss.Column("账号/权证号", width=26),
    ss.Column("财产描述", width=30),
    ss.Column("余额/价值", ss.MONEY),
    ss.Column("他案已冻结", ss.MONEY),
    ss.Column("可冻结", ss.MONEY),
    ss.Column("查询时间", ss.DATETIME),
]


def asset_rows(queryset, unmasked):
    kinds = labels(AssetKind.choices)
    show = (lambda v: v) if unmasked else mask_id_number
    fields = [
        "kind",
        "institution__name",
        "respondent__name",
        "respondent__id_number",
        "asset_ref",
        "description",
        "balance",
        "frozen_by_others",
        "found_at",
    ]
    for kind, inst, name, id_number, ref, description, balance, frozen, found_at in queryset.values_list(
        *fields
    ).iterator(chunk_size=2000):
        yield [
            kinds.get(kind, kind),
            inst,
            name,
            show(id_number),
            ref,
            description,
            balance,
            frozen,
            max(balance - frozen, 0),
            found_at,
        ]


@requires("query.export", model=QueryRequest)
def query_assets_export(request, pk):
    """Every asset found by one query (out of scope: 404)."""
    qr = get_object_or_404(QueryRequest.objects.visible_to(request.user).select_related("case", "court"), pk=pk)
    require_page(request.user, "query.export", qr)
    unmasked = may(request.user, "personal_data.read")
    qs = FoundAsset.objects.filter(request=qr).order_by("kind", "-balance", "id")
    sheet = ss.Sheet(
        "查询所得财产",
        ASSET_COLUMNS,
        asset_rows(qs, unmasked),
        preamble=[f"{qr.case.number} 网络查控所得财产（查询于 {timezone.localtime(qr.created_at):%Y-%m-%d %H:%M}）"],
    )
    return export_response(
        request,
        name=f"查询所得财产-{qr.case.number}",
        sheet=sheet,
        action="export.found_assets",
        unmasked=unmasked,
        court=qr.court,
        details={"query": qr.pk},
    )


ORDER_COLUMNS = [
    ss.Column("文号", width=34),
    ss.Column("案号", width=30),
    ss.Column("执行法院", width=24),
    ss.Column("措施"),
    ss.Column("状态"),
    ss.Column("执行结果"),
    ss.Column("协助单位", width=30),
    ss.Column("账号/权证号", width=26),
    ss.Column("被执行人"),
    ss.Column("证件号码", width=22),
    ss.Column("申请金额", ss.MONEY),
    ss.Column("实际金额", ss.MONEY),
    ss.Column("现冻结金额", ss.MONEY),
    ss.Column("期限(天)", ss.INT),
    ss.Column("到期日", ss.DATE),
    ss.Column("提交人"),
    ss.Column("审批人"),
    ss.Column("提交时间", ss.DATETIME),
    ss.Column("审批时间", ss.DATETIME),
    ss.Column("办结时间", ss.DATETIME),
]


def order_rows(queryset, unmasked):
    kinds, statuses, outcomes = labels(OrderKind.choices), labels(OrderStatus.choices), labels(OrderOutcome.choices)
    show = (lambda v: v) if unmasked else mask_id_number
    fields = [
        "document_no",
        "case__number",
        "court__name",
        "kind",
        "status",
        "outcome",
        "institution__name",
        "asset__asset_ref",
        "respondent__name",
        "respondent__id_number",
        "requested_amount",
        "effective_amount",
        "held_amount",
        "term_days",
        "expires_on",
        "filed_by_label",
        "decided_by_label",
        "submitted_at",
        "decided_at",
        "completed_at",
    ]
    for row in queryset.values_list(*fields).iterator(chunk_size=2000):
        (
            doc,
            number,
            court,
            kind,
            status,
            outcome,
            inst,
            ref,
            name,
            id_number,
            requested,
            effective,
            held,
            term,
            expires,
            filed_by,
            decided_by,
            submitted,
            decided,
            completed,
        ) = row
        yield [
            doc,
            number,
            court,
            kinds.get(kind, kind),
            statuses.get(status, status),
            outcomes.get(outcome, outcome or ""),
            inst,
            ref,
            name,
            show(id_number),
            requested,
            effective,
            held,
            term,
            expires,
            filed_by,
            decided_by,
            submitted,
            decided,
            completed,
        ]


@requires("order.export")
def orders_export(request):
    """Control orders of the reader's scope, filtered with the API's filters (kind, status, case_number, …)."""
    require_page(request.user, "order.export")
    params = request.GET.copy()
    params.pop("format", None)
    filterset = ControlOrderFilterSet(params, queryset=ControlOrder.objects.visible_to(request.user))
    if not filterset.is_valid():
        return HttpResponseBadRequest(
            f"筛选条件无效 (invalid filters): {filterset.errors.as_text()}", content_type="text/plain; charset=utf-8"
        )
    unmasked = may(request.user, "personal_data.read")
    sheet = ss.Sheet(
        "控制措施",
        ORDER_COLUMNS,
        order_rows(filterset.qs.order_by("-created_at", "-id"), unmasked),
        preamble=[f"控制措施清单（导出时间 {timezone.localtime():%Y-%m-%d %H:%M}）"],
    )
    return export_response(request, name="控制措施清单", sheet=sheet, action="export.control_orders", unmasked=unmasked)
