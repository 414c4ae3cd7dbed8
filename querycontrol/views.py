"""HTML pages of network query and control (Chinese UI): the case panel, live query progress, found
assets and order forms, order pages with documents, the approvers' queue. Thin: services decide."""

from itertools import groupby
from urllib.parse import quote

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import approvals as case_approvals
from cases import rewards as case_rewards
from cases.closure import REQUERY_PURPOSE, requery_open
from cases.document_views import document_response
from cases.models import Case
from execcenter.exceptions import DomainError
from execcenter.exports import require_page
from execcenter.policy import may
from execcenter.policy_http import requires, reraise_refusal
from execcenter.scope import officer_of
from execcenter.services import audit
from querycontrol import documents
from querycontrol.choices import CONTROL_KINDS, AssetKind, OrderKind, OrderStatus
from querycontrol.forms import AuctionItemForm, DecisionForm, OrderForm, QueryStartForm
from querycontrol.models import ControlOrder, FoundAsset, QueryRequest
from querycontrol.services import auctions as lot_services
from querycontrol.services import orders as order_services
from querycontrol.services import queries as query_services
from querycontrol.services import rules


def case_panel_context(case, request):
    """What the case page shows in the query-and-control panel (registered in cases.panels)."""
    return {
        "query_form": QueryStartForm(),
        "requery_form": QueryStartForm(initial={"purpose": REQUERY_PURPOSE}) if requery_open(case) else None,
        "query_requests": QueryRequest.objects.filter(case=case).order_by("-created_at")[:5],
        "orders": ControlOrder.objects.filter(case=case)
        .select_related("institution", "asset")
        .order_by("-created_at")[:20],
        "freeze_allowance": rules.freeze_allowance(case),
    }


def _fail(request, exc):
    reraise_refusal(exc)  # 403 / 404 are the answer, not a message on the next page
    messages.error(request, str(exc.message))


@requires("query.start", model=Case, lookup="case_id")
@require_POST
def query_start(request, case_id):
    case = get_object_or_404(Case.objects.visible_to(request.user), pk=case_id)
    form = QueryStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写查询事由"))
        return redirect("cases:case-detail", pk=case.pk)
    try:
        qr, created = query_services.submit_query(
            request.user,
            case,
            purpose=form.cleaned_data["purpose"],
            kinds=form.cleaned_data["institution_kinds"],
            request=request,
        )
    except DomainError as exc:
        _fail(request, exc)
        return redirect("cases:case-detail", pk=case.pk)
    if not created:
        messages.info(request, _("相同的查询正在进行，已为您打开"))
    return redirect("querycontrol:query-detail", pk=qr.pk)


def _query(request, pk):
    return get_object_or_404(QueryRequest.objects.visible_to(request.user).select_related("case", "court"), pk=pk)


def _asset_groups(qr):
    assets = (
        FoundAsset.objects.filter(request=qr)
        .select_related("institution", "respondent")
        .order_by("kind", "-balance", "id")
    )
    labels = dict(AssetKind.choices)
    groups = []
    for kind, rows in groupby(assets, key=lambda a: a.kind):
        rows = list(rows)
        groups.append(
            {
                "kind": kind,
                "label": labels.get(kind, kind),
                "assets": rows,
                "total": sum((a.balance for a in rows), 0),
                "cash": kind in order_services.CASH_KINDS,
            }
        )
    return groups


@requires("query.read", model=QueryRequest)
def query_detail(request, pk):
    qr = _query(request, pk)
    return render(
        request,
        "querycontrol/query_detail.html",
        {
            "qr": qr,
            "groups": _asset_groups(qr),
            "failing": query_services.failing_institutions(qr)[:200],
            "allowance": rules.freeze_allowance(qr.case),
        },
    )


@requires("query.read", model=QueryRequest)
def query_progress(request, pk):
    """The htmx-polled fragment: counters from our own row (never the Celery result backend)."""
    qr = _query(request, pk)
    response = render(request, "querycontrol/_query_progress.html", {"qr": qr})
    if not qr.is_active:
        response["HX-Refresh"] = "true"  # finished: reload once to show the found assets
    return response


