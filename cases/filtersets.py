"""django-filter FilterSets for every cases model (API and the browser's case list share CaseFilterSet).

Each model field has a filter (tests/api_mixins.py checks it); date and money fields get ranges.
"""

import datetime as dt
import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from execcenter.exceptions import PermissionDenied
from execcenter.filtersets import FilterSet, IdentifierFilter
from execcenter.identifiers import normalise_id_number, normalise_phone
from execcenter.models import Court, Officer
from execcenter.policy import may
from execcenter.services import audit
from execcenter.validators import parse_case_number

from . import deadlines, predicates
from .choices import CaseStatus, CaseTag, DeadlineState
from .models import (
    AuctionItem,
    AuctionRound,
    Case,
    CaseEvent,
    CaseParty,
    LongPendingEntry,
    Measure,
    MoneyEntry,
    Party,
    UnclaimedReceipt,
)

RANGE = ["exact", "gte", "lte"]
# 18 characters: a resident ID number (17 digits and a check digit or X) or a unified social credit code.
ID_NUMBER_SHAPE = re.compile(r"[0-9A-Z]{18}")

# Filters that select old open cases are listed in the order of their own partial index (cases.models.Case.Meta):
# paged newest-id first, PostgreSQL walked ~400,000 recent ids of a million cases to find one page of old ones.
FILTER_ORDERINGS = (("deadline_state", ("statutory_deadline", "id")), ("long_pending", ("filed_on", "id")))


def ordering_for(params, default):
    """The list order a request's filters call for: `default` unless a filter above is set (long_pending only when true)."""
    for name, ordering in FILTER_ORDERINGS:
        value = (params.get(name) or "").strip().lower()
        if value and value not in ("false", "0", "no"):
            return ordering
    return default


