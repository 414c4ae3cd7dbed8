"""Browser pages for judges and approvers: the case list and the case page with the actions allowed now."""

import logging

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from execcenter import policy
from execcenter.exceptions import DomainError
from execcenter.masking import mask_address, mask_id_number, mask_phone
from execcenter.policy import may, require
from execcenter.policy_http import requires, reraise_refusal
from execcenter.services import audit

from . import (
    approvals,
    auctions,
    closure,
    forms,
    lawyer_orders,
    measures,
    panels,
    rewards,
    services,
    settlements,
    supervision,
    transfers,
)
from .api.personal_data import sees_personal_data
from .choices import (
    AuctionOutcome,
    CaseStatus,
    ClosureType,
    LedgerStatus,
    MeasureKind,
    MeasureStatus,
    SettlementStatus,
)
from .filtersets import CaseFilterSet, ordering_for
from .models import (
    ApprovalRequest,
    AuctionItem,
    AuctionRound,
    Case,
    CaseParty,
    CaseTransfer,
    LawyerOrderApplication,
    LongPendingAction,
    Measure,
    RewardNotice,
)

logger = logging.getLogger(__name__)
PAGE_SIZE = 50
# Counting a million rows for a pager costs more than the page itself: count at most COUNT_CAP + 1 rows
# (one bounded subquery) and show "10000+" beyond it; narrower filters give exact counts.
COUNT_CAP = 10_000
SORTS = {
    "filed": "-filed_on",
    "filed_asc": "filed_on",
    "deadline": "statutory_deadline",
    "claim": "-claim_amount",
    "outstanding": "-outstanding_amount",
    "number": "number",
}
# Without a chosen sort, a deadline-state or long-pending list is shown in its index's order (most urgent first).
DEFAULT_SORTS = {("statutory_deadline", "id"): "deadline", ("filed_on", "id"): "filed_asc"}


class CappedCountPaginator(Paginator):
    @cached_property
    def count(self):
        return self.object_list.order_by()[: COUNT_CAP + 1].count()

    @property
    def capped(self):
        return self.count > COUNT_CAP


def filtered_cases(request):
    """(filterset, ordered queryset, sort) of the case list for this request: the reader's scope, the list's
    filters and sort. The page and its export (cases.exports) both use it, so the file lists what the page does."""
    queryset = Case.objects.visible_to(request.user).select_related("court", "assigned_judge")
    params = request.GET.copy()
    params.pop("format", None)
    filterset = CaseFilterSet(params or None, queryset=queryset, request=request).limit_choices_to(request.user)
    qs = (
        filterset.qs
        if filterset.is_bound and filterset.is_valid()
        else queryset
        if not filterset.is_bound
        else queryset.none()
    )
    sort = request.GET.get("sort") or DEFAULT_SORTS.get(ordering_for(request.GET, None), "filed")
    primary = SORTS.get(sort, "-filed_on")
    return filterset, qs.order_by(primary, "-id" if primary.startswith("-") else "id"), sort


@requires("case.read")
def case_list(request):
    filterset, qs, sort = filtered_cases(request)
    paginator = CappedCountPaginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "cases/case_list.html",
        {
            "filter": filterset,
            "page": page,
            "paginator": paginator,
            "sort": sort,
            "sorts": SORTS,
            "query": params.urlencode(),
            "count_cap": COUNT_CAP,
        },
    )


