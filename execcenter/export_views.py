"""The audit log as a streamed .xlsx: for auditors, directors and administrators of the scope (policy action
"audit.export", as "audit.read" for the API's AuditLogViewSet), filtered like the API (action, object type/id, court, at_after / at_before); the export
itself is audited."""
import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.utils import timezone

from execcenter import spreadsheets as ss
from execcenter.exports import export_response, require_page
from execcenter.filtersets import AuditLogFilterSet
from execcenter.models import AuditLog

AUDIT_COLUMNS = [
    ss.Column("时间", ss.DATETIME), ss.Column("操作人"), ss.Column("操作", width=28), ss.Column("对象类型", width=22),
    ss.Column("对象", width=14), ss.Column("对象描述", width=36), ss.Column("法院", width=24), ss.Column("来源地址", width=16),
    ss.Column("详情", width=60),
]


def audit_rows(queryset):
    fields = ["at", "actor_label", "action", "object_type", "object_id", "object_repr", "court__name", "ip", "details"]
    for at, actor, action, object_type, object_id, object_repr, court, ip, details in queryset.values_list(*fields).iterator(chunk_size=2000):
        yield [at, actor, action, object_type, object_id, object_repr, court or "", ip or "",
               json.dumps(details, ensure_ascii=False, sort_keys=True) if details else ""]


@login_required
def audit_log_export(request):
    require_page(request.user, "audit.export")
    params = request.GET.copy()
    params.pop("format", None)
    filterset = AuditLogFilterSet(params, queryset=AuditLog.objects.visible_to(request.user))
    if not filterset.is_valid():
        return HttpResponseBadRequest(f"筛选条件无效 (invalid filters): {filterset.errors.as_text()}", content_type="text/plain; charset=utf-8")
    sheet = ss.Sheet("审计日志", AUDIT_COLUMNS, audit_rows(filterset.qs.order_by("-at", "-id")),
                     preamble=[f"审计日志（导出时间 {timezone.localtime():%Y-%m-%d %H:%M}）"])
    return export_response(request, name="审计日志", sheet=sheet, action="export.audit_log")
