"""Browser pages for reward notices (悬赏公告): one page per notice with the forms its state and the reader's role
allow (advance, publish or refuse, register a lead, check it, propose / approve / refuse its reward, close with the
refund). Thin: the rules are in cases.rewards. A refused step renders the page again with the reason next to its
form (400 for bad input, 403 / 409 from the policy or the state) and nothing changed.

The application itself is a case-page action (cases.views ACTIONS["reward"], form RewardApplyForm).
"""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from execcenter.exceptions import DomainError
from execcenter.masking import mask_id_number, mask_name, mask_phone
from execcenter.money import MoneyFormField
from execcenter.policy import may
from execcenter.policy_http import requires
from execcenter.services import audit

from . import rewards
from .api.personal_data import sees_personal_data
from .choices import LeadChannel
from .choices import RewardLeadStatus as L
from .document_views import read_action
from .models import Case, RewardLead, RewardNotice
from .models.documents import DocumentKind

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class AdvanceForm(forms.Form):
    amount = MoneyFormField(label=gettext_lazy("预交金额（元）"))
    reference = forms.CharField(label=gettext_lazy("银行流水号"), max_length=60)
    received_on = forms.DateField(label=gettext_lazy("到账日期"), required=False, widget=DATE)


class DecisionForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("审批意见（不予准许须填写理由）"), max_length=200, required=False)


