"""Browser pages for money that arrives: the bank statement import and matching unclaimed money (不明款).

Thin: the rules are in cases.statements and cases.money. A refused file is shown again with one error per
bad line next to the form (status 400), and nothing was imported.
"""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from execcenter.exceptions import DomainError
from execcenter.identifiers import normalise_case_number
from execcenter.models import Court
from execcenter.policy_http import requires
from execcenter.scope import court_ids_for, officer_of

from . import money, statements
from .models import BankStatementImport, Case, UnclaimedReceipt


class StatementForm(forms.Form):
    court = forms.ModelChoiceField(label=gettext_lazy("收款账户所属法院"), queryset=Court.objects.none())
    file = forms.FileField(label=gettext_lazy("对账单文件（CSV 或 XLSX：日期、金额、付款人、附言，可选流水号）"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        ids = court_ids_for(user)
        self.fields["court"].queryset = (
            Court.objects.order_by("code") if ids is None else Court.objects.filter(pk__in=ids).order_by("code")
        )
        officer = officer_of(user)
        if officer is not None:
            self.fields["court"].initial = officer.court_id

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > statements.MAX_BYTES:
            raise forms.ValidationError(
                _("文件超过 %(m)s MB (file too large)") % {"m": statements.MAX_BYTES // 1024 // 1024}
            )
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("只接受 .csv 或 .xlsx 文件 (CSV or XLSX only)"))
        return upload


class MatchForm(forms.Form):
    case_number = forms.CharField(label=gettext_lazy("案号"), max_length=40)

    def __init__(self, *args, user=None, receipt=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.receipt = user, receipt

    def clean_case_number(self):
        number = normalise_case_number(self.cleaned_data["case_number"])
        case = Case.objects.visible_to(self.user).by_number(number).first()
        if case is None:
            raise forms.ValidationError(_("未找到该案号的案件：%(n)s (no such case)") % {"n": number})
        self.case = case
        return number


def _statement_page(request, form, status=200, rejected=None):
    imports = BankStatementImport.objects.visible_to(request.user).select_related("court")[:20]
    return render(
        request, "cases/statements.html", {"form": form, "imports": imports, "rejected": rejected}, status=status
    )


@requires("money.import_statement")
def statement_import(request):
    """GET: the upload form and the last imports; POST: import (→ the import's line report) or the refusal."""
    if request.method != "POST":
        return _statement_page(request, StatementForm(user=request.user))
    form = StatementForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return _statement_page(request, form, status=400)
    upload = form.cleaned_data["file"]
    try:
        run = statements.import_statement(
            request.user, form.cleaned_data["court"], upload.read(), upload.name, request=request
        )
    except DomainError as exc:
        form.add_error(None, str(exc.message))
        return _statement_page(request, form, status=exc.status, rejected=exc.details.get("lines"))
    messages.success(
        request,
        _("对账单已导入：入账 %(b)s 笔，不明款 %(p)s 笔，重复 %(d)s 笔")
        % {"b": run.booked, "p": run.parked, "d": run.duplicates},
    )
    return redirect("cases:statement-detail", pk=run.pk)


@requires("money.read", model=BankStatementImport)
def statement_detail(request, pk):
    run = get_object_or_404(BankStatementImport.objects.visible_to(request.user).select_related("court"), pk=pk)
    return render(request, "cases/statement_detail.html", {"run": run})


def _unclaimed_page(request, bound=None, status=200):
    qs = (
        money.unclaimed(UnclaimedReceipt.objects.visible_to(request.user))
        .select_related("court")
        .order_by("received_at", "id")
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [
        (r, bound if bound is not None and bound.receipt.pk == r.pk else MatchForm(prefix=f"m{r.pk}")) for r in page
    ]
    return render(request, "cases/unclaimed.html", {"page": page, "rows": rows}, status=status)


@requires("money.read")
def unclaimed_list(request):
    """Unclaimed money of the courts in scope, oldest first, each with a form to match it to a case."""
    if request.method != "POST":
        return _unclaimed_page(request)
    receipt = get_object_or_404(UnclaimedReceipt.objects.visible_to(request.user), pk=request.POST.get("receipt"))
    form = MatchForm(request.POST, prefix=f"m{receipt.pk}", user=request.user, receipt=receipt)
    if not form.is_valid():
        return _unclaimed_page(request, bound=form, status=400)
    try:
        money.match_unclaimed(receipt, form.case, actor=request.user, request=request)
    except DomainError as exc:
        form.add_error("case_number", str(exc.message))
        return _unclaimed_page(request, bound=form, status=exc.status)
    messages.success(request, _("已认领到 %(n)s") % {"n": form.case.number})
    return redirect("cases:unclaimed")
