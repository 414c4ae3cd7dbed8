from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext_lazy as _

from execcenter.choices import CourtLevel


class CourtQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from execcenter.scope import court_ids_for

        ids = court_ids_for(actor)
        return self if ids is None else self.filter(pk__in=ids)


class Court(models.Model):
    """A people's court. Codes nest (宁 ⊃ 宁01 ⊃ 宁0105), so a subtree is a code prefix."""

    code = models.CharField(_("法院代字"), max_length=16, unique=True)
    name = models.CharField(_("全称"), max_length=64, unique=True)
    short_name = models.CharField(_("简称"), max_length=32)
    level = models.CharField(_("层级"), max_length=16, choices=CourtLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级法院"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    division_code = models.CharField(_("行政区划代码"), max_length=6, unique=True)

    objects = CourtQuerySet.as_manager()

    class Meta:
        verbose_name = _("法院")
        verbose_name_plural = _("法院")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def subtree_ids(self):
        """This court and every court below it (the visibility rule, docs/design.md §2). Cached: courts rarely change.

        The cache only saves a query: with the cache server down the database answers, so filing and
        approving never depend on Redis being up (issue 16).
        """
        key = f"court-subtree:{self.pk}"
        try:
            ids = cache.get(key)
        except Exception:  # the cache backend's own connection error (redis.ConnectionError, timeouts, ...)
            ids, cache_up = None, False
        else:
            cache_up = True
        if ids is None:
            ids = list(Court.objects.filter(code__startswith=self.code).values_list("pk", flat=True))
            if cache_up:
                try:
                    cache.set(key, ids, 300)
                except Exception:  # went down in between: the next call asks the database again
                    pass
        return ids

    def contains(self, other):
        return other is not None and other.code.startswith(self.code)
