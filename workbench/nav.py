"""The navigation: each role sees the pages it may use (DESIGN §1 users), in one list.

Every entry names the action that opens its page ("<area>.<verb>"); whether a user may take it is decided by
`allowed`, one place, so the menu never offers a page that would answer 403.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from execcenter.policy import may


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    action: str  # the action the page is for; the policy decides who may take it


ENTRIES = (
    Entry(_("我的工作台"), "workbench:home", "workbench.view"),
    Entry(_("执行案件"), "cases:case-list", "case.read"),
    Entry(_("案件移送"), "cases:transfers", "case.transfer.decide"),
    Entry(_("案款到账"), "cases:statements", "money.import_statement"),
    Entry(_("控制措施审批"), "querycontrol:approvals", "order.decide"),
    Entry(_("预警处置"), "dashboards:alert-list", "alert.handle"),
    Entry(_("值班"), "dashboards:duty", "duty.work"),
    Entry(_("排班"), "dashboards:roster", "duty.plan"),
    Entry(_("大屏"), "dashboards:my-screen", "screen.view"),
    Entry(_("指挥调度"), "command:home", "operation.read"),
    Entry(_("质效指标"), "command:indicators", "indicator.read"),
    Entry(_("审计日志"), "audit-log", "audit.read"),
    Entry(_("管理后台"), "admin:index", "admin.site"),
)
# Settings pages, linked from the workbench rather than the top bar.
SETTINGS = (
    Entry(_("预警规则"), "workbench:warning-rules", "warning.configure"),
    Entry(_("大屏布局"), "dashboards:layout-edit", "screen.layout"),
    Entry(_("我的预警"), "workbench:warnings", "warning.read"),
    Entry(_("通知设置"), "workbench:preferences", "notification.configure"),
)


def allowed(user, entry):
    """May `user` open the entry's page? The permission policy decides (execcenter.policy)."""
    return getattr(user, "is_authenticated", False) and may(user, entry.action)


def entries_for(user, current_path="", entries=ENTRIES):
    """[(label, url, is_current)] of the pages this user may use, in menu order."""
    out = []
    for entry in entries:
        if allowed(user, entry):
            url = reverse(entry.url_name)
            out.append((entry.label, url, url != "/" and current_path.startswith(url)))
    return out
