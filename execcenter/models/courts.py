from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext_lazy as _

from execcenter.choices import CourtLevel

# A day: invalidation on change keeps it right; the time limit only bounds what a missed signal could cost (a
# queryset.update() on courts sends none; the organisation is changed through save(), by load_courts or the admin).
SUBTREE_CACHE_SECONDS = 24 * 3600


def _subtree_key(court_id) -> str:
    return f"court-subtree:{court_id}"


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
        """This court and every court below it (the visibility rule, docs/design.md §2): a list of Court ids.

        Cached, and the cache is dropped whenever a court is saved or deleted (`forget_subtrees`), so a new or moved
        court is in its ancestors' scope at once. The cache only saves a query: with the cache server down the
        database answers, so filing and approving never depend on Redis being up (issue 16).
        """
        key = _subtree_key(self.pk)
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
                    cache.set(key, ids, SUBTREE_CACHE_SECONDS)
                except Exception:  # went down in between: the next call asks the database again
                    pass
        return ids

    def contains(self, other):
        return other is not None and other.code.startswith(self.code)


def forget_subtrees(**kwargs):
    """post_save / post_delete of a Court: drop every cached subtree. A court added, moved (new parent or code) or
    removed changes the subtree of each of its ancestors, and courts are few (28 in a province, ~200 at most)."""
    try:
        cache.delete_many(
            [_subtree_key(pk) for pk in Court.objects.values_list("pk", flat=True)]
            + ([_subtree_key(kwargs["instance"].pk)] if kwargs.get("instance") is not None else [])
        )
    except Exception:  # the cache server is down: nothing cached can be served from it either
        pass


models.signals.post_save.connect(forget_subtrees, sender=Court, dispatch_uid="court-forget-subtrees-save")
models.signals.post_delete.connect(forget_subtrees, sender=Court, dispatch_uid="court-forget-subtrees-delete")
