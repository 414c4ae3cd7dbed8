from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from execcenter.money import MoneyFormField
from querycontrol.choices import QUERY_PURPOSES, InstitutionKind


class QueryStartForm(forms.Form):
    purpose = forms.CharField(
        label=_("查询事由"),
        max_length=200,
        initial=_("执行财产调查"),
        widget=forms.TextInput(attrs={"list": "query-purposes"}),
        help_text=_("从列表选择，可补充具体事由"),
    )
    purposes = QUERY_PURPOSES  # the template's <datalist>
    institution_kinds = forms.MultipleChoiceField(
        label=_("查询机构类别（不选为全部）"),
        choices=InstitutionKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class OrderForm(forms.Form):
    amount = MoneyFormField(label=_("金额（元）"), allow_zero=True, required=False)
    term_days = forms.IntegerField(label=_("期限（天）"), min_value=1, required=False)
    submit_now = forms.BooleanField(label=_("直接提交审批"), initial=True, required=False)


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("审批意见"), max_length=200, required=False)


class AuctionItemForm(forms.Form):
    """转入司法拍卖: the sealed asset becomes an auction item (querycontrol.services.auctions.item_from_control)."""

    name = forms.CharField(label=_("拍品名称"), max_length=128)
    appraisal_value = forms.DecimalField(
        label=_("评估价（元）"), max_digits=16, decimal_places=2, min_value=Decimal("0.01")
    )
    appraised_on = forms.DateField(
        label=_("评估日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
