"""The navigation: each role sees the pages it may use (DESIGN §1 users), in one list.

Every entry names the action that opens its page ("<area>.<verb>"); whether a user may take it is decided by
`allowed`, one place, so the menu never offers a page that would answer 403.
"""
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from execcenter.choices import Role
from execcenter.scope import officer_of

J, O, A, D, C, AU, AD = Role.JUDGE, Role.OFFICER, Role.APPROVER, Role.DUTY, Role.DIRECTOR, Role.AUDITOR, Role.ADMIN


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    action: str
    roles: frozenset  # the roles that may take `action`


ENTRIES = (
    Entry(_("我的工作台"), "workbench:home", "workbench.view", frozenset({J, O, A, D, C, AU, AD})),
    Entry(_("执行案件"), "cases:case-list", "case.view", frozenset({J, O, A, C, AU, AD})),
    Entry(_("案件移送"), "cases:transfers", "case.transfer.decide", frozenset({A})),
    Entry(_("案款到账"), "cases:statements", "money.import_statement", frozenset({J, O, A})),
    Entry(_("控制措施审批"), "querycontrol:approvals", "order.decide", frozenset({A})),
    Entry(_("预警处置"), "dashboards:alert-list", "alert.handle", frozenset({D, C})),
    Entry(_("值班排班"), "dashboards:duty", "duty.view", frozenset({D, C})),
    Entry(_("大屏"), "dashboards:my-screen", "screen.view", frozenset({D, C, A})),
    Entry(_("指挥调度"), "command:home", "command.view", frozenset({J, O, D, C, A})),
    Entry(_("质效指标"), "command:indicators", "indicator.view", frozenset({A, C, AU, J})),
    Entry(_("审计日志"), "audit-log", "audit.read", frozenset({AU, C, AD})),
)


def allowed(user, entry):
    """May `user` open the entry's page? Superusers may open every page; others by role."""
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    officer = officer_of(user)
    return officer is not None and officer.has_role(*entry.roles)


def entries_for(user, current_path=""):
    """[(label, url, is_current)] of the pages this user may use, in menu order."""
    out = []
    for entry in ENTRIES:
        if allowed(user, entry):
            url = reverse(entry.url_name)
            out.append((entry.label, url, url != "/" and current_path.startswith(url)))
    return out