class LeadForm(forms.Form):
    informant_name = forms.CharField(label=gettext_lazy("线索提供人"), max_length=64)
    informant_id_number = forms.CharField(label=gettext_lazy("提供人身份证号"), max_length=24)
    informant_phone = forms.CharField(label=gettext_lazy("提供人电话"), max_length=24)
    channel = forms.ChoiceField(label=gettext_lazy("来源渠道"), choices=LeadChannel.choices)
    received_at = forms.DateTimeField(
        label=gettext_lazy("提供时间（默认现在）"), required=False, widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"]
    )
    content = forms.CharField(label=gettext_lazy("线索内容"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    duplicate_of = forms.ModelChoiceField(
        label=gettext_lazy("与先登记的线索相同（可选）"), queryset=RewardLead.objects.none(), required=False
    )
    agent_or_obliged = forms.BooleanField(
        label=gettext_lazy("提供人是申请执行人的代理人或有义务报告财产的人员"), required=False
    )

    def __init__(self, *args, notice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duplicate_of"].queryset = RewardLead.objects.filter(notice=notice).order_by("seq")
        self.fields["duplicate_of"].label_from_instance = lambda lead: _("第%(s)s号线索") % {"s": lead.seq}


class CheckForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("核查结论"), choices=[(s, L(s).label) for s in rewards.CHECK_OUTCOMES]
    )
    note = forms.CharField(label=gettext_lazy("核查情况"), max_length=200)


class RewardRequestForm(forms.Form):
    amount = MoneyFormField(label=gettext_lazy("悬赏金（元）"))
    realised_amount = MoneyFormField(label=gettext_lazy("因该线索实现的债权（元）"))
    note = forms.CharField(label=gettext_lazy("说明"), max_length=200, required=False)


class CloseForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("结束说明"), max_length=200)


NOTICE_STEPS = {
    # step: (form, policy action shown under, handler(actor, notice, data, request))
    "advance": (
        AdvanceForm,
        "reward.apply",
        lambda a, n, d, r: rewards.record_advance(a, n, **d, request=r),
    ),
    "approve": (DecisionForm, "reward.decide", lambda a, n, d, r: rewards.approve(a, n, note=d["note"], request=r)),
    "reject": (DecisionForm, "reward.decide", lambda a, n, d, r: rewards.reject(a, n, note=d["note"], request=r)),
    "lead": (LeadForm, "reward.lead", lambda a, n, d, r: rewards.register_lead(a, n, **d, request=r)),
    "close": (CloseForm, "reward.close", lambda a, n, d, r: rewards.close(a, n, note=d["note"], request=r)),
}
LEAD_STEPS = {
    "check": (CheckForm, "reward.lead", lambda a, x, d, r: rewards.check_lead(a, x, **d, request=r)),
    "request": (
        RewardRequestForm,
        "reward.pay.request",
        lambda a, x, d, r: rewards.request_reward(a, x, **d, request=r),
    ),
    "approve": (
        DecisionForm,
        "reward.pay.approve",
        lambda a, x, d, r: rewards.approve_reward(a, x, note=d["note"], request=r),
    ),
    "refuse": (
        DecisionForm,
        "reward.pay.approve",
        lambda a, x, d, r: rewards.refuse_reward(a, x, note=d["note"], request=r),
    ),
}
# Which lead steps a row offers, by the lead's status (the policy then decides who sees them).
LEAD_STEPS_BY_STATUS = {L.RECEIVED: ("check",), L.CONFIRMED: ("request",), L.REWARD_REQUESTED: ("approve",)}


# Approving and refusing are one form with two buttons: both steps read the same fields.
SHARED = {"reject": "approve", "refuse": "approve"}


def _notice_form(step, notice, data=None):
    form_class = NOTICE_STEPS[step][0]
    kwargs = {"notice": notice} if form_class is LeadForm else {}
    return form_class(data, prefix=SHARED.get(step, step), **kwargs)


def _lead_form(step, lead, data=None):
    return LEAD_STEPS[step][0](data, prefix=f"{SHARED.get(step, step)}{lead.pk}")


def _leads(request, notice, bound):
    """The notice's leads in registration order, each with its forms; the informant masked unless the reader's
    role needs the identity (an unmasked page is audited)."""
    unmasked = sees_personal_data(request.user)
    rows = list(notice.leads.order_by("seq").select_related("duplicate_of"))
    for lead in rows:
        lead.shown_name = lead.informant_name if unmasked else mask_name(lead.informant_name)
        lead.shown_id = lead.informant_id_number if unmasked else mask_id_number(lead.informant_id_number)
        lead.shown_phone = lead.informant_phone if unmasked else mask_phone(lead.informant_phone)
        lead.forms = []
        if bound and bound[0][1] == lead.pk:
            lead.forms.append((bound[0][0], bound[1]))  # the refused form stays, with its reason
        for step in LEAD_STEPS_BY_STATUS.get(lead.status, ()):
            if (not bound or bound[0] != (step, lead.pk)) and may(request.user, LEAD_STEPS[step][1], lead):
                lead.forms.append((step, _lead_form(step, lead)))
    if unmasked and rows:
        audit(
            request.user,
            "personal_data.read",
            notice,
            court=notice.case.court,
            request=request,
            details={"page": "reward_notice", "leads": [x.pk for x in rows]},
        )
    return rows


def _page(request, notice, bound=None, status=200):
    """`bound` = (step or (step, lead id), form) keeps a refused form on the page with its errors."""
    user = request.user
    forms_shown = {}
    for step, (_form_class, action, _handler) in NOTICE_STEPS.items():
        if step not in SHARED and may(user, action, notice):
            forms_shown[step] = _notice_form(step, notice)
    if bound and isinstance(bound[0], str):
        forms_shown[SHARED.get(bound[0], bound[0])] = bound[1]  # the refused form stays, with its reason
    document = notice.case.documents.filter(
        kind=DocumentKind.REWARD_NOTICE, source_type="cases.rewardnotice", source_id=str(notice.pk)
    ).first()
    return render(
        request,
        "cases/reward_detail.html",
        {
            "notice": notice,
            "case": notice.case,
            "forms": forms_shown,
            "leads": _leads(request, notice, bound if bound and not isinstance(bound[0], str) else None)
            if may(user, "reward.lead.read", notice)
            else None,
            "entries": notice.entries.order_by("occurred_at", "id"),
            "may_read_money": may(user, "money.read", notice.case),
            "document": document if document is not None and may(user, read_action(document), document) else None,
            "today": timezone.localdate(),
        },
        status=status,
    )


def _notice(request, pk, notice_id):
    case = get_object_or_404(Case.objects.visible_to(request.user), pk=pk)
    return get_object_or_404(
        RewardNotice.objects.filter(case=case).select_related("case__court", "applicant"), pk=notice_id
    )


@requires("case.read", model=Case)
def reward_detail(request, pk, notice_id):
    return _page(request, _notice(request, pk, notice_id))


def _back(notice):
    return redirect(reverse("cases:reward-detail", args=[notice.case_id, notice.pk]))


@requires("case.read", model=Case)  # each step is its own rule (NOTICE_STEPS), asked by the service
@require_POST
def reward_step(request, pk, notice_id, step):
    notice = _notice(request, pk, notice_id)
    if step not in NOTICE_STEPS:
        return _page(request, notice, status=404)
    form = _notice_form(step, notice, request.POST)
    if not form.is_valid():
        return _page(request, notice, bound=(step, form), status=400)
    try:
        NOTICE_STEPS[step][2](request.user, notice, dict(form.cleaned_data), request)
    except DomainError as exc:
        form.add_error(None, str(exc.message))
        notice.refresh_from_db()
        return _page(request, notice, bound=(step, form), status=exc.status)
    messages.success(request, _("操作已完成"))
    return _back(notice)


@requires("case.read", model=Case)
@require_POST
def reward_lead_step(request, pk, lead_id, step):
    case = get_object_or_404(Case.objects.visible_to(request.user), pk=pk)
    lead = get_object_or_404(RewardLead.objects.filter(notice__case=case).select_related("notice"), pk=lead_id)
    notice = _notice(request, pk, lead.notice_id)
    if step not in LEAD_STEPS:
        return _page(request, notice, status=404)
    form = _lead_form(step, lead, request.POST)
    if not form.is_valid():
        return _page(request, notice, bound=((SHARED.get(step, step), lead.pk), form), status=400)
    try:
        LEAD_STEPS[step][2](request.user, lead, dict(form.cleaned_data), request)
    except DomainError as exc:
        form.add_error(None, str(exc.message))
        notice.refresh_from_db()
        return _page(request, notice, bound=((SHARED.get(step, step), lead.pk), form), status=exc.status)
    messages.success(request, _("已提交审批，经审批后生效（双人审批）") if step == "request" else _("操作已完成"))
    return _back(notice)
