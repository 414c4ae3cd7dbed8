from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseType(models.TextChoices):
    FIRST = "执", _("首次执行")
    RESUMED = "执恢", _("恢复执行")
    PRESERVATION = "执保", _("财产保全执行")
    OBJECTION = "执异", _("执行异议")
    REVIEW = "执复", _("执行复议")
    SUPERVISION = "执监", _("执行监督")
    COORDINATION = "执协", _("执行协调")


class CaseStatus(models.TextChoices):
    FILED = "filed", _("已立案")
    ASSIGNED = "assigned", _("已分案")
    INVESTIGATING = "investigating", _("财产调查")
    CONTROLLING = "controlling", _("财产控制")
    DISPOSING = "disposing", _("财产处置")
    SUSPENDED = "suspended", _("中止/和解")
    CLOSED = "closed", _("已结案")


OPEN_STATUSES = [s for s in CaseStatus.values if s != CaseStatus.CLOSED]


class ClosureType(models.TextChoices):
    COMPLETED = "completed", _("执行完毕")
    TERMINATED_THIS_ROUND = "terminated_this_round", _("终结本次执行程序")
    TERMINATED = "terminated", _("终结执行")
    WITHDRAWN = "withdrawn", _("销案")
    NOT_ENFORCED = "not_enforced", _("不予执行")
    REJECTED = "rejected", _("驳回申请")


class PartyKind(models.TextChoices):
    PERSON = "person", _("自然人")
    ORGANISATION = "organisation", _("法人或其他组织")


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("申请执行人")
    RESPONDENT = "respondent", _("被执行人")


class CaseTag(models.TextChoices):
    LIVELIHOOD = "livelihood", _("涉民生")
    MIGRANT_WAGES = "migrant_wages", _("农民工工资")
    ENTERPRISE = "enterprise", _("涉企")
    GOVERNMENT = "government", _("涉党政机关")
    FINANCIAL = "financial", _("涉金融")


class MoneyKind(models.TextChoices):
    RECEIPT = "receipt", _("收款")
    PAYOUT = "payout", _("发放")


class ReceiptSource(models.TextChoices):
    DEDUCTION = "deduction", _("扣划")
    VOLUNTARY = "voluntary", _("主动履行")
    AUCTION = "auction", _("拍卖价款")
    OTHER = "other", _("其他")
    PAYOUT = "payout", _("案款发放")


class SuspensionKind(models.TextChoices):
    SUSPENSION = "suspension", _("中止执行")
    SETTLEMENT = "settlement", _("执行和解")


class DeadlineState(models.TextChoices):
    OK = "ok", _("正常")
    NEAR = "near", _("临近届满")
    OVERDUE = "overdue", _("已超期")


class InvestigationMethod(models.TextChoices):
    NETWORK = "network", _("网络查控")
    ON_SITE = "on_site", _("传统调查")
    PARTY_REPORT = "party_report", _("被执行人报告")
    LAWYER = "lawyer", _("律师调查")


class MeasureKind(models.TextChoices):
    DISHONEST = "dishonest", _("纳入失信名单")
    CONSUMPTION_RESTRICTION = "consumption_restriction", _("限制高消费")
    DETENTION = "detention", _("司法拘留")
    FINE = "fine", _("罚款")
    CRIMINAL_REFERRAL = "criminal_referral", _("移送公安（拒执罪）")
    PROPERTY_REPORT_ORDER = "property_report_order", _("报告财产令")
    INVESTIGATION_ORDER = "investigation_order", _("律师调查令")
    REWARD_NOTICE = "reward_notice", _("悬赏公告")


COERCIVE_MEASURES = (MeasureKind.DETENTION, MeasureKind.FINE, MeasureKind.CRIMINAL_REFERRAL)


class MeasureStatus(models.TextChoices):
    ACTIVE = "active", _("生效中")
    COMPLETED = "completed", _("已执行/已完成")
    REMOVED = "removed", _("已删除/已解除")
    EXPIRED = "expired", _("已到期")
    REVOKED = "revoked", _("已撤销")


class DishonestGround(models.TextChoices):
    # 《最高人民法院关于公布失信被执行人名单信息的若干规定》(2017) Art. 1 (1)–(6).
    ABLE_BUT_REFUSES = "able_but_refuses", _("有履行能力而拒不履行")
    OBSTRUCTS = "obstructs", _("以伪造证据、暴力、威胁等方法妨碍、抗拒执行")
    FALSE_LITIGATION = "false_litigation", _("以虚假诉讼、虚假仲裁或者隐匿、转移财产等方法规避执行")
    BREACHES_REPORT = "breaches_report", _("违反财产报告制度")
    BREACHES_RESTRICTION = "breaches_restriction", _("违反限制消费令")
    BREACHES_SETTLEMENT = "breaches_settlement", _("无正当理由拒不履行执行和解协议")


