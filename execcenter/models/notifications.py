"""The notifications outbox (消息通知): one row per message and channel, written in the transaction that causes it
and sent afterwards by a worker (execcenter.notify). Rows are never deleted: they are the record of who was told what."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from execcenter.choices import AlertSeverity, NotificationChannel, NotificationStatus

from .scoped import ScopedQuerySet


class Notification(models.Model):
    # Sent with the message (e-mail Message-ID, gateway Idempotency-Key), so a receiver can drop a repeat.
    uuid = models.UUIDField(_("消息编号"), default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        "execcenter.Officer", verbose_name=_("接收人"), on_delete=models.PROTECT, related_name="notifications"
    )
    court = models.ForeignKey("execcenter.Court", verbose_name=_("法院"), on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("渠道"), max_length=16, choices=NotificationChannel.choices)
    address = models.CharField(_("地址"), max_length=256, help_text=_("邮箱、手机号或机器人地址（创建时的设置）"))
    severity = models.CharField(_("级别"), max_length=16, choices=AlertSeverity.choices, default=AlertSeverity.WARNING)
    subject = models.CharField(_("标题"), max_length=160)
    body = models.TextField(_("内容"))
    link = models.CharField(_("链接"), max_length=256, blank=True)
    # What caused the message and on which channel: the same cause never makes a second row (never sent twice).
    dedup_key = models.CharField(_("去重键"), max_length=160, unique=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    # Not sent before this time: the end of the recipient's quiet hours, or the next retry.
    not_before = models.DateTimeField(_("最早发送时间"), db_index=True)
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    claimed_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    external_ref = models.CharField(_("回执号"), max_length=128, blank=True)
    last_error = models.CharField(_("错误信息"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("消息通知")
        verbose_name_plural = _("消息通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["status", "not_before"],
                name="notification_due_idx",
                condition=models.Q(status__in=["pending", "sending"]),
            )
        ]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.recipient_id}: {self.subject}"


class NotificationPreference(models.Model):
    """How one officer wants to be told: channels, addresses and quiet hours (免打扰). Critical messages ignore the
    quiet hours; everything else waits until they end."""

    officer = models.OneToOneField(
        "execcenter.Officer", verbose_name=_("干警"), on_delete=models.CASCADE, related_name="notification_preference"
    )
    channels = models.JSONField(_("接收渠道"), default=list, help_text=_("email、sms、webhook 中的若干项"))
    email = models.EmailField(_("电子邮箱"), blank=True)
    webhook_url = models.URLField(_("机器人地址"), blank=True, help_text=_("企业微信或钉钉群机器人的 Webhook 地址"))
    quiet_start = models.TimeField(_("免打扰开始"), null=True, blank=True)
    quiet_end = models.TimeField(_("免打扰结束"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")

    def __str__(self):
        return str(self.officer)
