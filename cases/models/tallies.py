"""Per-court tallies of the case table, kept by PostgreSQL triggers in the transaction of every change (issue 17).

The screen's case modules (1–10, 38) read these instead of the case table, so a refresh reads what the courts and
the days hold, not every case: at 10,000,000 cases a scan of the case table costs seconds, the tally a fraction.

A case contributes rows of these kinds (the figures that read them in parentheses):
- F (filed): day = filed_on, mask                                              (收案 today / month / year; trend)
- C (closed, or status closed): day = closed_on (may be null), status, closure type, mask
                                                                  (结案 periods; closure types; funnel "closed"; trend)
- O (open: status ≠ closed): day = closed_on, status, mask, no_leader, filed_on, deadline = statutory_deadline,
  outstanding                         (存案; funnel; 审限 overdue / due soon; 长期未结 bands; tagged open, outstanding)
- R (every case): mask, recovered                                                   (tagged recovered, all time)
- J (open): judge_id                                                                          (judge workload, m07)

`mask` holds the tags the screen shows: 1 涉民生, 2 农民工工资, 4 涉党政机关.

Rows are only ever inserted: a trigger adds the new state's rows with n = +1 and the old state's with n = −1 (amounts
signed the same way), so concurrent transactions never wait on one another's tally row nor deadlock on it; readers
SUM(n) per key. `compact()` folds the rows of each key touched since the last compaction into one (a beat task), and
`rebuild()` recomputes the whole table from the case table after a bulk load that ran with the triggers off.
SQLite (the embedded default) has no tally: the modules read the case table there (dashboards.case_tally.enabled).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from execcenter.models.scoped import ScopedQuerySet


class CaseTally(models.Model):
    court = models.ForeignKey(
        "execcenter.Court", verbose_name=_("法院"), on_delete=models.DO_NOTHING, db_constraint=False
    )
    kind = models.CharField(_("类别"), max_length=1)
    day = models.DateField(_("日期"))  # NONE_DAY (0001-01-01) when the kind has no day or closed_on is null
    status = models.CharField(_("状态"), max_length=16, default="")
    closure_type = models.CharField(_("结案方式"), max_length=24, default="")
    mask = models.SmallIntegerField(_("标签位"), default=0)
    no_leader = models.BooleanField(_("未落实包案领导"), default=False)
    filed_on = models.DateField(_("立案日期"), null=True)
    deadline = models.DateField(_("法定审限届满日"), null=True)
    judge_id = models.IntegerField(_("承办法官"), null=True)
    n = models.IntegerField(_("件数"))
    recovered = models.DecimalField(_("执行到位金额"), max_digits=22, decimal_places=2, default=0)
    outstanding = models.DecimalField(_("未执行金额"), max_digits=22, decimal_places=2, default=0)
    # False on the rows a trigger wrote since the last compaction (their keys are the ones compact() folds).
    folded = models.BooleanField(_("已合并"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件汇总")
        verbose_name_plural = _("案件汇总")
        indexes = [
            models.Index(fields=["kind", "day"], name="cases_tally_kind_day"),  # the screen's reads
            models.Index(fields=["court", "kind", "day"], name="cases_tally_key"),  # compaction's deletes
            models.Index(
                fields=["court", "kind", "day"], name="cases_tally_unfolded", condition=models.Q(folded=False)
            ),
        ]