@requires("query.cancel", model=QueryRequest)
@require_POST
def query_cancel(request, pk):
    qr = _query(request, pk)
    try:
        query_services.cancel_query(request.user, qr, request=request)
        messages.success(request, _("已取消尚未发送的查询"))
    except DomainError as exc:
        _fail(request, exc)
    return redirect("querycontrol:query-detail", pk=qr.pk)


@requires("query.start", model=QueryRequest)
@require_POST
def query_retry(request, pk):
    """Ask again only the institutions that failed in this query (querycontrol.services.queries.retry_failed)."""
    qr = _query(request, pk)
    try:
        retry, created = query_services.retry_failed(request.user, qr, request=request)
    except DomainError as exc:
        _fail(request, exc)
        return redirect("querycontrol:query-detail", pk=qr.pk)
    if not created:
        messages.info(request, _("相同的查询正在进行，已为您打开"))
    return redirect("querycontrol:query-detail", pk=retry.pk)


@requires("order.file")
def order_new(request):
    """File an order on a found asset (freeze / seal) or on a control of it (renew / unfreeze / deduct)."""
    kind = OrderKind(request.GET.get("kind") or request.POST.get("kind") or OrderKind.FREEZE)
    asset = target = None
    if kind in CONTROL_KINDS:
        asset = get_object_or_404(
            FoundAsset.objects.visible_to(request.user).select_related("case", "institution"),
            pk=request.GET.get("asset") or request.POST.get("asset"),
        )
        case = asset.case
    else:
        target = get_object_or_404(
            ControlOrder.objects.visible_to(request.user).select_related("case", "asset", "institution"),
            pk=request.GET.get("target") or request.POST.get("target"),
        )
        case, asset = target.case, target.asset
    start = rules.renewal_start(target) if kind == OrderKind.RENEW else None
    initial = {
        "amount": order_services.suggested_amount(kind, asset=asset, target=target),
        "term_days": rules.max_term_days(asset.institution, start),
        "submit_now": True,
    }
    form = OrderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            order = order_services.file_order(
                request.user,
                kind,
                case=case,
                asset=asset,
                target=target,
                amount=form.cleaned_data["amount"],
                term_days=form.cleaned_data["term_days"],
                submit=form.cleaned_data["submit_now"],
                request=request,
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(
                request, _("已提交，等待审批") if order.status == OrderStatus.SUBMITTED else _("已保存草稿")
            )
            return redirect("querycontrol:order-detail", pk=order.pk)
    return render(
        request,
        "querycontrol/order_form.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": OrderKind(kind).label,
            "asset": asset,
            "target": target,
            "case": case,
            "limit": rules.control_limit(case),
            "allowance": rules.freeze_allowance(case),
        },
    )


def _order(request, pk):
    return get_object_or_404(
        ControlOrder.objects.visible_to(request.user).select_related(
            "case", "court", "institution", "asset", "respondent", "target"
        ),
        pk=pk,
    )


@requires("order.read", model=ControlOrder)
def order_detail(request, pk):
    order = _order(request, pk)
    return _order_page(request, order, may(request.user, "order.decide", order))


def _order_page(request, order, may_decide=False, auction_form=None, status=200):
    may_file = may(request.user, "order.file", order.case)
    if auction_form is None and may_file and order.case.is_open and lot_services.auctionable(order):
        auction_form = AuctionItemForm(initial={"name": order.asset.description or order.asset.asset_ref})
    return render(
        request,
        "querycontrol/order_detail.html",
        {
            "order": order,
            "may_decide": may_decide,
            "decision_form": DecisionForm(),
            "follow_ups": order.follow_ups.order_by("created_at"),
            "may_file": may_file,
            "auction_form": auction_form,
            "lots": order.auction_lots.select_related("item", "release_order"),
        },
        status=status,
    )


@requires("auction.manage", model=ControlOrder)
@require_POST
def order_auction(request, pk):
    """转入司法拍卖: make an auction item of the asset this seal holds; refusals are shown next to the form."""
    order = _order(request, pk)
    form = AuctionItemForm(request.POST)
    if not form.is_valid():
        return _order_page(request, order, auction_form=form, status=400)
    try:
        lot_services.item_from_control(request.user, order, **form.cleaned_data, request=request)
    except DomainError as exc:
        form.add_error(None, str(exc.message))
        return _order_page(request, order, auction_form=form, status=exc.status)
    messages.success(request, _("已转入司法拍卖"))
    return redirect(reverse("cases:case-detail", args=[order.case_id]) + "#auctions")


