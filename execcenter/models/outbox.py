"""The transactional outbox (issue 16): a task message written in the same transaction as the decision
that causes it, handed to the broker after commit by a relay.

With the broker down, the decision still commits and the row waits; the relay (right after commit,
and every few seconds from beat once the broker is back) sends it and deletes it. A message sent twice
(relay crashed between the send and the delete) is harmless: every task is idempotent.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    task = models.CharField(_("任务"), max_length=200)
    args = models.JSONField(_("参数"), default=list)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    attempts = models.PositiveIntegerField(_("发送次数"), default=0)
    last_error = models.CharField(_("错误信息"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("待发送任务")
        verbose_name_plural = _("待发送任务")
        ordering = ["id"]

    def __str__(self):
        return f"{self.task}{tuple(self.args)}"
