from django.contrib import admin

from execcenter.admin import ReadOnlyAdmin, ScopedReadOnlyAdmin
from execcenter.identifiers import normalise_case_number

from .models import AuctionItem, Case, IssuedDocument, LongPendingEntry, Measure, MoneyEntry, Party


@admin.register(Case)
class CaseAdmin(ScopedReadOnlyAdmin):
    list_display = [
        "number",
        "court",
        "case_type",
        "status",
        "closure_type",
        "filed_on",
        "claim_amount",
        "outstanding_amount",
        "assigned_judge",
    ]
    list_filter = ["status", "case_type", "closure_type", "court"]
    search_fields = ["number"]
    list_select_related = ["court", "assigned_judge"]
    show_full_result_count = False  # a million rows: no COUNT(*) per page

    def get_search_results(self, request, queryset, search_term):
        # A number typed with half-width brackets or full-width digits searches as the stored form (CaseQuerySet).
        return super().get_search_results(request, queryset, normalise_case_number(search_term))


@admin.register(Party)
class PartyAdmin(ReadOnlyAdmin):
    """Parties belong to no single court; only superusers reach the admin. ID numbers stay masked here."""

    list_display = ["name", "kind", "masked_id"]
    search_fields = ["name"]
    show_full_result_count = False

    @admin.display(description="证件号码")
    def masked_id(self, obj):
        from execcenter.masking import mask_id_number

        return mask_id_number(obj.id_number)


@admin.register(MoneyEntry)
class MoneyEntryAdmin(ScopedReadOnlyAdmin):
    list_display = ["case", "kind", "source", "amount", "occurred_at", "payout_due", "paid_out_amount"]
    list_filter = ["kind", "source"]
    list_select_related = ["case"]
    show_full_result_count = False


@admin.register(Measure)
class MeasureAdmin(ScopedReadOnlyAdmin):
    list_display = ["case", "kind", "status", "party", "starts_on", "ends_on", "removal_due"]
    list_filter = ["kind", "status"]
    list_select_related = ["case", "party"]


@admin.register(AuctionItem)
class AuctionItemAdmin(ScopedReadOnlyAdmin):
    list_display = ["case", "name", "kind", "appraisal_value", "status"]
    list_filter = ["kind", "status"]


@admin.register(LongPendingEntry)
class LongPendingEntryAdmin(ScopedReadOnlyAdmin):
    list_display = ["case", "responsible_officer", "leading_official", "cause", "status", "opened_on"]
    list_filter = ["status"]


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ScopedReadOnlyAdmin):
    """Issued documents are records: listed and searchable, never edited or deleted here."""

    list_display = ["number", "title", "kind", "court", "case", "issued_by_label", "issued_at", "sha256"]
    list_filter = ["kind", "court"]
    search_fields = ["number"]
    list_select_related = ["court", "case"]