@requires("order.read", model=ControlOrder)
@require_POST
def order_decide(request, pk, decision):
    order = _order(request, pk)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if decision == "approve":
            order_services.approve_order(request.user, order, note=note, request=request)
            messages.success(request, _("已批准，正在发送协助单位"))
        elif decision == "reject":
            order_services.reject_order(request.user, order, note=note, request=request)
            messages.success(request, _("已驳回"))
        elif decision == "submit":
            order_services.submit_order(request.user, order, request=request)
            messages.success(request, _("已提交审批"))
        else:
            raise Http404
    except DomainError as exc:
        _fail(request, exc)
    following = request.POST.get("next", "")
    if following.startswith("/querycontrol/") and url_has_allowed_host_and_scheme(following, allowed_hosts=None):
        return redirect(following)
    return redirect("querycontrol:order-detail", pk=order.pk)


def _docx(content, name):
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@requires("document.read", model=ControlOrder)
def order_document(request, pk, which):
    """The issued ruling / notice: the bytes stored at approval, whatever the case's money has done since.
    Orders not approved (draft, pending, rejected) have none: 404."""
    order = _order(request, pk)
    document = documents.issued_document(order, which)
    if document is None:
        raise Http404
    # The documents carry full ID numbers: every download is an unmasked read, audited (also as document.download).
    audit(
        request.user,
        "querycontrol.order.document",
        order,
        court=order.court,
        request=request,
        details={"document": which},
    )
    return document_response(request, document)


@requires("document.read", model=ControlOrder)
def order_preview(request, pk, which):
    """A judge's preview of an order not yet decided: 草稿 on every page, no number, nothing stored."""
    order = _order(request, pk)
    if which not in documents.WHICH or order.status not in (OrderStatus.DRAFT, OrderStatus.SUBMITTED):
        raise Http404
    require_page(request.user, "order.preview", order)
    render_draft = documents.ruling_docx if which == "ruling" else documents.notice_docx
    audit(
        request.user,
        "querycontrol.order.preview",
        order,
        court=order.court,
        request=request,
        details={"document": which},
    )
    return _docx(
        render_draft(order, draft=True),
        f"草稿-{order.case.number}-{documents.title_of(order, documents.WHICH[which])}.docx",
    )


@requires("document.read")
@require_POST
def documents_batch(request):
    """One click: issue the documents of every chosen approved order (those missing), and pack them with an index."""
    # ASCII digits only: "²".isdigit() is true but int("²") raises (a 500).
    ids = [int(i) for i in request.POST.getlist("orders") if i.isascii() and i.isdigit()]
    orders = list(
        ControlOrder.objects.visible_to(request.user)
        .filter(pk__in=ids)
        .select_related("case", "court", "institution", "asset", "respondent", "filed_by")
        .order_by("case__number", "id")
    )
    if not orders:
        raise Http404
    for order in orders:
        require_page(request.user, "document.read", order)
    with transaction.atomic():
        by_order = documents.issue_batch(orders, actor=request.user, request=request)
    for order in orders:
        audit(
            request.user,
            "querycontrol.order.document",
            order,
            court=order.court,
            request=request,
            details={"document": "batch"},
        )
    response = HttpResponse(documents.documents_zip(orders, by_order), content_type="application/zip")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''" + quote("控制措施文书.zip")
    return response


@requires("approval.read")
def approval_queue(request):
    """Orders awaiting approval in the approver's own court (four-eyes: their own are listed, not decidable)."""
    officer = officer_of(request.user)
    orders = []
    if officer is not None and may(request.user, "order.decide"):
        # Their own court's, and their own filings too: listed so they see them, not decidable (the template asks).
        orders = list(
            ControlOrder.objects.visible_to(request.user)
            .awaiting_approval()
            .filter(court=officer.court)
            .select_related("case", "institution", "asset")
            .order_by("submitted_at")[:500]
        )
    return render(
        request,
        "querycontrol/approvals.html",
        {
            "orders": orders,
            "decision_form": DecisionForm(),
            "case_requests": case_approvals.awaiting(request.user),
            "reward_steps": dict(zip(("notices", "leads"), case_rewards.awaiting(request.user), strict=True)),
        },
    )