ACTIONS = {
    # name: (form class, needs case/user kwargs, handler(case, data, actor, request)); POLICY names each one's rule.
    "assign": (forms.AssignForm, True, lambda c, d, a, r: services.assign(c, d["judge"], actor=a, request=r)),
    "transition": (
        forms.TransitionForm,
        False,
        lambda c, d, a, r: services.transition(c, d["to"], note=d["note"], actor=a, request=r),
    ),
    "suspend": (
        forms.SuspendForm,
        False,
        lambda c, d, a, r: services.suspend(c, d["kind"], d["reason"], actor=a, request=r),
    ),
    "resume": (forms.ResumeForm, False, lambda c, d, a, r: services.resume(c, note=d["note"], actor=a, request=r)),
    "close": (
        forms.CloseForm,
        False,
        lambda c, d, a, r: approvals.request_closure(a, c, closure_type=d["closure_type"], note=d["note"], request=r),
    ),
    "extend": (
        forms.ExtendForm,
        False,
        lambda c, d, a, r: approvals.request_extension(a, c, days=d["days"], reason=d["reason"], request=r),
    ),
    "resume_terminated": (
        forms.ResumeTerminatedForm,
        False,
        lambda c, d, a, r: closure.resume_terminated(c, reason=d["reason"], actor=a, request=r),
    ),
    "notice": (
        forms.NoticeForm,
        False,
        lambda c, d, a, r: services.record_notice_sent(c, d["sent_on"], actor=a, request=r),
    ),
    "receipt": (
        forms.ReceiptForm,
        False,
        lambda c, d, a, r: services.record_receipt(c, d["amount"], d["source"], note=d["note"], actor=a, request=r),
    ),
    "payout": (
        forms.PayoutForm,
        True,
        lambda c, d, a, r: approvals.request_payout(
            a, c, amount=d["amount"], payee=d["payee"], note=d["note"], request=r
        ),
    ),
    "measure": (
        forms.MeasureForm,
        True,
        lambda c, d, a, r: measures.impose_measure(
            c, d.pop("kind"), **{k: v for k, v in d.items() if v not in (None, "")}, actor=a, request=r
        ),
    ),
    "follow_up": (
        forms.FollowUpForm,
        False,
        lambda c, d, a, r: supervision.add_follow_up(c.long_pending, d["note"], actor=a, request=r),
    ),
    "facts": (
        forms.DebtorFactsForm,
        True,
        lambda c, d, a, r: services.record_debtor_facts(
            c,
            dishonest_eligible=d["dishonest_eligible"],
            whereabouts_unknown=d["whereabouts_unknown"],
            searched_on=d["searched_on"],
            obstructed=d["obstructed"],
            actor=a,
            request=r,
        ),
    ),
    "ledger": (
        forms.LedgerForm,
        True,
        lambda c, d, a, r: supervision.update_entry(c.long_pending, **d, actor=a, request=r),
    ),
    "ledger_action": (
        forms.LedgerActionForm,
        False,
        lambda c, d, a, r: supervision.add_action(
            c.long_pending, d["step"], d["text"], due_on=d["due_on"], actor=a, request=r
        ),
    ),
    "lawyer_order": (forms.LawyerOrderForm, True, lambda c, d, a, r: lawyer_orders.apply(a, c, **d, request=r)),
    "reward": (forms.RewardApplyForm, True, lambda c, d, a, r: rewards.apply(a, c, **d, request=r)),
    "settlement": (
        forms.SettlementForm,
        False,
        lambda c, d, a, r: settlements.record_settlement(
            a, c, agreed_on=d["agreed_on"], instalments=d["instalments"], note=d["note"], request=r
        ),
    ),
    "settlement_resume": (
        forms.SettlementResumeForm,
        False,
        lambda c, d, a, r: settlements.resume_after_breach(a, c, note=d["note"], request=r),
    ),
    "transfer": (
        forms.TransferForm,
        True,
        lambda c, d, a, r: transfers.request_transfer(
            a, c, kind=d["kind"], to_court=d["to_court"], reason=d["reason"], legal_basis=d["legal_basis"], request=r
        ),
    ),
}


POLICY = {
    "assign": "case.assign",
    "transition": "case.transition",
    "suspend": "case.suspend",
    "resume": "case.resume",
    "close": "case.close.request",
    "extend": "case.extend.request",
    "resume_terminated": "case.resume_terminated",
    "notice": "case.notice",
    "receipt": "money.receipt",
    "payout": "money.payout.request",
    "measure": "measure.impose",
    "follow_up": "ledger.plan",
    "facts": "case.debtor_facts",
    "ledger": "ledger.plan",
    "ledger_action": "ledger.plan",
    "settlement": "case.suspend",
    "settlement_resume": "case.resume",
    "transfer": "case.transfer.request",
    "lawyer_order": "lawyer_order.apply",
    "reward": "reward.apply",
}
REQUESTS = {"close", "extend", "payout"}  # four-eyes: these create an approval request (cases.approvals)


