"""The big screen's unchanged poll answered in front of Django (issue 17: 1,000 screens polling every second on two
cores, each poll ≤ 20 ms p95).

Every screen asks `GET /api/v1/screens/<court>/snapshot` once a second with its screen token and the ETag it holds,
and nearly every answer is 304 Not Modified. Through Django that 304 cost ≈ 0.4 ms of CPU, most of it in eleven
middlewares that have nothing to do for it (sessions, CSRF, messages, locale, the CSP built anew for an empty body) —
so on two cores a thousand polls a second queued behind each other. `ScreenPollFastPath` wraps the WSGI application
(execcenter/wsgi.py) and answers exactly that case itself, with the same checks in the same order as the view
(dashboards.api.snapshot): a live token allowing the court (dashboards.screen_access), the court among the snapshot's,
and an If-None-Match matching the current ETag; the headers are the view's (`poll_headers`) plus the ones the
middleware would add to this response (security headers, CSP, Vary). Anything else — no token, a bad or revoked one,
another court, a changed snapshot, a host or scheme Django would refuse or redirect — goes to Django unchanged, which
answers it as before. tests/dashboards/test_fastpoll.py holds the two answers header for header against each other.
"""

from django.conf import settings
from django.core.handlers.wsgi import get_path_info
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http.cookie import parse_cookie
from django.http.request import split_domain_port, validate_host
from django.urls import get_script_prefix, reverse

from execcenter.conditional import none_match

from .api.snapshot import _current, poll_headers
from .screen_access import HEADER, token_allows

_route = {}


def _split_route():
    """(prefix, suffix) of the poll's path info around the court code, from the URLconf (once). reverse() puts the
    script prefix of the thread in front (a deployment under a sub-path); the path info the server passes has none."""
    if not _route:
        marker = "COURTCODE"
        path, script = reverse("screen-snapshot", args=[marker]), get_script_prefix()
        if path.startswith(script):
            path = "/" + path[len(script) :]
        prefix, _, suffix = path.partition(marker)
        _route.update(prefix=prefix, suffix=suffix)
    return _route["prefix"], _route["suffix"]


def _secure(environ):
    """request.is_secure() from the environ: the trusted proxy's header when SECURE_PROXY_SSL_HEADER is set and the
    header is there, else the server's scheme."""
    proxy = settings.SECURE_PROXY_SSL_HEADER
    if proxy and environ.get(proxy[0]) is not None:
        return environ[proxy[0]].split(",", 1)[0].strip() == proxy[1]
    return environ.get("wsgi.url_scheme") == "https"


def _host_allowed(environ):
    """What request.get_host() checks (CommonMiddleware calls it on every request: a bad Host is Django's 400)."""
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in environ:
        return False  # rare; leave the parsing of a forwarded host list to Django
    if "HTTP_HOST" in environ:  # present but empty is a bad Host, as for Django (HttpRequest._get_raw_host)
        host = environ["HTTP_HOST"]
    else:
        host = environ.get("SERVER_NAME", "")
        port = str(environ.get("SERVER_PORT", ""))
        if port and port != ("443" if environ.get("wsgi.url_scheme") == "https" else "80"):
            host = f"{host}:{port}"
    domain, _port = split_domain_port(host)
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    return bool(domain) and validate_host(domain, allowed)


def middleware_headers(secure):
    """The headers Django's middleware adds to the poll's 304 (SecurityMiddleware, django-csp, XFrameOptions, and
    LocaleMiddleware's Vary), in the same settings. Content-Type and Content-Language are not sent: RFC 9110 §15.4.5
    asks a 304 for no representation metadata beyond the validators, Cache-Control and Vary."""
    from csp.utils import build_policy

    out = []
    if secure and settings.SECURE_HSTS_SECONDS:
        hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            hsts += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            hsts += "; preload"
        out.append(("Strict-Transport-Security", hsts))
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        out.append(("X-Content-Type-Options", "nosniff"))
    referrer = settings.SECURE_REFERRER_POLICY
    if referrer:
        values = referrer.split(",") if isinstance(referrer, str) else referrer
        out.append(("Referrer-Policy", ",".join(v.strip() for v in values)))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        out.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    out.append(("X-Frame-Options", settings.X_FRAME_OPTIONS.upper()))
    for name, report_only in (("Content-Security-Policy", False), ("Content-Security-Policy-Report-Only", True)):
        policy = build_policy(report_only=report_only)
        if policy:
            out.append((name, policy))
    return out


_static = {}


@receiver(setting_changed)
def _settings_changed(**kwargs):
    _static.clear()  # the headers follow the settings (override_settings in tests)


def _middleware_headers(secure):
    if secure not in _static:
        _static[secure] = middleware_headers(secure)
    return _static[secure]


def _django_would_act(environ):
    """Requests on which CommonMiddleware or SessionMiddleware would do something of their own: a redirect to www, a
    refused user agent, or a malformed session cookie deleted by Set-Cookie (a well-formed one, live or not, changes
    nothing on this answer: the token poll never reads the session)."""
    if settings.PREPEND_WWW or settings.DISALLOWED_USER_AGENTS:
        return True
    cookies = environ.get("HTTP_COOKIE")
    if cookies and settings.SESSION_COOKIE_NAME in cookies:
        key = parse_cookie(cookies).get(settings.SESSION_COOKIE_NAME)
        return key is not None and len(key) < 8  # SessionBase._validate_session_key
    return False


def unchanged_headers(environ):
    """The 304's headers [(name, value)] when this request is an unchanged screen poll the view would answer 304;
    None when Django must answer it."""
    if environ.get("REQUEST_METHOD") != "GET":
        return None
    token, if_none_match = environ.get(HEADER), environ.get("HTTP_IF_NONE_MATCH")
    if not token or not if_none_match:
        return None
    prefix, suffix = _split_route()
    path = get_path_info(environ)
    if not (path.startswith(prefix) and path.endswith(suffix)):
        return None
    court_code = path[len(prefix) : len(path) - len(suffix)]
    if not court_code or "/" in court_code or environ.get("QUERY_STRING"):
        return None
    secure = _secure(environ)
    if (settings.SECURE_SSL_REDIRECT and not secure) or not _host_allowed(environ) or _django_would_act(environ):
        return None
    if token_allows(token, court_code) is not True:
        return None  # 401 or 404: Django's answer, with its message
    etag, meta = _current(court_code)
    if etag is None or meta is None or court_code not in meta["courts"] or not none_match(if_none_match, etag):
        return None
    headers = poll_headers(etag, meta)
    headers["Vary"] += ", Accept-Language"  # LocaleMiddleware's, as on Django's answer
    return [*headers.items(), *_middleware_headers(secure)]


class ScreenPollFastPath:
    """WSGI middleware: the unchanged screen poll answered here, everything else by `app`."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        try:
            headers = unchanged_headers(environ)
        except Exception:  # the cache down, say: Django answers, logs it and shows its own error page
            headers = None
        if headers is None:
            return self.app(environ, start_response)
        start_response("304 Not Modified", headers)
        return []
