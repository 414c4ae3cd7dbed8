"""Permission rules of the workbench, the early warnings and personal notification settings (registered in
execcenter.policy when the app loads)."""

from django.utils.translation import gettext_lazy as _

from execcenter.choices import Role
from execcenter.policy import define
from execcenter.rules import LEADERS, READERS

define("workbench.view", _("查看我的工作台"), roles=READERS, admin=True)
define("warning.read", _("查看本人的个人预警"), roles=READERS)
# The roll-up per court and the ranking of judges by open warnings: for those who supervise judges.
define("warning.rollup", _("查看各法院预警汇总与法官排名"), roles=LEADERS)
# A director sets the thresholds of their own court (and so of the courts below it that have no setting of their own).
define("warning.configure", _("修改预警规则与阈值"), roles=(Role.DIRECTOR,), own_court=True)
define("notification.configure", _("设置本人的通知方式与免打扰时段"), roles=READERS)