class AuctionItemKind(models.TextChoices):
    MOVABLE = "movable", _("动产")
    REAL_ESTATE = "real_estate", _("不动产")
    OTHER_RIGHT = "other_right", _("其他财产权")


class AuctionItemStatus(models.TextChoices):
    PENDING = "pending", _("待拍卖")
    LISTED = "listed", _("拍卖中")
    SOLD = "sold", _("已成交")
    UNSOLD = "unsold", _("流拍")
    WITHDRAWN = "withdrawn", _("已撤回")
    SUSPENDED = "suspended", _("暂缓/中止")


class AuctionOutcome(models.TextChoices):
    PENDING = "pending", _("未结束")
    SOLD = "sold", _("成交")
    UNSOLD = "unsold", _("流拍")
    WITHDRAWN = "withdrawn", _("撤回")
    SUSPENDED = "suspended", _("中止")


class LedgerStatus(models.TextChoices):
    OPEN = "open", _("督办中")
    RESOLVED = "resolved", _("已结案销号")


class RequeryStatus(models.TextChoices):
    DUE = "due", _("待查询")
    RUNNING = "running", _("查询中")
    DONE = "done", _("已查询")
    CANCELLED = "cancelled", _("已取消")


class ApprovalKind(models.TextChoices):
    """Steps that take effect only after a second person approves (four-eyes; docs/permissions.md)."""

    PAYOUT = "payout", _("案款发放")
    CLOSURE = "closure", _("结案")
    EXTENSION = "extension", _("延长执行期限")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    WITHDRAWN = "withdrawn", _("已撤回")


class TransferKind(models.TextChoices):
    ELEVATE = "elevate", _("提级执行")
    DESIGNATE = "designate", _("指定执行")
    DELEGATE = "delegate", _("委托执行")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("待接收法院审批")
    APPROVED = "approved", _("已移送")
    REJECTED = "rejected", _("已驳回")
    WITHDRAWN = "withdrawn", _("已撤回")


class SettlementStatus(models.TextChoices):
    ACTIVE = "active", _("履行中")
    PERFORMED = "performed", _("已履行完毕")
    BREACHED = "breached", _("未按期履行")
    ENDED = "ended", _("已恢复执行")


class LedgerStep(models.TextChoices):
    """一清二查三防: clear the stock, check why it stalled, prevent it recurring."""

    CLEAR = "clear", _("一清（清理存量）")
    CHECK = "check", _("二查（查明原因）")
    PREVENT = "prevent", _("三防（防止反弹）")


class LawyerOrderStatus(models.TextChoices):
    APPLIED = "applied", _("待审批")
    APPROVED = "approved", _("已签发")
    REJECTED = "rejected", _("不予准许")
    RETURNED = "returned", _("已交回")


class RewardNoticeStatus(models.TextChoices):
    """悬赏公告 (《最高人民法院关于民事执行中财产调查若干问题的规定》Art. 21–24)."""

    APPLIED = "applied", _("待审查")
    PUBLISHED = "published", _("已发布")
    REJECTED = "rejected", _("不予准许")
    CLOSED = "closed", _("已结束")


class RewardLeadStatus(models.TextChoices):
    RECEIVED = "received", _("待核查")
    CONFIRMED = "confirmed", _("核查属实")
    UNFOUNDED = "unfounded", _("核查不实")
    KNOWN = "known", _("法院已掌握")
    REWARD_REQUESTED = "reward_requested", _("悬赏金待审批")
    REWARDED = "rewarded", _("已发放悬赏金")
    REWARD_REFUSED = "reward_refused", _("不予发放悬赏金")


class RewardEntryKind(models.TextChoices):
    ADVANCE = "advance", _("预交悬赏金")
    REWARD = "reward", _("发放悬赏金")
    REFUND = "refund", _("退还悬赏金余额")


class LeadChannel(models.TextChoices):
    PHONE = "phone", _("电话（含12368）")
    VISIT = "visit", _("来访")
    LETTER = "letter", _("信函")
    PLATFORM = "platform", _("悬赏公告平台转来")
