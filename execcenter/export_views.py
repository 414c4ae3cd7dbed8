"""The audit log as a streamed .xlsx: for auditors, directors and administrators of the scope (policy action
"audit.export", as "audit.read" for the page and the API), with the audit page's own filters (execcenter.audit_views:
action prefix, actor, object, court subtree, address, Beijing days), so the file lists what the page shows; the
export itself is audited."""

from django.http import HttpResponseBadRequest
from django.utils import timezone

from execcenter import spreadsheets as ss
from execcenter.audit_labels import action_label, details_text, object_type_label
from execcenter.audit_views import AuditSearchForm, search
from execcenter.exports import export_response, require_page
from execcenter.models import AuditLog
from execcenter.policy_http import requires

AUDIT_COLUMNS = [
    ss.Column("时间", ss.DATETIME),
    ss.Column("操作人"),
    ss.Column("操作", width=28),
    ss.Column("操作代码", width=28),
    ss.Column("对象类型", width=22),
    ss.Column("对象", width=14),
    ss.Column("对象描述", width=36),
    ss.Column("法院", width=24),
    ss.Column("来源地址", width=16),
    ss.Column("详情", width=60),
]


def audit_rows(queryset):
    """Rows of the audit sheet, read as the audit page reads them: the action in Chinese beside its code (which
    auditors filter on), the object type as its model's name, the details as "标签：值" text."""
    fields = ["at", "actor_label", "action", "object_type", "object_id", "object_repr", "court__name", "ip", "details"]
    for at, actor, action, object_type, object_id, object_repr, court, ip, details in queryset.values_list(
        *fields
    ).iterator(chunk_size=2000):
        yield [
            at,
            actor,
            str(action_label(action)),
            action,
            object_type_label(object_type),
            object_id,
            object_repr,
            court or "",
            ip or "",
            str(details_text(details)) if details else "",
        ]


@requires("audit.export")
def audit_log_export(request):
    require_page(request.user, "audit.export")
    form = AuditSearchForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(
            f"筛选条件无效 (invalid filters): {form.errors.as_text()}", content_type="text/plain; charset=utf-8"
        )
    rows = search(AuditLog.objects.visible_to(request.user), form.cleaned_data, request.user)
    sheet = ss.Sheet(
        "审计日志",
        AUDIT_COLUMNS,
        audit_rows(rows.order_by("-at", "-id")),
        preamble=[f"审计日志（导出时间 {timezone.localtime():%Y-%m-%d %H:%M}）"],
    )
    return export_response(request, name="审计日志", sheet=sheet, action="export.audit_log")
