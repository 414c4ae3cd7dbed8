"""Permission rules of the command app: operations, incidents, letters, petitions, bulletins, indicators, the
public disclosure lookup (registered in execcenter.policy when the app loads).

The command-centre director (指挥中心主任) commands operations and issues bulletins; the duty desk dispatches
incidents; judges and officers send assistance letters from their cases; petitions are received by anyone who
works cases or the desk and closed by a leader. The administrator does none of this (separation of duties).
"""

from django.utils.translation import gettext_lazy as _

from execcenter.choices import PartnerAction, PartnerKind, Role
from execcenter.policy import define
from execcenter.rules import CASE_WORKERS, DUTY_DESK, READERS

from .choices import IncidentStatus, LetterStatus, OperationStatus, PetitionStatus

COMMANDERS = (Role.DIRECTOR,)
DISPATCHERS = DUTY_DESK
PETITION_HANDLERS = (Role.JUDGE, Role.OFFICER, Role.APPROVER, Role.PRESIDENT, Role.DUTY, Role.DIRECTOR)
PETITION_CLOSERS = (Role.APPROVER, Role.PRESIDENT, Role.DIRECTOR)
DISPATCH = (PartnerKind.DISPATCH,)


def _not_ended(op):
    return _("行动已结束 (the operation has ended)") if op.status == OperationStatus.ENDED else None


def _incident_open(incident):
    return _("事件已处置完毕 (the incident is closed)") if incident.status == IncidentStatus.CLOSED else None


def _letter_sent(letter):
    return None if letter.status == LetterStatus.SENT else _("函的状态不允许此操作 (letter state does not allow this)")


def _letter_open(letter):
    return (
        None
        if letter.status in (LetterStatus.SENT, LetterStatus.ANSWERED)
        else _("函的状态不允许此操作 (letter state does not allow this)")
    )


def _petition_open(petition):
    return None if petition.status == PetitionStatus.OPEN else _("信访已办结 (the petition is closed)")


define(
    "operation.read", _("查看集中执行行动"), roles=READERS, partner_kinds=DISPATCH, partner_action=PartnerAction.READ
)
define("operation.command", _("组织、启动、结束集中执行行动"), roles=COMMANDERS, state=_not_ended)
define("operation.record", _("录入行动战果（本组成员或指挥）"), roles=COMMANDERS + CASE_WORKERS, state=_not_ended)
define("incident.read", _("查看突发事件"), roles=READERS, partner_kinds=DISPATCH, partner_action=PartnerAction.READ)
define(
    "incident.report",
    _("上报突发事件"),
    roles=DUTY_DESK + CASE_WORKERS,
    partner_kinds=DISPATCH,
    partner_action=PartnerAction.WRITE_CASES,
)
define("incident.update", _("补充事件进展"), roles=DUTY_DESK + CASE_WORKERS, state=_incident_open)
define("incident.dispatch", _("调度、处置完毕"), roles=DISPATCHERS, state=_incident_open)
LINKAGE = (PartnerKind.LINKAGE,)
define("letter.read", _("查看协助调查函"), roles=READERS, partner_kinds=LINKAGE, partner_action=PartnerAction.READ)
define("letter.send", _("发送协助调查函"), roles=CASE_WORKERS, own_court=True)
define("letter.manage", _("办结、撤回协助调查函"), roles=CASE_WORKERS, own_court=True, state=_letter_open)
define(
    "letter.answer",
    _("联动单位经接口答复协助调查函"),
    partner_kinds=LINKAGE,
    partner_action=PartnerAction.ANSWER,
    state=_letter_sent,
)
# The unit's one-time link (a signed token in the letter) is its authority: no login.
define("letter.answer_by_link", _("联动单位经链接答复协助调查函"), public=True, state=_letter_sent)
define("petition.read", _("查看信访"), roles=READERS)
define("petition.receive", _("登记、答复信访"), roles=PETITION_HANDLERS)
define("petition.close", _("办结信访（领导签批）"), roles=PETITION_CLOSERS, state=_petition_open)
define("bulletin.read", _("查看、下载通报"), roles=READERS)
define("bulletin.issue", _("生成通报"), roles=COMMANDERS)
define("indicator.read", _("查看考核指标"), roles=READERS, admin=True)
define("disclosure.lookup", _("执行公开查询（当事人）"), public=True)
