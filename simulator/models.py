"""The simulated outside world: what respondents hold at banks and registries, and each account's
freeze book. Only the simulator reads these tables; the product reaches them through a connector,
so a real deployment drops them and talks to gateways instead.
"""

import datetime
from decimal import Decimal

from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _


class SimInstitution(models.Model):
    """The simulator's own record of a bank or registry it plays: what the institution is (told by the product
    through the connector side, `querycontrol.connectors.simulator.publish`) and how it behaves (latency and
    failure rates, the simulator's own business). The product's `querycontrol.Institution` is never read here."""

    code = models.CharField(_("机构代码"), max_length=32, unique=True)
    name = models.CharField(_("机构名称"), max_length=64)
    kind = models.CharField(_("类别"), max_length=16)
    category = models.CharField(_("细分类别"), max_length=32, blank=True)
    region_code = models.CharField(_("所在行政区划"), max_length=6, blank=True)
    supported_actions = models.JSONField(_("办理的业务"), default=list)
    # 民诉法解释 Art. 485 as the institution applies it: the longest term of one freeze / seal, in years.
    term_years = models.PositiveSmallIntegerField(_("最长控制期限(年)"), default=1)
    is_active = models.BooleanField(_("启用"), default=True)
    # Behaviour, read only with SIMULATOR_LATENCY=realistic / failures (simulator/faults.py).
    latency_min_ms = models.PositiveIntegerField(_("模拟最短响应(毫秒)"), default=50)
    latency_max_ms = models.PositiveIntegerField(_("模拟最长响应(毫秒)"), default=500)
    failure_rate = models.FloatField(_("模拟故障率"), default=0.0)
    timeout_rate = models.FloatField(_("模拟超时率"), default=0.0)

    class Meta:
        verbose_name = _("模拟协助单位")
        verbose_name_plural = _("模拟协助单位")
        constraints = [
            models.CheckConstraint(
                condition=Q(latency_min_ms__lte=models.F("latency_max_ms")), name="sim_institution_latency_min_le_max"
            ),
        ]

    def __str__(self):
        return self.name

    def supports(self, action) -> bool:
        return str(action) in self.supported_actions

    def max_term_days(self, start: datetime.date) -> int:
        """Longest term in days of a freeze / seal (or one renewal) starting on `start`: `term_years` calendar
        years, so a term that spans 29 February is one day longer."""
        try:
            end = start.replace(year=start.year + self.term_years)
        except ValueError:  # 29 February → 28 February in a common year
            end = start.replace(year=start.year + self.term_years, day=28)
        return (end - start).days


class SimAccount(models.Model):
    """One account (deposits, funds) or asset (real estate, vehicle, shares ...) of one holder."""

    institution_code = models.CharField(_("机构代码"), max_length=32)
    holder_id_number = models.CharField(_("证件号码"), max_length=18)
    holder_name = models.CharField(_("户名"), max_length=64)
    asset_ref = models.CharField(_("账号/权证号"), max_length=64)
    asset_kind = models.CharField(_("财产类别"), max_length=16)
    description = models.CharField(_("描述"), max_length=200)
    # Cash accounts: the balance; other assets: the registered / appraised value. Yuan, 2 places.
    balance = models.DecimalField(_("余额/价值"), max_digits=16, decimal_places=2)
    # Freezes and deductions by amount (money) rather than seals of the whole asset.
    is_cash = models.BooleanField(_("资金类"), default=True)
    # When the debtor last had the chance to move money, and how many moves so far (book.apply_movement).
    moved_at = models.DateTimeField(null=True, blank=True)
    moves = models.PositiveIntegerField(default=0)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("模拟账户/财产")
        verbose_name_plural = _("模拟账户/财产")
        constraints = [
            models.UniqueConstraint(fields=["institution_code", "asset_ref"], name="sim_account_unique_ref"),
        ]
        indexes = [models.Index(fields=["institution_code", "holder_id_number"], name="sim_account_holder")]

    def __str__(self):
        return f"{self.institution_code}:{self.asset_ref}"

    def frozen_total(self) -> Decimal:
        return self.freezes.filter(status=SimFreeze.Status.ACTIVE).aggregate(t=Sum("frozen_amount"))["t"] or Decimal(
            "0.00"
        )

    def available(self) -> Decimal:
        """Money nobody has frozen: what a debtor can move and what a new freeze can take."""
        return max(self.balance - self.frozen_total(), Decimal("0.00"))


class SimFreeze(models.Model):
    """One entry in an account's freeze book: ours (carrying the order's key) or another court's."""

    class Kind(models.TextChoices):
        FREEZE = "freeze", _("冻结")
        SEAL = "seal", _("查封")

    class Status(models.TextChoices):
        ACTIVE = "active", _("生效")
        QUEUED = "queued", _("轮候")
        RELEASED = "released", _("已解除")
        EXPIRED = "expired", _("已到期失效")
        DEDUCTED = "deducted", _("已扣划")

    account = models.ForeignKey(SimAccount, on_delete=models.CASCADE, related_name="freezes")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.FREEZE)
    court_code = models.CharField(_("法院代字"), max_length=16)
    case_number = models.CharField(_("案号"), max_length=64)
    # Another court's measure that existed before we looked (not created through a connector).
    is_external = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices)
    requested_amount = models.DecimalField(max_digits=16, decimal_places=2)
    # Currently held by this freeze (active); what was held when it ended otherwise.
    frozen_amount = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0.00"))
    deducted_amount = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0.00"))
    released_amount = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0.00"))
    term_days = models.PositiveIntegerField()
    starts_on = models.DateField(null=True, blank=True)
    # The last day in force; the day after, the freeze has lapsed (民诉法解释 Art. 485).
    expires_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("模拟冻结登记")
        verbose_name_plural = _("模拟冻结登记")
        ordering = ["pk"]  # the queue order of 轮候 freezes is arrival order
        indexes = [models.Index(fields=["account", "status"], name="sim_freeze_account_status")]

    def __str__(self):
        return f"{self.case_number} {self.get_status_display()} {self.frozen_amount}"

    def matches_case(self, court_code, case_number) -> bool:
        return self.court_code == court_code and self.case_number == case_number


class SimRequest(models.Model):
    """The first answer to each idempotency key, per institution, with the request's fingerprint."""

    institution_code = models.CharField(max_length=32)
    key = models.CharField(max_length=128)
    action = models.CharField(max_length=10)
    fingerprint = models.CharField(max_length=64)
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("模拟请求记录")
        verbose_name_plural = _("模拟请求记录")
        constraints = [models.UniqueConstraint(fields=["institution_code", "key"], name="sim_request_unique_key")]


ACTIVE = Q(status=SimFreeze.Status.ACTIVE)
