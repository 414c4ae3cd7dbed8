"""Permission rules of the organisation itself (courts, officers, audit, alerts, partner keys, the admin site).

Role groups used by every app's rules.py live here so that "who reads" means the same everywhere.
"""

from django.utils.translation import gettext_lazy as _

from execcenter.choices import PartnerAction, PartnerKind, Role
from execcenter.policy import define

# Officers who do the work of a case: 执行法官 and 执行员. Assignment does not limit them to their own cases: a
# court's enforcement team works its cases together (an officer serves a judge's case, a judge covers for a
# colleague on leave), and every step is audited with who did it; the court boundary is what the law draws.
CASE_WORKERS = (Role.JUDGE, Role.OFFICER)
# Everyone employed by a court reads what their court sees (masked where the role does not need personal data).
READERS = (Role.JUDGE, Role.OFFICER, Role.APPROVER, Role.PRESIDENT, Role.DUTY, Role.DIRECTOR, Role.AUDITOR, Role.ADMIN)
# Readers of case money and approvals: not the duty desk, whose work is alerts, duty and the screen.
MONEY_READERS = (Role.JUDGE, Role.OFFICER, Role.APPROVER, Role.PRESIDENT, Role.DIRECTOR, Role.AUDITOR)
DUTY_DESK = (Role.DUTY, Role.DIRECTOR)
LEADERS = (Role.APPROVER, Role.PRESIDENT, Role.DIRECTOR)
ADMINS = (Role.ADMIN,)
CASE_SYSTEM = (PartnerKind.CASE_SYSTEM,)

define(
    "court.read",
    _("查看法院名录"),
    roles=READERS,
    admin=True,
    partner_kinds=PartnerKind.values,
    partner_action=PartnerAction.READ,
)
define("health.read", _("健康检查"), public=True)
define(
    "me.read",
    _("查看本人信息"),
    roles=READERS,
    admin=True,
    partner_kinds=PartnerKind.values,
    partner_action=PartnerAction.READ,
)
define("audit.read", _("查阅审计日志"), roles=(Role.AUDITOR, Role.DIRECTOR, Role.ADMIN), admin=True)
define("alert.read", _("查看预警"), roles=READERS)
define("partner_key.manage", _("签发、轮换、吊销合作系统密钥"), roles=ADMINS, admin=True)
define("officer.manage", _("管理干警与角色"), roles=ADMINS, admin=True)
define("admin.site", _("进入管理后台"), roles=ADMINS, admin=True)
define(
    "personal_data.read",
    _("查看完整身份证号、电话、住址"),
    roles=(Role.JUDGE, Role.OFFICER, Role.APPROVER, Role.PRESIDENT),
    partner_kinds=CASE_SYSTEM,
    partner_action=PartnerAction.WRITE_CASES,
)
define(
    "personal_data.search",
    _("按身份证号、电话、住址检索"),
    roles=(Role.JUDGE, Role.OFFICER, Role.APPROVER, Role.PRESIDENT),
    partner_kinds=CASE_SYSTEM,
    partner_action=PartnerAction.WRITE_CASES,
)
define("audit.export", _("导出审计日志"), roles=(Role.AUDITOR, Role.DIRECTOR, Role.ADMIN), admin=True)
