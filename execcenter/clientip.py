"""The client's address: the one answer that audit rows, throttles, login lockouts and the public lookup's
limits all read (issue 11, point 1).

`X-Forwarded-For` is written by whoever sends the request, so it is believed only as far as it was appended by
proxies we trust:

- TRUSTED_PROXY_NETWORKS (CIDRs): the socket peer must be in one of them, then the header is read from the right
  and the first hop that is not a trusted proxy is the client. Safe even if the app is reachable directly.
- TRUSTED_PROXY_COUNT = N: exactly N proxies sit in front and each appends the address it saw, so the client is
  the N-th entry from the right. Only safe when nothing can reach the app except through those proxies.
- neither (the default): the socket address (REMOTE_ADDR); the header is ignored.

Returns a normalised IP string, or None when the request has no usable socket address (e.g. a test request).
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


def _ip(value):
    try:
        return ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None


@lru_cache(maxsize=8)
def _networks(cidrs):
    return tuple(ipaddress.ip_network(c.strip(), strict=False) for c in cidrs if c.strip())


def _trusted(ip, networks):
    return any(ip.version == n.version and ip in n for n in networks)


def client_ip(request):
    """str | None: the address of the client that sent `request` (see the module docstring for the rule)."""
    if request is None:
        return None
    remote = _ip(request.META.get("REMOTE_ADDR"))
    if remote is None:
        return None
    networks = _networks(tuple(settings.TRUSTED_PROXY_NETWORKS or ()))
    count = int(settings.TRUSTED_PROXY_COUNT or 0)
    if not networks and count <= 0:
        return str(remote)
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if networks:
        if not _trusted(remote, networks):
            return str(remote)  # not sent by our proxy: its X-Forwarded-For is whatever the client wrote
        nearest_trusted = remote
        for hop in reversed(hops):
            ip = _ip(hop)
            if ip is None:
                break  # garbage inside the chain: the last address a trusted proxy vouched for is all we know
            if not _trusted(ip, networks):
                return str(ip)
            nearest_trusted = ip
        return str(nearest_trusted)
    if len(hops) < count:
        return str(remote)  # fewer hops than proxies: it did not come through all of them
    ip = _ip(hops[-count])
    return str(ip) if ip is not None else str(remote)
