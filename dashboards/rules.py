"""Permission rules of the big screen and the duty desk (registered in execcenter.policy when the app loads).

Duty officers (值班员, AB posts) work the screen, alerts and their shifts; the command-centre director plans
rosters, decides swaps and edits screen layouts. Everyone employed by a court may open its screen (read-only).
"""

from django.utils.translation import gettext_lazy as _

from execcenter.choices import PartnerAction, PartnerKind, Role
from execcenter.policy import define
from execcenter.rules import DUTY_DESK, LEADERS, READERS

from .choices import AlertActionKind


def _desk_or_reached(actor, alert):
    """a leader off the duty desk: once the escalation chain reached them"""
    officer = getattr(actor, "officer", None)
    if officer is None or officer.has_role(*DUTY_DESK):
        return None
    if alert.actions.filter(kind=AlertActionKind.ESCALATE, escalated_to=officer).exists():
        return None
    return _("只有值班员、指挥中心主任或升级到的领导可以处置预警 (duty desk, director or the leader it reached)")


define("alert.handle", _("确认、备注、解除预警"), roles=DUTY_DESK + LEADERS, check=_desk_or_reached)
define("screen.view", _("查看大屏"), roles=READERS, admin=True)
define("screen.layout", _("编辑大屏布局"), roles=(Role.DIRECTOR,))
define(
    "duty.read",
    _("查看值班表与交接班"),
    roles=READERS,
    partner_kinds=(PartnerKind.DISPATCH,),
    partner_action=PartnerAction.READ,
)
define("duty.work", _("签到、申请换班、交接班"), roles=DUTY_DESK)
define("duty.plan", _("排班、审批换班与顶岗"), roles=(Role.DIRECTOR,))
define("alert.export", _("导出预警清单"), roles=READERS)
