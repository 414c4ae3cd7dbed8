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
