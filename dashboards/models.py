"""Command centres, screen layouts, the AB-post duty roster and the alert-handling history.

The alert rows themselves live in execcenter (every app raises them); this app keeps what the duty
officers did with them (AlertAction), so the history survives later acknowledgements.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from execcenter.models.scoped import ScopedQuerySet, scoped_queryset

from .choices import AlertActionKind, Post, SwapStatus


class CommandCentre(models.Model):
    """The command centre (指挥中心) of one court: who directs it and how its duty is policed."""

    court = models.OneToOneField(
        "execcenter.Court", verbose_name=_("法院"), on_delete=models.PROTECT, related_name="command_centre"
    )
    name = models.CharField(_("名称"), max_length=64)
    director = models.ForeignKey(
        "execcenter.Officer",
        verbose_name=_("指挥中心主任"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # 分管院领导: the last step of the escalation chain (A岗 → B岗 → 主任 → 院领导).
    court_leader = models.ForeignKey(
        "execcenter.Officer",
        verbose_name=_("分管院领导"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # How long an alert may stay unacknowledged at one step of the chain before it goes to the next, per severity.
    escalate_after_minutes = models.PositiveIntegerField(_("严重预警升级时限（分钟）"), default=15)
    warning_escalate_after_minutes = models.PositiveIntegerField(_("一般预警升级时限（分钟）"), default=60)
    # Roster planning refuses a plan that puts an officer on more night shifts in a row than this (fatigue rule).
    max_consecutive_nights = models.PositiveSmallIntegerField(_("最多连续夜班数"), default=2)
    # A post not checked in this long after its shift started is a duty gap (issue 5).
    checkin_grace_minutes = models.PositiveIntegerField(_("签到宽限（分钟）"), default=15)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("指挥中心")
        verbose_name_plural = _("指挥中心")
        ordering = ["court__code"]

    def __str__(self):
        return self.name


def default_pages():
    from .layouts import default_pages as pages

    return pages()


class ScreenLayout(models.Model):
    """Which module pages a command centre's big screen rotates through (edited in the admin)."""

    centre = models.OneToOneField(
        CommandCentre, verbose_name=_("指挥中心"), on_delete=models.CASCADE, related_name="layout"
    )
    title = models.CharField(_("大屏标题"), max_length=64, blank=True)
    # [{"title": "管理指挥", "modules": ["m01", "m03", ...]}, ...]; the map, duty and ticker are always shown.
    pages = models.JSONField(_("轮播页面"), default=default_pages)
    page_seconds = models.PositiveIntegerField(_("每页停留（秒）"), default=20)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("大屏布局")
        verbose_name_plural = _("大屏布局")

    def __str__(self):
        return self.title or str(self.centre)

    def clean(self):
        from .layouts import validate_pages

        validate_pages(self.pages)


class Holiday(models.Model):
    """A public holiday (法定节假日) or a day the director treats as one: roster planning uses its holiday pattern."""

    day = models.DateField(_("日期"), unique=True)
    name = models.CharField(_("名称"), max_length=32)

    class Meta:
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")
        ordering = ["day"]

    def __str__(self):
        return f"{self.day} {self.name}"


