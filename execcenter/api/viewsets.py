"""Base API classes: every ViewSet goes through the visibility rule, the permission policy and Idempotency-Key
handling, so no view can forget them."""

from rest_framework import mixins, viewsets

from .idempotency import IdempotentPostMixin
from .permissions import PolicyPermission


def validated_input(view, serializer_class, **kwargs) -> dict:
    """The request body of an action endpoint, validated by `serializer_class` (with the view's serializer context).

    Returns the serializer's `validated_data`; invalid input raises DRF's ValidationError, which the API answers
    400 with each field's message in Chinese and English, before any service is called (so nothing changes).
    The one helper every app's API uses for the bodies of its @action endpoints.
    """
    serializer = serializer_class(data=view.request.data, context=view.get_serializer_context(), **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ScopedViewSetMixin(IdempotentPostMixin):
    permission_classes = [PolicyPermission]
    policy_read = None  # e.g. "case.read": every safe endpoint of the view
    policy_actions = {}  # {DRF action: policy action} for the writes

    def get_queryset(self):
        # Out-of-scope records are absent, so retrieve answers 404 (never 403-with-details).
        return super().get_queryset().visible_to(self.request.user)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(
    ScopedViewSetMixin,
    viewsets.GenericViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
):
    """List / retrieve / create; updates go through explicit @action endpoints that call services."""