class CaseNumberFormField(forms.CharField):
    """Accepts （2024）宁0105执123号 (or half-width brackets) and normalises it; a malformed number is a 400."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        return str(parse_case_number(value, check_court=False))


class CaseNumberFilter(django_filters.CharFilter):
    """A whole case number as typed, normalised; `field_name` may follow a relation (`case__number`)."""

    field_class = CaseNumberFormField


def check_personal_search(request, used):
    """Searching by ID number, phone or address (exactly or by part) is itself a read of personal data: a role that
    sees them masked could otherwise recover a full ID number one guess at a time. Refused (403) unless the policy
    allows "personal_data.search"; allowed searches are audited with the filters used and the stated purpose."""
    if not used or request is None:
        return  # no request: the product's own code filtering (a task, a report), not a reader searching
    actor = getattr(request, "user", None)
    if not may(actor, "personal_data.search"):
        raise PermissionDenied(
            _("您的角色不能按身份证号、电话或住址检索 (your role may not search by personal data)"),
            code="personal_search_refused",
        )
    purpose = (request.GET.get("purpose") or "").strip()[:100] or str(_("案件办理"))
    audit(
        actor,
        "personal_data.search",
        object_type="cases.party",
        request=request,
        details={"filters": sorted(used), "purpose": purpose, "path": request.path},
    )


class PersonalSearchMixin:
    """FilterSets whose filters read personal data name them in `personal_filters`; every use goes through
    check_personal_search (the case list's text box counts when the text is shaped like an ID number)."""

    personal_filters = ()

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        used = {name for name in self.personal_filters if data.get(name) not in (None, "")}
        text = normalise_id_number((data.get("q") or "").strip())
        if ID_NUMBER_SHAPE.fullmatch(text) and text[:17].isdigit():  # a resident ID; credit codes are public
            used.add("q")
        check_personal_search(self.request, used)
        return super().filter_queryset(queryset)


class CaseFilterSet(PersonalSearchMixin, FilterSet):
    number = CaseNumberFilter(field_name="number")
    court = django_filters.CharFilter(
        field_name="court__code", label=_("法院代字（含下级法院）"), method="filter_court"
    )
    tags = django_filters.MultipleChoiceFilter(
        choices=CaseTag.choices, method="filter_tags", label=_("标签"), distinct=False
    )
    deadline_state = django_filters.ChoiceFilter(
        choices=DeadlineState.choices, method="filter_deadline_state", label=_("审限状态")
    )
    long_pending = django_filters.BooleanFilter(method="filter_long_pending", label=_("长期未结"))
    q = django_filters.CharFilter(method="filter_text", label=_("案号/当事人名称/证件号码"))
    cause = django_filters.CharFilter(lookup_expr="icontains")
    # distinct=False: each case matches at most one value, and DISTINCT over a million rows costs a sort.
    status = django_filters.MultipleChoiceFilter(choices=CaseStatus.choices, distinct=False)
    assigned_judge = django_filters.ModelChoiceFilter(queryset=Officer.objects.select_related("court"))
    responsible_officer = django_filters.ModelChoiceFilter(queryset=Officer.objects.select_related("court"))
    leading_official = django_filters.ModelChoiceFilter(queryset=Officer.objects.select_related("court"))
    # A number, never a <select> of a million cases.
    origin_case = django_filters.NumberFilter(field_name="origin_case")

    class Meta:
        model = Case
        fields = {
            "court_id": ["exact"],
            "year": ["exact"],
            "case_type": ["exact"],
            "sequence": ["exact"],
            "closure_type": ["exact"],
            "origin_body": ["exact"],
            "origin_document_no": ["exact"],
            "filed_on": RANGE,
            "claim_amount": RANGE,
            "recovered_amount": RANGE,
            "outstanding_amount": RANGE,
            "costs_amount": RANGE,
            "closed_on": RANGE,
            "is_livelihood": ["exact"],
            "is_migrant_wages": ["exact"],
            "is_enterprise": ["exact"],
            "is_government": ["exact"],
            "is_financial": ["exact"],
            "assignment_due": RANGE,
            "statutory_deadline": RANGE,
            "suspended_days": RANGE,
            "extension_days": RANGE,
            "suspended_since": RANGE,
            "status_before_suspension": ["exact"],
            "notice_sent_on": RANGE,
            "dishonest_eligible": ["exact"],
            "debtor_whereabouts_unknown": ["exact"],
            "debtor_searched_on": RANGE,
            "debtor_obstructed": ["exact"],
            "created_at": ["gte", "lte"],
            "updated_at": ["gte", "lte"],
        }

    def limit_choices_to(self, actor):
        """Offer only officers of the courts the reader sees (the browser's judge <select>)."""
        courts = Court.objects.visible_to(actor)
        for name in ("assigned_judge", "responsible_officer", "leading_official"):
            self.form.fields[name].queryset = Officer.objects.filter(court__in=courts).select_related("court")
        return self

    def filter_court(self, queryset, name, value):
        return queryset.filter(court__code__startswith=value)

    def filter_tags(self, queryset, name, value):
        # The boolean flags are indexed; the JSON list is for display.
        for tag in value:
            queryset = queryset.filter(**{Case.TAG_FIELDS[tag]: True})
        return queryset

    def filter_deadline_state(self, queryset, name, value):
        today = timezone.localdate()
        if value == DeadlineState.OVERDUE:
            return queryset.overdue(today)
        if value == DeadlineState.NEAR:
            return queryset.due_soon(today)
        return queryset.running().filter(statutory_deadline__gt=today + dt.timedelta(days=deadlines.NEAR_DAYS))

    def filter_long_pending(self, queryset, name, value):
        long_q = predicates.long_pending(timezone.localdate())
        return queryset.filter(long_q) if value else queryset.exclude(long_q)

    def filter_text(self, queryset, name, value):
        """案号 / 当事人名称 / 证件号码 in one box. What the text looks like decides which index answers it: OR-ing a
        party search with a case-number substring made PostgreSQL read all million cases (≈ 0.3 s a page)."""
        value = value.strip()
        if not value:
            return queryset
        try:
            # A whole case number is answered by its unique index alone.
            return queryset.by_number(str(parse_case_number(value, check_court=False)))
        except ValidationError:
            pass
        if ID_NUMBER_SHAPE.fullmatch(normalise_id_number(value)):
            # resident ID or credit code (typed full-width or with spaces, stored folded): unique index
            parties = Party.objects.filter(id_number=normalise_id_number(value))
        elif any(ch.isdigit() for ch in value):
            # Part of a case number ("0105执12", "(2023)宁0105执"): names carry no digits. A trigram index serves it on
            # PostgreSQL (migration 0006).
            return queryset.number_contains(value)
        else:
            parties = Party.objects.filter(name__startswith=value)  # the name's pattern index
        return queryset.filter(pk__in=CaseParty.objects.filter(party__in=parties).values("case_id"))


class PartyFilterSet(PersonalSearchMixin, FilterSet):
    personal_filters = ("id_number", "phone", "address__icontains")

    name = django_filters.CharFilter(lookup_expr="startswith")
    id_number = IdentifierFilter()
    # Phone and address are entered per case (CaseParty): a party matches through its links in the reader's own
    # courts only, so a search cannot tell what another court entered.
    phone = django_filters.CharFilter(method="filter_phone", label=_("联系电话"))
    address__icontains = django_filters.CharFilter(method="filter_address", label=_("地址包含"))
    case = django_filters.NumberFilter(field_name="case_parties__case", distinct=True)

    class Meta:
        model = Party
        fields = {
            "kind": ["exact"],
            "id_number": ["exact"],
            "created_at": ["gte", "lte"],
        }

    def _through_links(self, queryset, **lookup):
        actor = getattr(self.request, "user", None) if self.request is not None else None
        links = CaseParty.objects.all() if self.request is None else CaseParty.objects.visible_to(actor)
        return queryset.filter(pk__in=links.filter(**lookup).values("party_id"))

    def filter_phone(self, queryset, name, value):
        return self._through_links(queryset, phone=normalise_phone(value))

    def filter_address(self, queryset, name, value):
        return self._through_links(queryset, address__icontains=value)


class CaseEventFilterSet(FilterSet):
    class Meta:
        model = CaseEvent
        fields = {
            "case": ["exact"],
            "kind": ["exact"],
            "actor": ["exact"],
            "actor_label": ["exact"],
            "at": ["gte", "lte"],
            "summary": ["icontains"],
        }


class MoneyEntryFilterSet(FilterSet):
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("超期未发放"))

    class Meta:
        model = MoneyEntry
        fields = {
            "case": ["exact"],
            "court": ["exact"],
            "kind": ["exact"],
            "source": ["exact"],
            "amount": RANGE,
            "occurred_at": ["gte", "lte"],
            "payout_due": RANGE,
            "paid_out_amount": RANGE,
            "payee": ["exact"],
            "reference": ["exact"],
            "note": ["icontains"],
            "created_by": ["exact"],
        }

    def filter_overdue(self, queryset, name, value):
        overdue = predicates.payout_overdue(timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class MeasureFilterSet(FilterSet):
    class Meta:
        model = Measure
        fields = {
            "case": ["exact"],
            "kind": ["exact"],
            "status": ["exact"],
            "party": ["exact"],
            "legal_ground": ["exact"],
            "document_no": ["exact"],
            "decided_on": RANGE,
            "starts_on": RANGE,
            "ends_on": RANGE,
            "extension_years": ["exact"],
            "amount": RANGE,
            "days": ["exact"],
            "holder": ["exact"],
            "performed_on": RANGE,
            "removal_due": RANGE,
            "ended_on": RANGE,
            "note": ["icontains"],
            "created_by": ["exact"],
            "created_at": ["gte", "lte"],
        }


class AuctionItemFilterSet(FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = AuctionItem
        fields = {
            "case": ["exact"],
            "kind": ["exact"],
            "appraisal_value": RANGE,
            "appraised_on": RANGE,
            "status": ["exact"],
            "created_at": ["gte", "lte"],
        }


class AuctionRoundFilterSet(FilterSet):
    case = django_filters.NumberFilter(field_name="item__case")

    class Meta:
        model = AuctionRound
        fields = {
            "item": ["exact"],
            "round_no": ["exact"],
            "start_price": RANGE,
            "deposit": RANGE,
            "announced_on": RANGE,
            "starts_at": ["gte", "lte"],
            "ends_at": ["gte", "lte"],
            "outcome": ["exact"],
            "deal_price": RANGE,
            "concluded_on": RANGE,
        }


class LongPendingEntryFilterSet(FilterSet):
    court = django_filters.CharFilter(field_name="case__court__code", lookup_expr="startswith")

    class Meta:
        model = LongPendingEntry
        fields = {
            "case": ["exact"],
            "responsible_officer": ["exact"],
            "leading_official": ["exact"],
            "cause": ["icontains"],
            "plan": ["icontains"],
            "status": ["exact"],
            "opened_on": RANGE,
            "resolved_on": RANGE,
        }


class UnclaimedReceiptFilterSet(FilterSet):
    matched = django_filters.BooleanFilter(field_name="matched_case", lookup_expr="isnull", exclude=True)

    class Meta:
        model = UnclaimedReceipt
        fields = {
            "court": ["exact"],
            "amount": RANGE,
            "received_at": ["gte", "lte"],
            "payer_name": ["icontains"],
            "bank_reference": ["exact"],
            "matched_case": ["exact"],
            "matched_at": ["gte", "lte"],
            "remark": ["icontains"],
            "statement": ["exact"],
        }
