from django.db import models


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


def scoped_queryset(court_field):
    """A ScopedQuerySet subclass whose visibility follows `court_field` (e.g. "case__court")."""
    name = f"ScopedQuerySet_{court_field.replace('__', '_')}"
    return type(name, (ScopedQuerySet,), {"court_field": court_field})
