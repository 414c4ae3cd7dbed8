"""Permission rules of network query and control (registered in execcenter.policy when the app loads).

A bank or registry gateway key (PartnerKind.INSTITUTION with an institution code) reads and answers only the
tasks addressed to its own institution (execcenter.policy checks the record's institution); it reads no case,
party, money, duty or alert. Control orders are filed by a judge or officer of the owning court and decided by
an approver of that court who did not file them (four-eyes, 民诉法解释 Art. 485 and 查封规定).
"""

from django.utils.translation import gettext_lazy as _

from execcenter.choices import PartnerAction, PartnerKind, Role
from execcenter.policy import define
from execcenter.rules import CASE_SYSTEM, CASE_WORKERS, MONEY_READERS, READERS

from .choices import ACTIVE_QUERY_STATUSES, OrderStatus

GATEWAYS = (PartnerKind.INSTITUTION,)


def _filed_by_other(actor, order):
    """four-eyes: never the officer who filed it"""
    if order.filed_by_id is not None and order.filed_by_id == getattr(actor, "pk", None):
        return _("不能审批本人提交的控制措施（双人审批） (nobody approves their own order)")
    return None


def _awaiting_decision(order):
    return (
        None
        if order.status == OrderStatus.SUBMITTED
        else _("该措施不在待审批状态 (the order is not awaiting approval)")
    )


def _draft(order):
    return None if order.status == OrderStatus.DRAFT else _("只有草稿可以提交审批 (only a draft can be submitted)")


def _query_active(qr):
    return None if qr.status in ACTIVE_QUERY_STATUSES else _("查询已结束，不能取消 (the query has finished)")


define(
    "institution.read",
    _("查看协助单位名录"),
    roles=READERS,
    admin=True,
    partner_kinds=PartnerKind.values,
    partner_action=PartnerAction.READ,
)
define(
    "query.read",
    _("查看网络查控请求与结果"),
    roles=MONEY_READERS,
    admin=True,
    partner_kinds=CASE_SYSTEM,
    partner_action=PartnerAction.READ,
)
define(
    "query.start",
    _("发起网络查控"),
    roles=CASE_WORKERS,
    own_court=True,
    partner_kinds=CASE_SYSTEM,
    partner_action=PartnerAction.QUERY,
)
define(
    "query.cancel",
    _("取消网络查控"),
    roles=CASE_WORKERS,
    own_court=True,
    state=_query_active,
    partner_kinds=CASE_SYSTEM,
    partner_action=PartnerAction.QUERY,
)
# A gateway's own tasks: the per-institution results and orders addressed to it.
define(
    "task.read",
    _("协助单位查看本单位的查询与控制任务"),
    roles=MONEY_READERS,
    admin=True,
    partner_kinds=CASE_SYSTEM + GATEWAYS,
    partner_action=PartnerAction.READ,
)
define(
    "order.read",
    _("查看控制措施"),
    roles=MONEY_READERS,
    admin=True,
    partner_kinds=CASE_SYSTEM + GATEWAYS,
    partner_action=PartnerAction.READ,
)
define(
    "order.file",
    _("提交冻结、续冻、解冻、扣划、查封"),
    roles=CASE_WORKERS,
    own_court=True,
    partner_kinds=CASE_SYSTEM,
    partner_action=PartnerAction.CONTROL,
)
define(
    "order.submit",
    _("将草稿提交审批"),
    roles=CASE_WORKERS,
    own_court=True,
    state=_draft,
    partner_kinds=CASE_SYSTEM,
    partner_action=PartnerAction.CONTROL,
)
define(
    "order.decide",
    _("审批控制措施"),
    roles=(Role.APPROVER,),
    own_court=True,
    state=_awaiting_decision,
    check=_filed_by_other,
    basis="民诉法解释 Art. 485；查封规定",
)
define("order.answer", _("协助单位答复控制措施"), partner_kinds=GATEWAYS, partner_action=PartnerAction.ANSWER)
# Rulings and notices carry full ID numbers: only the roles that work with them download them.
define(
    "document.read",
    _("下载裁定书、协助执行通知书"),
    roles=(Role.JUDGE, Role.OFFICER, Role.APPROVER, Role.PRESIDENT),
    partner_kinds=CASE_SYSTEM,
    partner_action=PartnerAction.READ,
)


def _undecided(order):
    return (
        None
        if order.status in (OrderStatus.DRAFT, OrderStatus.SUBMITTED)
        else _("只有未审批的措施可以预览草稿 (only orders not yet decided have a draft)")
    )


# A draft preview shows what the documents will say (full ID numbers included): the roles that read the documents.
define(
    "order.preview",
    _("预览裁定书、通知书草稿"),
    roles=(Role.JUDGE, Role.OFFICER, Role.APPROVER, Role.PRESIDENT),
    state=_undecided,
)
define("query.export", _("导出查询所得财产"), roles=MONEY_READERS)
define("order.export", _("导出控制措施清单"), roles=MONEY_READERS)
