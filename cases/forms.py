"""Forms of the case page: each validates its fields server-side; the rules themselves are the services'."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from execcenter.choices import Role
from execcenter.models import Court, Officer
from execcenter.money import MoneyFormField

from .choices import (
    AuctionOutcome,
    CaseStatus,
    ClosureType,
    DishonestGround,
    LedgerStep,
    MeasureKind,
    PartyRole,
    ReceiptSource,
    SuspensionKind,
    TransferKind,
)
from .models import Party

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # ISO: a type=date input shows nothing else


class AssignForm(forms.Form):
    judge = forms.ModelChoiceField(queryset=Officer.objects.none(), label=_("承办法官"))

    def __init__(self, *args, case, user, **kw):
        super().__init__(*args, **kw)
        # The case's own court or a court above it (cases.services._check_can_handle says the same).
        courts = [c.pk for c in Court.objects.all() if case.court.code.startswith(c.code)]
        officers = Officer.objects.filter(court__in=courts).order_by("name")
        self.fields["judge"].queryset = officers.filter(
            pk__in=[o.pk for o in officers if o.has_role(Role.JUDGE, Role.OFFICER)]
        )


class TransitionForm(forms.Form):
    to = forms.ChoiceField(
        label=_("变更为"),
        choices=[
            (s, CaseStatus(s).label) for s in (CaseStatus.INVESTIGATING, CaseStatus.CONTROLLING, CaseStatus.DISPOSING)
        ],
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=200)


class SuspendForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=SuspensionKind.choices)
    reason = forms.CharField(label=_("原因"), max_length=200)


class ResumeForm(forms.Form):
    note = forms.CharField(label=_("说明"), required=False, max_length=200)


class CloseForm(forms.Form):
    closure_type = forms.ChoiceField(label=_("结案方式"), choices=ClosureType.choices)
    note = forms.CharField(label=_("说明"), required=False, max_length=200)


class ExtendForm(forms.Form):
    """A request to extend the statutory deadline; the court's 院长 decides (cases.approvals)."""

    days = forms.IntegerField(label=_("延长天数"), min_value=1, max_value=180)
    reason = forms.CharField(label=_("延长理由"), max_length=200)


class ResumeTerminatedForm(forms.Form):
    reason = forms.CharField(label=_("恢复执行理由"), max_length=200)


class NoticeForm(forms.Form):
    sent_on = forms.DateField(label=_("执行通知送达日期"), widget=DATE)


class ReceiptForm(forms.Form):
    amount = MoneyFormField(label=_("金额（元）"))
    source = forms.ChoiceField(
        label=_("来源"), choices=[c for c in ReceiptSource.choices if c[0] != ReceiptSource.PAYOUT]
    )
    note = forms.CharField(label=_("备注"), required=False, max_length=200)


class PayoutForm(forms.Form):
    amount = MoneyFormField(label=_("金额（元）"))
    payee = forms.ModelChoiceField(queryset=Party.objects.none(), label=_("收款人"))
    note = forms.CharField(label=_("备注"), required=False, max_length=200)

    def __init__(self, *args, case, user, **kw):
        super().__init__(*args, **kw)
        self.fields["payee"].queryset = Party.objects.filter(
            case_parties__case=case, case_parties__role=PartyRole.APPLICANT
        )


class MeasureForm(forms.Form):
    # A reward notice is applied for and published through its own workflow (cases.rewards), not imposed here.
    kind = forms.ChoiceField(
        label=_("措施"), choices=[c for c in MeasureKind.choices if c[0] != MeasureKind.REWARD_NOTICE]
    )
    party = forms.ModelChoiceField(queryset=Party.objects.none(), label=_("被执行人"), required=False)
    legal_ground = forms.ChoiceField(
        label=_("失信情形"), choices=[("", "—")] + list(DishonestGround.choices), required=False
    )
    ends_on = forms.DateField(label=_("期限/有效期至"), required=False, widget=DATE)
    amount = MoneyFormField(label=_("金额（罚款/悬赏）"), required=False)
    days = forms.IntegerField(label=_("拘留天数"), min_value=1, max_value=15, required=False)
    holder = forms.CharField(label=_("持令律师"), max_length=64, required=False)
    document_no = forms.CharField(label=_("决定书文号"), max_length=64, required=False)

    def __init__(self, *args, case, user, **kw):
        super().__init__(*args, **kw)
        self.fields["party"].queryset = Party.objects.filter(
            case_parties__case=case, case_parties__role=PartyRole.RESPONDENT
        )


