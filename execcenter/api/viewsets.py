"""Base API classes: every ViewSet goes through the visibility rule, partner action scopes and
Idempotency-Key handling, so no view can forget them."""
from rest_framework import mixins, viewsets

from .idempotency import IdempotentPostMixin
from .permissions import PartnerActionPermission


class ScopedViewSetMixin(IdempotentPostMixin):
    permission_classes = [PartnerActionPermission]

    def get_queryset(self):
        # Out-of-scope records are absent, so retrieve answers 404 (never 403-with-details).
        return super().get_queryset().visible_to(self.request.user)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.GenericViewSet, mixins.ListModelMixin,
                         mixins.RetrieveModelMixin, mixins.CreateModelMixin):
    """List / retrieve / create; updates go through explicit @action endpoints that call services."""
