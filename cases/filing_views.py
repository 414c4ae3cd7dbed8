"""Filing a case in the browser (立案) with party look-ups, thin over cases.services.file_case.

Validation is the service's: a refused filing comes back with each error next to its field (the party errors
name the party by position) and status 400; nothing is saved. The look-up answers whether a party with that ID
number or credit code is already on record, and its name, so that one real-world party stays one record.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from execcenter.exceptions import DomainError
from execcenter.identifiers import normalise_id_number
from execcenter.policy import require
from execcenter.policy_http import requires
from execcenter.scope import officer_of
from execcenter.services import audit

from .choices import CaseTag, PartyKind, PartyRole
from .models import Party
from .services import file_case

PARTY_ROWS = 4


def _require(request, action, record=None):
    """execcenter.policy.require for an HTML view: out of scope answers 404, not allowed 403 (never a 500)."""
    try:
        require(request.user, action, record)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(str(exc.message)) from None
        raise PermissionDenied(str(exc.message)) from None


class FilingForm(forms.Form):
    cause = forms.CharField(label=gettext_lazy("案由"), max_length=64)
    filed_on = forms.DateField(
        label=gettext_lazy("立案日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    claim_amount = forms.DecimalField(
        label=gettext_lazy("申请执行标的（元）"), max_digits=16, decimal_places=2, min_value=Decimal("0")
    )
    origin_body = forms.CharField(label=gettext_lazy("执行依据作出机关"), max_length=64, required=False)
    origin_document_no = forms.CharField(label=gettext_lazy("执行依据文号"), max_length=64, required=False)
    tags = forms.MultipleChoiceField(
        label=gettext_lazy("标签"), choices=CaseTag.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class PartyForm(forms.Form):
    role = forms.ChoiceField(
        label=gettext_lazy("诉讼地位"), choices=[("", "—")] + list(PartyRole.choices), required=False
    )
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=PartyKind.choices, required=False)
    id_number = forms.CharField(label=gettext_lazy("身份证号码/统一社会信用代码"), max_length=40, required=False)
    name = forms.CharField(label=gettext_lazy("名称"), max_length=128, required=False)
    phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=20, required=False)
    address = forms.CharField(label=gettext_lazy("地址"), max_length=200, required=False)


def _party_forms(data=None):
    initial = [{"role": PartyRole.APPLICANT}, {"role": PartyRole.RESPONDENT}]
    return [
        PartyForm(data, prefix=f"p{i}", initial=initial[i] if i < len(initial) and data is None else None)
        for i in range(PARTY_ROWS)
    ]


def _page(request, form, party_forms, status=200, party_errors=()):
    return render(
        request,
        "cases/case_new.html",
        {"form": form, "party_forms": party_forms, "party_errors": party_errors},
        status=status,
    )


@requires("case.file")
def case_new(request):
    """GET: the filing form (court: the officer's own); POST: file, then the new case's page."""
    officer = officer_of(request.user)
    _require(request, "case.file", officer.court if officer is not None else None)
    if officer is None:
        raise PermissionDenied(_("只有本院干警可以立案 (officers of a court file cases)"))
    if request.method != "POST":
        return _page(request, FilingForm(initial={"filed_on": timezone.localdate()}), _party_forms())
    form, party_forms = FilingForm(request.POST), _party_forms(request.POST)
    if not (form.is_valid() and all(p.is_valid() for p in party_forms)):
        return _page(request, form, party_forms, status=400)
    parties = [
        p.cleaned_data for p in party_forms if any((p.cleaned_data.get("name"), p.cleaned_data.get("id_number")))
    ]
    try:
        case = file_case(court=officer.court, actor=request.user, request=request, parties=parties, **form.cleaned_data)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        for field, messages in errors.items():
            if field in form.fields:
                for m in messages:
                    form.add_error(field, m)
        return _page(request, form, party_forms, status=400, party_errors=errors.get("parties", ()))
    except DomainError as exc:
        form.add_error(None, str(exc.message))
        return _page(request, form, party_forms, status=exc.status)
    return redirect("cases:case-detail", pk=case.pk)


@requires("personal_data.search")
def party_lookup(request):
    """GET ?id_number=…: {"found": bool, "name", "kind"} for an exact ID number / credit code already on record.
    A look-up by ID number is a personal-data search (policy "personal_data.search") and is audited."""
    _require(request, "personal_data.search")
    id_number = normalise_id_number(request.GET.get("id_number", ""))
    if len(id_number) != 18:
        return JsonResponse(
            {"found": False, "error": _("请输入18位身份证号码或统一社会信用代码 (18 characters)")}, status=400
        )
    # Only a party the officer already sees through a visible court's case is named: the name on record of a person
    # known only elsewhere is another court's (filing then asks for the name and checks it, cases.services.filing).
    # An organisation is the exception: its name under its unified social credit code is public (国家企业信用信息公示系统).
    party = (
        Party.objects.visible_to(request.user).filter(id_number=id_number).first()
        or Party.objects.filter(id_number=id_number, kind=PartyKind.ORGANISATION).first()
    )
    audit(
        request.user,
        "personal_data.search",
        party,
        request=request,
        object_type="cases.party",
        details={"page": "filing", "found": party is not None},
    )
    if party is None:
        return JsonResponse({"found": False})
    return JsonResponse({"found": True, "name": party.name, "kind": party.kind})
