"""Rate limit per partner API key, atomic across every web process (issue 11, point 4).

DRF's SimpleRateThrottle reads a list of timestamps from the cache and writes it back: two processes (or threads)
both read 599 and both let their request through, which let 650 requests pass in 18 s against 600/min. Here the
whole check-and-count is one atomic step (execcenter/ratelimit.py), so exactly `num` requests pass in any `duration`
window whatever the number of processes.
"""

import logging

from rest_framework.throttling import SimpleRateThrottle

from execcenter.ratelimit import hit

from .permissions import is_partner


class PartnerKeyThrottle(SimpleRateThrottle):
    """Rate limit per partner API key (browser sessions are not throttled here)."""

    scope = "partner"

    def get_cache_key(self, request, view):
        if not is_partner(request.user):
            return None
        return f"{self.scope}:{request.user.pk}"

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        name = self.get_cache_key(request, view)
        if name is None:
            return True
        try:
            allowed, self._wait = hit(name, self.num_requests, self.duration)
        except Exception as exc:  # the cache backend's connection error, whatever its type
            # With the cache server down, partners are served unthrottled (and it is logged) rather than every
            # partner call failing with a 500: /healthz shows the cache down, and the keys still authenticate and
            # are scoped by the database (issue 16).
            logging.getLogger(__name__).warning("partner throttle skipped, cache unavailable: %s", exc)
            return True
        return allowed

    def wait(self):
        return self._wait