class FollowUpForm(forms.Form):
    note = forms.CharField(label=_("督办情况"), widget=forms.Textarea(attrs={"rows": 2}))


DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class AuctionRoundForm(forms.Form):
    """上拍 / 再次拍卖: the 网拍规定 rules (start price, notice, deposit, bidding time) are cases.auctions.check_round's."""

    start_price = forms.DecimalField(
        label=_("起拍价（元）"), max_digits=16, decimal_places=2, min_value=Decimal("0.01")
    )
    deposit = forms.DecimalField(label=_("保证金（元）"), max_digits=16, decimal_places=2, min_value=Decimal("0.01"))
    announced_on = forms.DateField(label=_("公告日期"), widget=DATE)
    starts_at = forms.DateTimeField(
        label=_("竞价开始"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    ends_at = forms.DateTimeField(
        label=_("竞价结束"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("竞价结束应晚于开始 (bidding must end after it starts)"))
        return data


class AuctionConcludeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("结果"), choices=[c for c in AuctionOutcome.choices if c[0] != AuctionOutcome.PENDING]
    )
    deal_price = forms.DecimalField(
        label=_("成交价（元）"), max_digits=16, decimal_places=2, min_value=Decimal("0.01"), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == AuctionOutcome.SOLD and not data.get("deal_price"):
            self.add_error("deal_price", _("成交须填写成交价 (a sale needs its deal price)"))
        return data


class TransferForm(forms.Form):
    """提级 / 指定 / 委托执行 request (cases.transfers: the court rules of each kind are checked there)."""

    kind = forms.ChoiceField(label=_("移送类型"), choices=TransferKind.choices)
    to_court = forms.ModelChoiceField(label=_("接收法院"), queryset=Court.objects.none())
    legal_basis = forms.CharField(label=_("法律依据（不填按移送类型的规定）"), max_length=200, required=False)
    reason = forms.CharField(label=_("移送理由"), max_length=200)

    def __init__(self, *args, case, user, **kw):
        super().__init__(*args, **kw)
        self.fields["to_court"].queryset = Court.objects.exclude(pk=case.court_id).order_by("code")


class TransferDecisionForm(forms.Form):
    note = forms.CharField(label=_("审批意见"), max_length=200, required=False)


class DebtorFactsForm(forms.Form):
    """Facts about the respondent (失信 eligibility, 终本 condition 5), shown as they stand on the case."""

    dishonest_eligible = forms.BooleanField(label=_("符合纳入失信名单条件"), required=False)
    whereabouts_unknown = forms.BooleanField(label=_("被执行人下落不明"), required=False)
    searched_on = forms.DateField(label=_("已依法查找日期"), required=False, widget=DATE)
    obstructed = forms.BooleanField(label=_("存在妨害执行行为"), required=False)

    def __init__(self, *args, case, user, **kw):
        kw.setdefault(
            "initial",
            {
                "dishonest_eligible": case.dishonest_eligible,
                "whereabouts_unknown": case.debtor_whereabouts_unknown,
                "searched_on": case.debtor_searched_on,
                "obstructed": case.debtor_obstructed,
            },
        )
        super().__init__(*args, **kw)

    def clean(self):
        data = super().clean()
        if data.get("searched_on") and data["searched_on"] > timezone.localdate():
            self.add_error("searched_on", _("查找日期不能晚于今天 (date in the future)"))
        return data


class SettlementForm(forms.Form):
    """执行和解（分期履行）: one instalment per line, "2025-07-01 100000" (cases.settlements checks the plan)."""

    agreed_on = forms.DateField(label=_("和解日期"), widget=DATE)
    instalments = forms.CharField(label=_("履行计划（每行：日期 金额）"), widget=forms.Textarea(attrs={"rows": 4}))
    note = forms.CharField(label=_("协议要点"), max_length=200, required=False)

    def clean_instalments(self):
        import datetime as dt
        from decimal import InvalidOperation

        from execcenter.identifiers import fold

        rows = []
        for n, line in enumerate(self.cleaned_data["instalments"].splitlines(), start=1):
            parts = line.replace(",", " ").replace("，", " ").split()
            if not parts:
                continue
            try:
                due = dt.date.fromisoformat(fold(parts[0]))
                amount = Decimal(fold(parts[1]).replace("元", ""))
            except (IndexError, ValueError, InvalidOperation):
                raise forms.ValidationError(
                    _("第%(n)s行格式应为“2025-07-01 100000” (line %(n)s: date amount)") % {"n": n}
                ) from None
            rows.append((due, amount))
        if not rows:
            raise forms.ValidationError(_("请至少填写一期履行计划 (at least one instalment)"))
        return rows


class SettlementResumeForm(forms.Form):
    note = forms.CharField(label=_("申请执行人的申请"), max_length=200)


class LedgerForm(forms.Form):
    """一清: who answers for the long-pending case, who leads it, why it is stuck and the plan."""

    cause = forms.CharField(label=_("未结原因"), max_length=200)
    plan = forms.CharField(label=_("化解计划"), widget=forms.Textarea(attrs={"rows": 2}))
    responsible_officer = forms.ModelChoiceField(queryset=Officer.objects.none(), label=_("责任人"))
    leading_official = forms.ModelChoiceField(queryset=Officer.objects.none(), label=_("包案领导"))

    def __init__(self, *args, case, user, **kw):
        entry = getattr(case, "long_pending", None)
        if entry is not None:
            kw.setdefault(
                "initial",
                {
                    "cause": entry.cause,
                    "plan": entry.plan,
                    "responsible_officer": entry.responsible_officer_id,
                    "leading_official": entry.leading_official_id,
                },
            )
        super().__init__(*args, **kw)
        courts = [c.pk for c in Court.objects.all() if case.court.code.startswith(c.code)]
        officers = Officer.objects.filter(court__in=courts).order_by("name")
        self.fields["responsible_officer"].queryset = officers
        self.fields["leading_official"].queryset = officers.filter(
            pk__in=[o.pk for o in officers if o.has_role(Role.APPROVER, Role.PRESIDENT, Role.DIRECTOR)]
        )


class LedgerActionForm(forms.Form):
    """二查 findings and 三防 follow-ups (with their due date) on the ledger entry."""

    step = forms.ChoiceField(label=_("环节"), choices=LedgerStep.choices)
    text = forms.CharField(label=_("内容"), max_length=200)
    due_on = forms.DateField(label=_("完成期限（三防必填）"), required=False, widget=DATE)


class LawyerOrderForm(forms.Form):
    """律师调查令申请, recorded for the applicant's lawyer (cases.lawyer_orders.apply)."""

    applicant = forms.ModelChoiceField(queryset=Party.objects.none(), label=_("申请执行人"))
    lawyer_name = forms.CharField(label=_("律师姓名"), max_length=64)
    licence_no = forms.CharField(label=_("律师执业证号"), max_length=32)
    law_firm = forms.CharField(label=_("律师事务所"), max_length=128)
    targets = forms.CharField(label=_("调查对象及事项"), max_length=200)
    reason = forms.CharField(label=_("申请理由"), max_length=200)

    def __init__(self, *args, case, user, **kw):
        super().__init__(*args, **kw)
        self.fields["applicant"].queryset = Party.objects.filter(
            case_parties__case=case, case_parties__role=PartyRole.APPLICANT
        )


class RewardApplyForm(forms.Form):
    """悬赏申请 (《最高人民法院关于民事执行中财产调查若干问题的规定》Art. 21), recorded for an applicant of the case
    (cases.rewards.apply)."""

    applicant = forms.ModelChoiceField(queryset=Party.objects.none(), label=_("申请执行人"))
    reward_amount = MoneyFormField(label=_("悬赏金额（元）"))
    property_sought = forms.CharField(label=_("悬赏查找的财产"), max_length=200)
    channels = forms.CharField(
        label=_("发布方式"), max_length=200, initial=_("全国法院执行悬赏公告平台、本院微信公众号")
    )

    def __init__(self, *args, case, user, **kw):
        super().__init__(*args, **kw)
        self.fields["applicant"].queryset = Party.objects.filter(
            case_parties__case=case, case_parties__role=PartyRole.APPLICANT
        )
