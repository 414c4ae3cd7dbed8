from django.db import models
from django.utils.translation import gettext_lazy as _


class WarningRuleKind(models.TextChoices):
    """The early-warning rules (预警规则). Each is evaluated hourly for every court; thresholds are data (WarningRule)."""

    CASE_IDLE = "case_idle", _("案件长期无操作")
    DEADLINE_NEAR = "deadline_near", _("审限临近或届满")
    PAYOUT_WAITING = "payout_waiting", _("案款到账未发放")
    FREEZE_EXPIRING = "freeze_expiring", _("冻结/查封即将到期")
    REQUERY_DUE = "requery_due", _("终本案件定期查询到期")
    LEDGER_PLAN_OVERDUE = "ledger_plan_overdue", _("长期未结案件化解计划逾期")


# Defaults (days) and why, from docs/design.md §3–§4; a director changes them per court (WarningRule rows).
RULE_DEFAULTS = {
    # No case event for 30 days: nothing moved for a month on a running case.
    WarningRuleKind.CASE_IDLE: (30, "warning"),
    # Screen module 4: ≤ 30 days left on the 6-month statutory limit, or past it.
    WarningRuleKind.DEADLINE_NEAR: (30, "warning"),
    # 法发〔2017〕6号 allows 30 days for a payout; warn from day 20 so it is paid in time.
    WarningRuleKind.PAYOUT_WAITING: (20, "critical"),
    # 民诉法解释 Art. 485: a lapsed term ends the freeze; screen module 16 shows 7/15/30 days ahead — warn at 15.
    WarningRuleKind.FREEZE_EXPIRING: (15, "critical"),
    # 终本规定 Art. 9: the network query is repeated every 6 months; warn a week ahead.
    WarningRuleKind.REQUERY_DUE: (7, "warning"),
    # A long-pending (> 12 months) case needs a resolution plan on its ledger entry; 15 days after listing at the latest.
    WarningRuleKind.LEDGER_PLAN_OVERDUE: (15, "warning"),
}
