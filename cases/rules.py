"""Permission rules of the cases app (registered in execcenter.policy when the app loads).

Changing a case is the owning court's work (own_court): a higher court sees and supervises a lower court's cases
but acts on one only after it is transferred. Payouts, closures (终本 included) and deadline extensions are
requested by a judge or officer and take effect when a second person approves (four-eyes): 执行局长 for payouts
and closures, 院长 for extensions (《最高人民法院关于人民法院办理执行案件若干期限的规定》, 民诉法解释 Art. 482).
"""

from django.utils.translation import gettext_lazy as _

from execcenter.choices import PartnerAction, Role
from execcenter.policy import define
from execcenter.rules import CASE_SYSTEM, CASE_WORKERS, MONEY_READERS, READERS
from execcenter.scope import officer_of

from .choices import ApprovalStatus, CaseStatus, RewardLeadStatus, RewardNoticeStatus, TransferStatus

W = PartnerAction.WRITE_CASES
R = PartnerAction.READ


def _case_of(record):
    return getattr(record, "case", None) or record


def case_open(record):
    """Nothing is done to a closed case (the approval and re-query paths have their own rules)."""
    case = _case_of(record)
    if getattr(case, "status", None) == CaseStatus.CLOSED:
        return _("案件已结案，不能办理此事项 (the case is closed)")
    return None


def approval_pending(request):
    if request.status != ApprovalStatus.PENDING:
        return _("该审批事项已处理 (already decided)")
    return case_open(request)


def not_requester(actor, request):
    """four-eyes: never the requester"""
    officer = getattr(actor, "officer", None)
    if officer is not None and request.requested_by_id == officer.pk:
        return _("不能审批本人提出的申请（双人审批） (nobody approves their own request)")
    return None


def requester_only(actor, request):
    """the requester only"""
    officer = getattr(actor, "officer", None)
    if officer is None or request.requested_by_id != officer.pk:
        return _("只有申请人可以撤回 (only the requester may withdraw)")
    return None


def _work(action, label, state=case_open, **kw):
    define(
        action,
        label,
        roles=CASE_WORKERS,
        own_court=True,
        state=state,
        partner_kinds=CASE_SYSTEM,
        partner_action=W,
        **kw,
    )


# Reading
define(
    "case.read",
    _("查看案件、当事人、节点、措施、拍卖"),
    roles=READERS,
    admin=True,
    partner_kinds=CASE_SYSTEM + ("disclosure",),
    partner_action=R,
)
define("money.read", _("查看案款收付"), roles=MONEY_READERS, admin=True, partner_kinds=CASE_SYSTEM, partner_action=R)
define("approval.read", _("查看审批事项"), roles=MONEY_READERS, admin=True)

# The case's own steps
_work("case.file", _("立案"), state=None)
_work("case.assign", _("分案"))
_work("case.transition", _("推进办案节点"))
_work("case.notice", _("记录执行通知送达"))
_work("case.debtor_facts", _("记录被执行人情况"))
_work("case.suspend", _("中止执行或执行和解"))
_work("case.resume", _("恢复中止的执行"))
_work(
    "case.resume_terminated",
    _("终本案件恢复执行"),
    state=lambda c: None if c.status == CaseStatus.CLOSED else _("案件未结案 (the case is not closed)"),
)
_work("measure.impose", _("采取失信、限高、强制措施等"))
_work("measure.end", _("解除、撤销措施"), state=None)
_work("measure.extend", _("延长失信期限"), state=None)
_work("auction.manage", _("拍卖标的与拍卖轮次"))
_work("ledger.plan", _("长期未结案件台账与跟进"), state=None)
_work("money.receipt", _("登记收款"))
_work("money.match_unclaimed", _("认领不明款"), state=None)
# The court's own account: its judges, officers and bureau head import the bank's statement (cases.statements).
define(
    "money.import_statement",
    _("导入银行对账单"),
    roles=(Role.JUDGE, Role.OFFICER, Role.APPROVER),
    own_court=True,
    partner_kinds=CASE_SYSTEM,
    partner_action=W,
    basis="法发〔2017〕6号 案款管理（一案一账户）",
)

# Four-eyes: requested by a judge or officer of the owning court, decided by someone else of the right role.
_work("money.payout.request", _("申请发放案款"))
_work("case.close.request", _("申请结案（含终本）"))
_work("case.extend.request", _("申请延长执行期限"))
define(
    "money.payout.approve",
    _("批准案款发放"),
    roles=(Role.APPROVER,),
    own_court=True,
    state=approval_pending,
    check=not_requester,
    basis="法发〔2017〕6号 案款管理",
)
define(
    "case.close.approve",
    _("批准结案（含终本）"),
    roles=(Role.APPROVER,),
    own_court=True,
    state=approval_pending,
    check=not_requester,
    basis="法〔2016〕373号 终本规定",
)
define(
    "case.extend.approve",
    _("批准延长执行期限"),
    roles=(Role.PRESIDENT,),
    own_court=True,
    state=approval_pending,
    check=not_requester,
    basis="执行期限规定；民诉法解释 Art. 482",
)
# The route of a decision: anyone who decides something; the request's kind then picks the exact rule above.
define(
    "approval.decide",
    _("审批（案款发放、结案、延长期限）"),
    roles=(Role.APPROVER, Role.PRESIDENT),
    own_court=True,
    state=approval_pending,
    check=not_requester,
)
define(
    "approval.withdraw",
    _("撤回本人的申请"),
    roles=CASE_WORKERS,
    own_court=True,
    state=approval_pending,
    check=requester_only,
)
# The steps themselves are carried out only by an approval (or by the system): nobody calls them directly.
define("money.payout", _("发放案款（审批后执行）"))
define("case.close", _("结案（审批后执行）"))
define("case.extend", _("延长执行期限（审批后执行）"))

