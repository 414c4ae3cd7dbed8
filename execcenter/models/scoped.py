from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.dispatch import Signal

# Sent after `update()`, `bulk_create()` and `bulk_update()` of a court-owned model changed rows, with
# `court_ids` (the owning courts, ints or None when unknown), `using`, and `moved=True` when an update changed the
# owning court itself. Those paths never call save(), so post_save does not see them; the big screens' dirty marks
# (dashboards/dirty.py) listen here. Only senders with a listener pay for finding the courts.
rows_changed = Signal()


class ScopedQuerySet(models.QuerySet):
    """Base queryset of every court-owned model: `Model.objects.visible_to(actor)`.

    `court_field` names the path to the owning court (e.g. "court" or "case__court"). Every view,
    API, export and screen goes through here, so the rule lives once (NetBox's RestrictedQuerySet).
    """

    court_field = "court"

    def visible_to(self, actor):
        from execcenter.scope import court_ids_for

        ids = court_ids_for(actor)
        return self if ids is None else self.filter(**{f"{self.court_field}__in": ids})

    def in_scope(self, court):
        """Records of `court` and every court below it (a screen's scope, not a user's)."""
        return self.filter(**{f"{self.court_field}__in": court.subtree_ids()})

    # --- change notification (rows_changed) ---------------------------------------------------------------------

    def _listened(self):
        return rows_changed.has_listeners(self.model)

    def _courts_of(self, objs):
        if "__" not in self.court_field:
            return {getattr(obj, f"{self.court_field}_id") for obj in objs}
        cached = [_cached_court(obj, self.court_field) for obj in objs]
        if all(found for found, _court in cached):  # built with their parents (QueryResult(request=qr)): no query
            return {court for _found, court in cached}
        pks = [obj.pk for obj in objs]
        if None in pks:  # a backend that does not return the keys of bulk-created rows: walk each one
            return {court_of(obj, self.court_field) for obj in objs}
        # One query for the batch, not one parent fetch per row (a demo seed bulk-creates 60,000 measures).
        courts = set()
        for i in range(0, len(pks), 10_000):
            rows = self.model._base_manager.using(self.db).filter(pk__in=pks[i : i + 10_000])
            courts.update(rows.values_list(self.court_field, flat=True).distinct())
        return courts

    def update(self, **kwargs):
        if not self._listened():
            return super().update(**kwargs)
        # The courts are read before the update (one indexed query; the services update one row by its key), so a
        # row moved to another court marks both.
        courts = set(self.values_list(self.court_field, flat=True).distinct())
        rows = super().update(**kwargs)
        if rows:
            moved = self.court_field in kwargs
            if moved:
                new = kwargs[self.court_field]
                courts.add(getattr(new, "pk", new))
            rows_changed.send(sender=self.model, court_ids=courts, using=self.db, moved=moved)
        return rows

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created and self._listened():
            rows_changed.send(sender=self.model, court_ids=self._courts_of(created), using=self.db)
        return created

    bulk_create.alters_data = True

    def bulk_update(self, objs, fields, *args, **kwargs):
        rows = super().bulk_update(objs, fields, *args, **kwargs)
        if rows and self._listened():
            rows_changed.send(sender=self.model, court_ids=self._courts_of(objs), using=self.db)
        return rows

    bulk_update.alters_data = True


def court_of(instance, court_field):
    """The court id owning `instance` along `court_field` ("court", "case__court", ...), or None when the path
    breaks (a parent row deleted with it)."""
    parts = court_field.split("__")
    obj = instance
    try:
        for part in parts[:-1]:
            obj = getattr(obj, part)
            if obj is None:
                return None
        return getattr(obj, f"{parts[-1]}_id")
    except ObjectDoesNotExist:
        return None


def _cached_court(instance, court_field):
    """(True, court id) when every parent on the path is already loaded on `instance`, else (False, None)."""
    obj = instance
    parts = court_field.split("__")
    for part in parts[:-1]:
        field = obj._meta.get_field(part)
        if not field.is_cached(obj):
            return False, None
        obj = getattr(obj, part)
        if obj is None:
            return True, None
    return True, getattr(obj, f"{parts[-1]}_id")


def scoped_queryset(court_field):
    """A ScopedQuerySet subclass whose visibility follows `court_field` (e.g. "case__court")."""
    name = f"ScopedQuerySet_{court_field.replace('__', '_')}"
    return type(name, (ScopedQuerySet,), {"court_field": court_field})
