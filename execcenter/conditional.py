"""Conditional requests (RFC 9110 §13.1.2 If-None-Match), answered the same way everywhere.

A gzip proxy on the way turns a strong ETag weak (`W/"…"`), and a client that kept several representations sends a
list (`"a", W/"b"`). If-None-Match uses the *weak* comparison (§8.8.3.2: two tags match when their opaque-tags are
equal, whether or not either is marked weak) and `*` matches any current representation. A byte-for-byte
comparison sent the screen poll's full 25 KB bundle every 5 s to every screen behind such a proxy.

Used by the screen poll (dashboards.api.snapshot) and by the static files (execcenter.static.WeakETagWhiteNoise).
"""

from django.utils.http import parse_etags


def _opaque(tag):
    return tag[2:] if tag.startswith("W/") else tag


def none_match(header, etag):
    """True when an If-None-Match header value (str or None) matches `etag` (our current tag, quoted, maybe weak),
    i.e. when the answer is 304 Not Modified. A malformed header matches nothing (the full answer is always safe)."""
    if not header or not etag:
        return False
    tags = parse_etags(header)
    if tags == ["*"]:
        return True
    current = _opaque(etag)
    return any(_opaque(tag) == current for tag in tags)
