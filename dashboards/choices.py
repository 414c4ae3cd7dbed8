from django.db import models
from django.utils.translation import gettext_lazy as _


class ModuleGroup(models.TextChoices):
    CASES = "cases", _("管理指挥")
    QUERY = "query", _("查控")
    DISPOSAL = "disposal", _("处置")
    MONEY = "money", _("案款")
    CREDIT = "credit", _("信用惩戒")
    QUALITY = "quality", _("质效")
    COMMAND = "command", _("指挥调度")


class ChartKind(models.TextChoices):
    KPI = "kpi", _("指标卡")
    BAR = "bar", _("柱状图")
    LINE = "line", _("折线图")
    PIE = "pie", _("饼图")
    FUNNEL = "funnel", _("漏斗图")
    GAUGE = "gauge", _("仪表")
    TABLE = "table", _("滚动表格")
    MAP = "map", _("地图")
    DUTY = "duty", _("值班")
    TICKER = "ticker", _("预警滚动条")


class Post(models.TextChoices):
    A = "A", _("A岗")
    B = "B", _("B岗")


class SwapStatus(models.TextChoices):
    REQUESTED = "requested", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class AlertActionKind(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("确认")
    ESCALATE = "escalate", _("升级")
    NOTE = "note", _("处置记录")
    RESOLVE = "resolve", _("解除")


# Alert kinds the dashboards app raises itself.
ALERT_DUTY_GAP = "duty_gap"
ALERT_DUTY_NOT_CHECKED_IN = "duty_not_checked_in"
