import logging

from rest_framework.throttling import SimpleRateThrottle

from .permissions import is_partner


class PartnerKeyThrottle(SimpleRateThrottle):
    """Rate limit per partner API key (browser sessions are not throttled here)."""

    scope = "partner"

    def get_cache_key(self, request, view):
        if not is_partner(request.user):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}

    def allow_request(self, request, view):
        # The counters live in the cache. With the cache server down, partners are served unthrottled (and
        # it is logged) rather than every partner call failing with a 500: /healthz shows the cache down,
        # and the keys still authenticate and are scoped by the database (issue 16).
        try:
            return super().allow_request(request, view)
        except Exception as exc:  # the cache backend's connection error, whatever its type
            logging.getLogger(__name__).warning("partner throttle skipped, cache unavailable: %s", exc)
            return True
