from django.db import models
from django.utils.translation import gettext_lazy as _


class CourtLevel(models.TextChoices):
    HIGH = "high", _("高级人民法院")
    INTERMEDIATE = "intermediate", _("中级人民法院")
    BASIC = "basic", _("基层人民法院")


class Role(models.TextChoices):
    JUDGE = "judge", _("执行法官")
    OFFICER = "officer", _("执行员")
    APPROVER = "approver", _("执行局长")
    # 院长 (or the vice-president in charge): approves extensions of the statutory deadline (执行期限规定).
    PRESIDENT = "president", _("院长")
    DUTY = "duty", _("值班员")
    DIRECTOR = "director", _("指挥中心主任")
    AUDITOR = "auditor", _("审计员")
    ADMIN = "admin", _("系统管理员")


# Roles whose work needs full ID numbers (documents to banks, approvals); every unmasked read is audited.
ROLES_SEEING_PERSONAL_DATA = {Role.JUDGE, Role.OFFICER, Role.APPROVER, Role.PRESIDENT}


class PartnerKind(models.TextChoices):
    CASE_SYSTEM = "case_system", _("执行办案系统")
    DISCLOSURE = "disclosure", _("执行公开系统")
    DISPATCH = "dispatch", _("应急调度系统")
    INSTITUTION = "institution", _("查控协助单位")
    LINKAGE = "linkage", _("联动单位")


class PartnerAction(models.TextChoices):
    READ = "read", _("读取")
    WRITE_CASES = "write_cases", _("写入案件")
    QUERY = "query", _("发起查询")
    CONTROL = "control", _("提交控制措施")
    APPROVE = "approve", _("审批")
    ANSWER = "answer", _("答复协助")


class AlertSeverity(models.TextChoices):
    INFO = "info", _("提示")
    WARNING = "warning", _("警告")
    CRITICAL = "critical", _("严重")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ACKNOWLEDGED = "acknowledged", _("已确认")
    RESOLVED = "resolved", _("已解除")


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")
    WEBHOOK = "webhook", _("企业微信/钉钉机器人")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
