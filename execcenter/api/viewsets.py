"""Base API classes: every ViewSet goes through the visibility rule, the permission policy and Idempotency-Key
handling, so no view can forget them."""
from rest_framework import mixins, viewsets

from .idempotency import IdempotentPostMixin
from .permissions import PolicyPermission


class ScopedViewSetMixin(IdempotentPostMixin):
    permission_classes = [PolicyPermission]
    policy_read = None  # e.g. "case.read": every safe endpoint of the view
    policy_actions = {}  # {DRF action: policy action} for the writes

    def get_queryset(self):
        # Out-of-scope records are absent, so retrieve answers 404 (never 403-with-details).
        return super().get_queryset().visible_to(self.request.user)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.GenericViewSet, mixins.ListModelMixin,
                         mixins.RetrieveModelMixin, mixins.CreateModelMixin):
    """List / retrieve / create; updates go through explicit @action endpoints that call services."""