def _form(name, case, user, data=None):
    form_class, scoped, _handler = ACTIONS[name]
    kwargs = {"case": case, "user": user} if scoped else {}
    return form_class(data, prefix=name, **kwargs)


def _parties(case, user, request):
    """Parties with personal data masked unless the role needs it; an unmasked view is audited."""
    unmasked = sees_personal_data(user)
    rows = []
    for cp in CaseParty.objects.filter(case=case).select_related("party").order_by("role", "id"):
        p = cp.party
        rows.append(
            {
                "role": cp.get_role_display(),
                "name": p.name,
                "kind": p.get_kind_display(),
                "id_number": p.id_number if unmasked else mask_id_number(p.id_number),
                # this case's own contacts (entered by its court), never another court's entry for the party
                "phone": cp.phone if unmasked else mask_phone(cp.phone),
                "address": cp.address if unmasked else mask_address(cp.address),
            }
        )
    if unmasked and rows:
        audit(user, "personal_data.read", case, court=case.court, request=request, details={"page": "case_detail"})
    return rows


def _auction_items(case, bound=None):
    """The case's auction items, each with the form its next step needs (list a round / record the pending one's
    result); `bound` = (("round", item id) or ("conclude", round id), form) keeps a refused form with its errors."""
    items = list(AuctionItem.objects.filter(case=case).prefetch_related("rounds"))
    open_case = case.status != CaseStatus.CLOSED
    for item in items:
        rounds = list(item.rounds.all())
        item.pending_round = next((r for r in rounds if r.outcome == AuctionOutcome.PENDING), None)
        item.round_form = item.conclude_form = None
        if open_case and item.status in auctions.RELISTABLE and item.pending_round is None:
            item.round_form = (
                bound[1]
                if bound and bound[0] == ("round", item.pk)
                else forms.AuctionRoundForm(prefix=f"round{item.pk}")
            )
        if item.pending_round is not None:
            key = ("conclude", item.pending_round.pk)
            item.conclude_form = (
                bound[1]
                if bound and bound[0] == key
                else forms.AuctionConcludeForm(prefix=f"conclude{item.pending_round.pk}")
            )
    return items


def _ledger_open(case):
    entry = getattr(case, "long_pending", None)
    return entry is not None and entry.status == LedgerStatus.OPEN


def _measures(case, error=None):
    """The case's measures, each active one with the states it may end in (cases.measures.END_STATES) and, after a
    refused step, the reason (`error` = (measure id, message))."""
    rows = list(case.measures.select_related("party", "reward_notice").order_by("-decided_on", "-id"))
    for m in rows:
        m.end_choices = (
            [(s, MeasureStatus(s).label) for s in sorted(measures.END_STATES.get(m.kind, ()))]
            if m.status == MeasureStatus.ACTIVE and not hasattr(m, "reward_notice")  # ends with its notice
            else []
        )
        m.extendable = m.kind == MeasureKind.DISHONEST and m.status == MeasureStatus.ACTIVE and m.ends_on is not None
        m.error = error[1] if error and error[0] == m.pk else ""
    return rows


