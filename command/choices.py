from django.db import models
from django.utils.translation import gettext_lazy as _

from execcenter.choices import AlertSeverity


class OperationStatus(models.TextChoices):
    PLANNED = "planned", _("筹备中")
    RUNNING = "running", _("进行中")
    ENDED = "ended", _("已结束")


class IncidentKind(models.TextChoices):
    OBSTRUCTION = "obstruction", _("暴力抗法/阻碍执行")
    CROWD = "crowd", _("人员聚集")
    INJURY = "injury", _("人员受伤")
    ESCAPE = "escape", _("被执行人逃匿")
    ASSET_TRANSFER = "asset_transfer", _("转移隐匿财产")
    TRAFFIC = "traffic", _("车辆/交通事故")
    OTHER = "other", _("其他")


class IncidentSeverity(models.TextChoices):
    LOW = "low", _("一般")
    MEDIUM = "medium", _("较重")
    HIGH = "high", _("严重")


# Open incidents raise alerts whose severity follows the incident's (docs/design.md §4 module 37).
ALERT_SEVERITY_FOR_INCIDENT = {
    IncidentSeverity.LOW: AlertSeverity.INFO,
    IncidentSeverity.MEDIUM: AlertSeverity.WARNING,
    IncidentSeverity.HIGH: AlertSeverity.CRITICAL,
}


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", _("已上报")
    DISPATCHED = "dispatched", _("已调度")
    CLOSED = "closed", _("已处置完毕")


class IncidentEventKind(models.TextChoices):
    REPORTED = "reported", _("上报")
    DISPATCHED = "dispatched", _("调度")
    UPDATE = "update", _("现场反馈")
    POSITION = "position", _("位置回传")
    CLOSED = "closed", _("处置完毕")


class LinkageKind(models.TextChoices):
    PUBLIC_SECURITY = "public_security", _("公安")
    HOUSING = "housing", _("住建/不动产")
    MARKET = "market", _("市场监管")
    TAX = "tax", _("税务")
    CIVIL_AFFAIRS = "civil_affairs", _("民政")
    NATURAL_RESOURCES = "natural_resources", _("自然资源")
    HUMAN_RESOURCES = "human_resources", _("人社")
    TOWNSHIP = "township", _("乡镇（街道）")
    OTHER = "other", _("其他")


class LetterStatus(models.TextChoices):
    SENT = "sent", _("已推送")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已办结")
    WITHDRAWN = "withdrawn", _("已撤回")


class AnswerChannel(models.TextChoices):
    PARTNER_API = "partner_api", _("联动单位接口")
    FORM = "form", _("在线表单")


class PetitionStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    CLOSED = "closed", _("已办结")


class BulletinKind(models.TextChoices):
    TEN_DAY = "ten_day", _("旬调度")
    MONTHLY = "monthly", _("月通报")


class FieldMeasure(models.TextChoices):
    """Measures a field team reports on a case (the coercive measures of 民事诉讼法 Ch. 21)."""

    SEAL = "seal", _("查封")
    SEIZE = "seize", _("扣押")
    FREEZE = "freeze", _("冻结")
    DEDUCT = "deduct", _("扣划")
    SEARCH = "search", _("搜查")
    DETAIN = "detain", _("司法拘留")
    FINE = "fine", _("罚款")
    EVICT = "evict", _("强制迁出")
    SUMMON = "summon", _("拘传")