class Shift(models.Model):
    """One duty shift of a command centre with its post A and post B officers (AB岗)."""

    centre = models.ForeignKey(
        CommandCentre, verbose_name=_("指挥中心"), on_delete=models.CASCADE, related_name="shifts"
    )
    name = models.CharField(_("班次"), max_length=16, help_text=_("白班、夜班或自定义"))
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    post_a = models.ForeignKey(
        "execcenter.Officer", verbose_name=_("A岗"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    post_b = models.ForeignKey(
        "execcenter.Officer", verbose_name=_("B岗"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    a_checked_in_at = models.DateTimeField(_("A岗签到"), null=True, blank=True)
    b_checked_in_at = models.DateTimeField(_("B岗签到"), null=True, blank=True)

    objects = scoped_queryset("centre__court").as_manager()

    class Meta:
        verbose_name = _("值班班次")
        verbose_name_plural = _("值班班次")
        ordering = ["centre", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            ),
            models.UniqueConstraint(fields=["centre", "starts_at"], name="uniq_shift_start_per_centre"),
            # AB岗 needs two people: one officer on both posts leaves the screen without its backup. (No officer on
            # two overlapping shifts and no handover before its shift are triggers: migration 0003.)
            models.CheckConstraint(
                condition=models.Q(post_a__isnull=True)
                | models.Q(post_b__isnull=True)
                | ~models.Q(post_a=models.F("post_b")),
                name="shift_posts_two_officers",
            ),
        ]

    def __str__(self):
        return f"{self.centre} {self.name} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def officer_on(self, post):
        return self.post_a if post == Post.A else self.post_b

    def checked_in_at(self, post):
        return self.a_checked_in_at if post == Post.A else self.b_checked_in_at


class ShiftSwap(models.Model):
    """A request to hand one post of a shift to another officer; takes effect only when approved."""

    shift = models.ForeignKey(Shift, verbose_name=_("班次"), on_delete=models.CASCADE, related_name="swaps")
    post = models.CharField(_("岗位"), max_length=1, choices=Post.choices)
    from_officer = models.ForeignKey(
        "execcenter.Officer", verbose_name=_("原值班人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    to_officer = models.ForeignKey(
        "execcenter.Officer", verbose_name=_("替班人"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("事由"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=SwapStatus.choices, default=SwapStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_queryset("shift__centre__court").as_manager()

    class Meta:
        verbose_name = _("换班申请")
        verbose_name_plural = _("换班申请")
        ordering = ["-created_at"]


class Handover(models.Model):
    """交接班: what the outgoing shift handled and what is still open; the next shift acknowledges it."""

    shift = models.OneToOneField(Shift, verbose_name=_("交班班次"), on_delete=models.CASCADE, related_name="handover")
    handled = models.TextField(_("已处理事项"))
    open_items = models.TextField(_("待办事项"), blank=True)
    written_by = models.ForeignKey(
        "execcenter.Officer", verbose_name=_("交班人"), on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(_("交班时间"), auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        "execcenter.Officer",
        verbose_name=_("接班确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("接班确认时间"), null=True, blank=True)

    objects = scoped_queryset("shift__centre__court").as_manager()

    class Meta:
        verbose_name = _("交接班记录")
        verbose_name_plural = _("交接班记录")


class AlertAction(models.Model):
    """One step in an alert's history: acknowledged, escalated, noted, resolved. Append-only."""

    alert = models.ForeignKey("execcenter.Alert", on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("动作"), max_length=16, choices=AlertActionKind.choices)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("操作人"), max_length=64)
    note = models.TextField(_("说明"), blank=True)
    escalated_to = models.ForeignKey(
        "execcenter.Officer",
        verbose_name=_("升级至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = scoped_queryset("alert__court").as_manager()

    class Meta:
        verbose_name = _("预警处置记录")
        verbose_name_plural = _("预警处置记录")
        ordering = ["at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("alert history is append-only")
        super().save(*args, **kwargs)


class AlertEscalation(models.Model):
    """Where an open alert stands on the escalation chain (A岗 → B岗 → 指挥中心主任 → 分管院领导).

    `level` is the last step taken (0: none yet); each step is also an AlertAction (escalate) with the officer it went
    to. Steps are taken by compare-and-swap on `level`, so two beat runs never take the same step twice."""

    alert = models.OneToOneField(
        "execcenter.Alert", on_delete=models.CASCADE, primary_key=True, related_name="escalation"
    )
    level = models.PositiveSmallIntegerField(_("升级层级"), default=0)
    stepped_at = models.DateTimeField(_("最近升级时间"), null=True, blank=True)
    # When the next step is due (null: the chain has ended).
    next_at = models.DateTimeField(_("下次升级时间"), null=True, blank=True, db_index=True)

    objects = scoped_queryset("alert__court").as_manager()

    class Meta:
        verbose_name = _("预警升级进度")
        verbose_name_plural = _("预警升级进度")