def _render_case(request, case, bound=None, status=200, auction_bound=None, measure_error=None):
    user = request.user
    allowed = services.allowed_transitions(case)
    open_case = case.status != CaseStatus.CLOSED
    available = {
        "assign": allowed["assign"],
        "transition": bool(allowed["transition"]),
        "suspend": allowed["suspend"],
        "resume": allowed["resume"],
        "close": bool(allowed["close"]),
        "extend": open_case,
        "resume_terminated": allowed["resume_terminated"],
        "notice": open_case,
        "receipt": open_case,
        "payout": open_case and case.recovered_amount > 0,
        "measure": open_case,
        "follow_up": hasattr(case, "long_pending"),
        "facts": open_case,
        "lawyer_order": open_case and policy.may(user, "lawyer_order.apply", case),
        "reward": open_case,
        "ledger": _ledger_open(case),
        "ledger_action": _ledger_open(case),
        "settlement": allowed["suspend"],
        "settlement_resume": case.settlements.filter(status=SettlementStatus.BREACHED).exists(),
        "transfer": open_case and policy.may(user, "case.transfer.request", case),
    }
    # Only the forms the policy lets this user use on this case now (the service asks again on submit).
    available = {name: ok and may(user, POLICY[name], case) for name, ok in available.items()}
    if bound is not None:
        available[bound.prefix] = True  # the refused form stays on the page, with its reason
    action_forms = {
        name: (bound if bound is not None and bound.prefix == name else _form(name, case, user))
        for name, ok in available.items()
        if ok
    }
    if "transition" in action_forms and allowed["transition"]:
        action_forms["transition"].fields["to"].choices = [(s, CaseStatus(s).label) for s in allowed["transition"]]
    if "close" in action_forms and allowed["close"]:
        action_forms["close"].fields["closure_type"].choices = [(t, ClosureType(t).label) for t in allowed["close"]]
    context = {
        "case": case,
        "parties": _parties(case, user, request),
        "deadline_state": services.deadline_state(case),
        "events": case.events.order_by("-at", "-id")[:200],
        "money": case.money_entries.select_related("payee").order_by("-occurred_at"),
        "measures": _measures(case, measure_error),
        "auction_items": _auction_items(case, auction_bound),
        "conditions": closure.terminate_conditions(case) if open_case else None,
        "requeries": case.requeries.all(),
        "ledger": getattr(case, "long_pending", None),
        "suspensions": case.suspensions.all(),
        "extensions": case.extensions.select_related("approved_by"),
        "documents": case.documents.order_by("issued_at", "id") if may(user, "document.read", case) else None,
        "approvals": case.approval_requests.select_related("requested_by", "decided_by").order_by("-requested_at")[:20],
        "may_read_money": may(user, "money.read", case),
        "action_forms": action_forms,
        "transfers": case.transfers.select_related("from_court", "to_court").order_by("requested_at", "id"),
        "lawyer_orders": case.lawyer_orders.select_related("applicant").order_by("-applied_at"),
        "may_decide_lawyer_orders": policy.may(user, "lawyer_order.decide", case),
        "reward_notices": case.reward_notices.select_related("applicant").order_by("-applied_at", "-id"),
        "settlement_plans": [(p, settlements.schedule(p)) for p in case.settlements.order_by("-agreed_on", "-id")],
        "panels": _panels(case, request),
    }
    return render(request, "cases/case_detail.html", context, status=status)


def _panels(case, request):
    """Higher apps' panels (cases.panels), each rendered with its own context keys at top level. A failing panel
    is logged and replaced by a notice, so the case page itself always renders."""
    out = []
    for template_name, context_function in list(panels.PANELS):
        try:
            context = dict(context_function(case, request) or {}, case=case)
            out.append(render_to_string(template_name, context, request=request))
        except Exception:  # isolating a higher app's bug from the case page, whatever it raised
            logger.exception("case panel %s failed for case %s", template_name, case.pk)
            out.append(format_html('<section class="card muted">{}</section>', _("扩展面板暂不可用")))
    return out


def _visible_case(request, pk):
    qs = Case.objects.visible_to(request.user).select_related(
        "court", "assigned_judge", "responsible_officer", "leading_official"
    )
    return get_object_or_404(qs.prefetch_related(Prefetch("case_parties")), pk=pk)


@requires("case.read")
def case_detail(request, pk):
    return _render_case(request, _visible_case(request, pk))


@requires("case.read")  # each action name is its own rule (POLICY), asked below once the case is loaded
@require_POST
def case_action(request, pk, name):
    case = _visible_case(request, pk)
    if name not in ACTIONS:
        return _render_case(request, case, status=404)
    require(request.user, POLICY[name], case)
    form = _form(name, case, request.user, request.POST)
    if not form.is_valid():
        return _render_case(request, case, bound=form, status=400)
    try:
        result = ACTIONS[name][2](case, dict(form.cleaned_data), request.user, request)
    except DomainError as exc:
        form.add_error(None, str(exc.message))
        return _render_case(request, case, bound=form, status=exc.status)
    messages.success(request, _("已提交审批，经审批后生效（双人审批）") if name in REQUESTS else _("操作已完成"))
    if isinstance(result, Case) and result.pk != case.pk:  # resuming a 终本 case opens the new 执恢 case
        return redirect("cases:case-detail", pk=result.pk)
    if isinstance(result, RewardNotice):  # the application's own page: the advance and the decision come next
        return redirect("cases:reward-detail", pk=case.pk, notice_id=result.pk)
    return redirect("cases:case-detail", pk=case.pk)


