"""Assisting institutions (查控协助单位): banks and registries that answer network queries and orders."""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from querycontrol.choices import (
    ACTIONS_BY_KIND,
    TERM_CLASS_BY_KIND,
    TERM_YEARS,
    AssetTermClass,
    InstitutionCategory,
    InstitutionKind,
)


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` later (29 Feb → 28 Feb in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class InstitutionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def of_kinds(self, kinds):
        """All active institutions when `kinds` is empty (a query names no kinds = every kind)."""
        qs = self.active()
        return qs.filter(kind__in=list(kinds)) if kinds else qs

    def supporting(self, action):
        # JSON containment is not portable to SQLite; institutions are few, so filter in Python.
        return [i for i in self if action in i.supported_actions]


class Institution(models.Model):
    """One bank or registry. `code` is stable: orders, results and partner keys refer to it."""

    code = models.CharField(_("机构代码"), max_length=32, unique=True)
    name = models.CharField(_("机构名称"), max_length=64, unique=True)
    kind = models.CharField(_("类别"), max_length=16, choices=InstitutionKind.choices, db_index=True)
    category = models.CharField(_("细分类别"), max_length=32, choices=InstitutionCategory.choices, blank=True)
    # Administrative division (GB/T 2260) of a local institution; empty for national ones.
    region_code = models.CharField(_("所在行政区划"), max_length=6, blank=True)
    supported_actions = models.JSONField(_("支持的措施"), default=list)
    asset_term_class = models.CharField(_("控制期限类别"), max_length=16, choices=AssetTermClass.choices)
    is_active = models.BooleanField(_("启用"), default=True)

    # Enforced across all workers by the fan-out (a shared token bucket), not per worker process.
    rate_per_second = models.PositiveIntegerField(_("每秒请求上限"), default=10)
    max_in_flight = models.PositiveIntegerField(_("并发请求上限"), default=4)
    # Optional gateway of this institution for the HTTP connector (otherwise the shared base URL).
    gateway_url = models.URLField(_("接口地址"), blank=True)

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("查控协助单位")
        verbose_name_plural = _("查控协助单位")
        ordering = ["kind", "code"]
        indexes = [models.Index(fields=["kind", "is_active"], name="institution_kind_active")]

    def __str__(self):
        return self.name

    def supports(self, action) -> bool:
        return str(action) in self.supported_actions

    @property
    def term_years(self) -> int:
        return TERM_YEARS[AssetTermClass(self.asset_term_class)]

    def max_term_days(self, start: datetime.date | None = None) -> int:
        """Longest term in days of a freeze / seal (or of one renewal) starting on `start`.

        民诉法解释 Art. 485: deposits 1 year, movables 2, real estate and other rights 3; counted in
        calendar years, so a term that spans 29 February is one day longer.
        """
        start = start or timezone.localdate()
        return (add_years(start, self.term_years) - start).days

    def apply_kind_defaults(self):
        """Fill actions and term class from the kind when they were not given explicitly."""
        kind = InstitutionKind(self.kind)
        if not self.supported_actions:
            self.supported_actions = [str(a) for a in ACTIONS_BY_KIND[kind]]
        if not self.asset_term_class:
            self.asset_term_class = TERM_CLASS_BY_KIND[kind]
        return self

    def save(self, *args, **kwargs):
        self.apply_kind_defaults()
        super().save(*args, **kwargs)


__all__ = ["Institution", "InstitutionQuerySet", "add_years"]
