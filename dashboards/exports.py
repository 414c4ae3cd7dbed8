"""Alerts as a streamed .xlsx (execcenter.exports), filtered like the alert page (status, severity), within
the reader's scope, audited."""

from django.utils import timezone

from execcenter import spreadsheets as ss
from execcenter.choices import AlertSeverity, AlertStatus
from execcenter.exports import export_response, labels, require_page
from execcenter.models import Alert
from execcenter.policy_http import requires

ALERT_COLUMNS = [
    ss.Column("发生时间", ss.DATETIME),
    ss.Column("法院", width=24),
    ss.Column("级别"),
    ss.Column("类别", width=20),
    ss.Column("标题", width=40),
    ss.Column("内容", width=50),
    ss.Column("状态"),
    ss.Column("确认人"),
    ss.Column("确认时间", ss.DATETIME),
    ss.Column("处置说明", width=30),
    ss.Column("升级时间", ss.DATETIME),
    ss.Column("解除时间", ss.DATETIME),
]


def alert_rows(queryset):
    severities, statuses = labels(AlertSeverity.choices), labels(AlertStatus.choices)
    fields = [
        "raised_at",
        "court__name",
        "severity",
        "kind",
        "title",
        "message",
        "status",
        "acknowledged_by__officer__name",
        "acknowledged_by__username",
        "acknowledged_at",
        "action_note",
        "escalated_at",
        "resolved_at",
    ]
    for (
        raised,
        court,
        severity,
        kind,
        title,
        message,
        status,
        ack_name,
        ack_user,
        ack_at,
        note,
        escalated,
        resolved,
    ) in queryset.values_list(*fields).iterator(chunk_size=2000):
        yield [
            raised,
            court,
            severities.get(severity, severity),
            kind,
            title,
            message,
            statuses.get(status, status),
            ack_name or ack_user or "",
            ack_at,
            note,
            escalated,
            resolved,
        ]


@requires("alert.export")
def alert_export(request):
    require_page(request.user, "alert.export")
    qs = Alert.objects.visible_to(request.user).order_by("-raised_at", "-id")
    status = request.GET.get("status", AlertStatus.OPEN)
    if status in AlertStatus.values:
        qs = qs.filter(status=status)
    severity = request.GET.get("severity")
    if severity in AlertSeverity.values:
        qs = qs.filter(severity=severity)
    sheet = ss.Sheet(
        "预警", ALERT_COLUMNS, alert_rows(qs), preamble=[f"预警清单（导出时间 {timezone.localtime():%Y-%m-%d %H:%M}）"]
    )
    return export_response(request, name="预警清单", sheet=sheet, action="export.alerts")
