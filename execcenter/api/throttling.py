from rest_framework.throttling import SimpleRateThrottle

from .permissions import is_partner


class PartnerKeyThrottle(SimpleRateThrottle):
    """Rate limit per partner API key (browser sessions are not throttled here)."""

    scope = "partner"

    def get_cache_key(self, request, view):
        if not is_partner(request.user):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