@requires("auction.manage", model=Case)
@require_POST
def auction_round(request, pk, item_id):
    """上拍: list the item's (next) round; a refused round (网拍规定) is shown next to its form."""
    case = _visible_case(request, pk)
    item = get_object_or_404(AuctionItem.objects.filter(case=case), pk=item_id)
    form = forms.AuctionRoundForm(request.POST, prefix=f"round{item.pk}")
    if form.is_valid():
        try:
            auctions.list_round(item, **form.cleaned_data, actor=request.user, request=request)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
            return _render_case(request, case, status=exc.status, auction_bound=(("round", item.pk), form))
        messages.success(request, _("已上拍"))
        return redirect(reverse("cases:case-detail", args=[case.pk]) + "#auctions")
    return _render_case(request, case, status=400, auction_bound=(("round", item.pk), form))


@requires("auction.manage", model=Case)
@require_POST
def auction_conclude(request, pk, round_id):
    """Record a round's result (sold books the deal price and releases the seal; withdrawn keeps it)."""
    case = _visible_case(request, pk)
    rnd = get_object_or_404(AuctionRound.objects.filter(item__case=case), pk=round_id)
    form = forms.AuctionConcludeForm(request.POST, prefix=f"conclude{rnd.pk}")
    if form.is_valid():
        try:
            auctions.conclude_round(
                rnd,
                form.cleaned_data["outcome"],
                deal_price=form.cleaned_data["deal_price"],
                actor=request.user,
                request=request,
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
            return _render_case(request, case, status=exc.status, auction_bound=(("conclude", rnd.pk), form))
        messages.success(request, _("已登记拍卖结果"))
        return redirect(reverse("cases:case-detail", args=[case.pk]) + "#auctions")
    return _render_case(request, case, status=400, auction_bound=(("conclude", rnd.pk), form))


# --- Transfers between courts (提级 / 指定 / 委托执行) ------------------------------------------------------------


@requires("case.read")
def transfer_list(request):
    """Transfers seen from either end: pending ones first (the receiving court's approver decides them here)."""
    rows = (
        CaseTransfer.objects.visible_to(request.user)
        .select_related("case", "from_court", "to_court")
        .order_by("status", "-requested_at", "-id")[:200]
    )
    return render(request, "cases/transfer_list.html", {"transfers": rows})


def _transfer_page(request, transfer, form=None, status=200):
    return render(
        request,
        "cases/transfer_detail.html",
        {
            "transfer": transfer,
            "form": form or forms.TransferDecisionForm(),
            "may_decide": policy.may(request.user, "case.transfer.decide", transfer),
            "blockers": transfers.blockers(transfer.case) if transfer.status == "pending" else [],
        },
        status=status,
    )


@requires("case.read")
def transfer_detail(request, pk):
    transfer = get_object_or_404(
        CaseTransfer.objects.visible_to(request.user).select_related("case", "from_court", "to_court"), pk=pk
    )
    if request.method != "POST":
        return _transfer_page(request, transfer)
    form = forms.TransferDecisionForm(request.POST)
    decision = request.POST.get("decision")
    if not form.is_valid() or decision not in ("approve", "reject"):
        return _transfer_page(request, transfer, form, status=400)
    try:
        if decision == "approve":
            case = transfers.approve_transfer(request.user, transfer, note=form.cleaned_data["note"], request=request)
            messages.success(request, _("已接收移送，案件现由本院执行"))
            return redirect("cases:case-detail", pk=case.pk)
        transfers.reject_transfer(request.user, transfer, note=form.cleaned_data["note"], request=request)
    except DomainError as exc:
        form.add_error(None, str(exc.message))
        return _transfer_page(request, transfer, form, status=exc.status)
    messages.success(request, _("已驳回移送申请"))
    return redirect("cases:transfer-detail", pk=transfer.pk)


@requires("measure.end", model=Case)
@require_POST
def measure_step(request, pk, measure_id, step):
    """End a measure (lift, revoke, complete) or extend a dishonest listing; a refusal is shown in its row."""
    case = _visible_case(request, pk)
    measure = get_object_or_404(Measure.objects.filter(case=case), pk=measure_id)
    try:
        if step == "end":
            measures.end_measure(
                measure,
                request.POST.get("to_status", ""),
                note=request.POST.get("note", "")[:200],
                actor=request.user,
                request=request,
            )
        elif step == "extend":
            try:
                years = int(request.POST.get("years", ""))
            except ValueError:
                return _render_case(
                    request, case, status=400, measure_error=(measure.pk, _("请填写延长年数 (years required)"))
                )
            measures.extend_dishonest(measure, years, actor=request.user, request=request)
        else:
            return _render_case(request, case, status=404)
    except DomainError as exc:
        return _render_case(request, case, status=exc.status, measure_error=(measure.pk, str(exc.message)))
    messages.success(request, _("操作已完成"))
    return redirect(reverse("cases:case-detail", args=[case.pk]) + "#measures")


@requires("ledger.plan", model=Case)
@require_POST
def ledger_action_done(request, pk, action_id):
    """Mark a 一清二查三防 item done (its overdue alert goes away)."""
    case = _visible_case(request, pk)
    action = get_object_or_404(LongPendingAction.objects.filter(entry__case=case), pk=action_id)
    try:
        supervision.complete_action(action, actor=request.user, request=request)
    except DomainError as exc:
        reraise_refusal(exc)
        messages.error(request, str(exc.message))
        return redirect(reverse("cases:case-detail", args=[case.pk]) + "#ledger")
    messages.success(request, _("操作已完成"))
    return redirect(reverse("cases:case-detail", args=[case.pk]) + "#ledger")


@requires("case.read", model=Case)
@require_POST
def lawyer_order_step(request, pk, app_id, step):
    """Approve / reject a lawyer investigation order, or record its return with the findings."""
    case = _visible_case(request, pk)
    app = get_object_or_404(LawyerOrderApplication.objects.filter(case=case), pk=app_id)
    try:
        if step == "approve":
            lawyer_orders.approve(
                request.user,
                app,
                valid_days=request.POST.get("valid_days") or lawyer_orders.MAX_VALID_DAYS,
                note=request.POST.get("note", ""),
                request=request,
            )
        elif step == "reject":
            lawyer_orders.reject(request.user, app, note=request.POST.get("note", ""), request=request)
        elif step == "return":
            lawyer_orders.record_return(
                request.user,
                app,
                findings=request.POST.get("findings", ""),
                found_assets=bool(request.POST.get("found_assets")),
                request=request,
            )
        else:
            return _render_case(request, case, status=404)
    except (DomainError, ValueError) as exc:
        messages.error(request, str(getattr(exc, "message", exc)))
        return redirect(reverse("cases:case-detail", args=[case.pk]) + "#lawyer-orders")
    messages.success(request, _("操作已完成"))
    return redirect(reverse("cases:case-detail", args=[case.pk]) + "#lawyer-orders")


DECISIONS = {"approve": "approval.decide", "reject": "approval.decide", "withdraw": "approval.withdraw"}


@requires("approval.read", model=ApprovalRequest)
@require_POST
def approval_decide(request, pk, decision):
    """Approve, reject (with a reason) or withdraw a payout / closure / extension request from the approval queue."""
    if decision not in DECISIONS:
        raise Http404
    approval = get_object_or_404(ApprovalRequest.objects.visible_to(request.user), pk=pk)
    require(request.user, DECISIONS[decision], approval)
    note = request.POST.get("note", "").strip()[:200]
    try:
        if decision == "approve":
            approvals.approve(request.user, approval, note=note, request=request)
            messages.success(request, _("已批准并生效"))
        elif decision == "reject":
            approvals.reject(request.user, approval, note=note, request=request)
            messages.success(request, _("已驳回"))
        else:
            approvals.withdraw(request.user, approval, request=request)
            messages.success(request, _("已撤回"))
    except DomainError as exc:
        reraise_refusal(exc)
        messages.error(request, str(exc.message))
    following = request.POST.get("next", "")
    if following.startswith("/") and url_has_allowed_host_and_scheme(following, allowed_hosts={request.get_host()}):
        return redirect(following)
    return redirect("cases:case-detail", pk=approval.case_id)