# Exports (issue 12): the list a reader sees, every row; ID numbers in them follow personal_data.read.
define("case.export", _("导出案件清单"), roles=READERS)
define("ledger.export", _("导出长期未结案件台账"), roles=READERS)


# Transfers between courts (cases.transfers): asked by whoever handles or supervises the case, decided by an
# approver of the receiving court who did not ask.
def _transfer_pending(transfer):
    return None if transfer.status == TransferStatus.PENDING else _("该移送申请已处理 (already decided)")


def _receiving_approver(actor, transfer):
    officer = officer_of(actor)
    if officer is None or officer.court_id != transfer.to_court_id:
        return _("只有接收法院的执行局长可以审批移送 (an approver of the receiving court decides)")
    if transfer.requested_by_id is not None and transfer.requested_by_id == getattr(actor, "pk", None):
        return _("不能审批本人提出的申请（双人审批） (nobody approves their own request)")
    return None


define(
    "case.transfer.request",
    _("申请提级、指定或委托执行"),
    roles=(Role.JUDGE, Role.OFFICER, Role.APPROVER),
    state=case_open,
    basis="《关于高级人民法院统一管理执行工作若干问题的规定》第八条；《关于委托执行若干问题的规定》",
)
define(
    "case.transfer.decide",
    _("审批案件移送（接收法院）"),
    roles=(Role.APPROVER,),
    state=_transfer_pending,
    check=_receiving_approver,
)


# Lawyer investigation orders (cases.lawyer_orders): recorded by the case's judge or officer, issued by an approver of
# the court who did not record the application.
_work("lawyer_order.apply", _("登记律师调查令申请及交回"))
define(
    "lawyer_order.decide",
    _("签发律师调查令"),
    roles=(Role.APPROVER,),
    own_court=True,
    state=case_open,
    basis="《最高人民法院关于民事执行中财产调查若干问题的规定》",
)


# Reward notices (cases.rewards, 《最高人民法院关于民事执行中财产调查若干问题的规定》Art. 21–24): the application, the
# advance and the leads are the case's judge or officer's work; publishing, paying a reward (four-eyes against whoever
# proposed it) and closing with the refund are an approver's. A reward may still be paid, and the notice closed, after
# the case itself closed (the claim was realised through the lead): those rules do not ask for an open case.
REWARD_BASIS = "《最高人民法院关于民事执行中财产调查若干问题的规定》第21–24条"


def _notice_of(record):
    return getattr(record, "notice", None) or record


def _notice_applied(notice):
    # Not case_open: an application left undecided when the case closed is still refused, and its advance refunded
    # (publishing a closed case's notice is refused by the measure it issues: 409 case_closed).
    if notice.status != RewardNoticeStatus.APPLIED:
        return _("该悬赏申请已处理 (already decided)")
    return None


def _notice_published(record):
    if _notice_of(record).status != RewardNoticeStatus.PUBLISHED:
        return _("悬赏公告未发布或已结束 (the notice is not published)")
    return None


def _lead_step(record):
    """Registering and checking leads: the notice is published and the case open."""
    return _notice_published(record) or case_open(_notice_of(record))


def _reward_requested(lead):
    if lead.status != RewardLeadStatus.REWARD_REQUESTED:
        return _("该悬赏金申请已处理或未提出 (no pending reward)")
    return None


def _not_reward_requester(actor, lead):
    """four-eyes: never the person who proposed the reward"""
    if lead.reward_requested_by_id is not None and lead.reward_requested_by_id == getattr(actor, "pk", None):
        return _("不能审批本人提出的申请（双人审批） (nobody approves their own request)")
    return None


def _notice_open_for_money(record):
    status = _notice_of(record).status
    if status not in (RewardNoticeStatus.APPLIED, RewardNoticeStatus.PUBLISHED):
        return _("悬赏已结束 (the notice is no longer open)")
    return None


def _apply_state(record):
    # On the case (a new application) the case must be open; on a notice (its advance) the notice must be open.
    if hasattr(record, "advanced"):
        return _notice_open_for_money(record)
    return case_open(record)


# Art. 23: the informant's identity and the lead itself are kept confidential: read only by those who work the
# case in its own court (and the case-handling system that records them), not by supervising courts, the duty desk,
# auditors or the disclosure system.
define(
    "reward.lead.read",
    _("查看悬赏线索（保密）"),
    roles=(Role.JUDGE, Role.OFFICER, Role.APPROVER, Role.PRESIDENT),
    own_court=True,
    partner_kinds=CASE_SYSTEM,
    partner_action=R,
    basis=REWARD_BASIS,
)
_work("reward.apply", _("登记悬赏申请及预交悬赏金"), state=_apply_state, basis=REWARD_BASIS)
_work("reward.lead", _("登记、核查悬赏线索"), state=_lead_step, basis=REWARD_BASIS)
_work("reward.pay.request", _("申请发放悬赏金"), state=_notice_published, basis=REWARD_BASIS)
define(
    "reward.decide",
    _("决定发布悬赏公告"),
    roles=(Role.APPROVER,),
    own_court=True,
    state=_notice_applied,
    basis=REWARD_BASIS,
)
define(
    "reward.pay.approve",
    _("批准发放悬赏金"),
    roles=(Role.APPROVER,),
    own_court=True,
    state=_reward_requested,
    check=_not_reward_requester,
    basis=REWARD_BASIS,
)
define(
    "reward.close",
    _("结束悬赏并退还余款"),
    roles=(Role.APPROVER,),
    own_court=True,
    state=_notice_published,
    basis=REWARD_BASIS,
)
