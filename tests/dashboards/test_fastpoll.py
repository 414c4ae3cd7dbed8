"""The unchanged screen poll answered in front of Django (dashboards.fastpoll): the same 304 as the view, header for
header, without a database query; every other request reaches Django untouched; a revoked grant stops the screen."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from dashboards import screen_access, snapshots
from dashboards.fastpoll import ScreenPollFastPath
from dashboards.screen_access import end_user_grants, issue_token, token_allows

from .conftest import NOW, TODAY


def call(app, code, token=None, etag=None, method="get", host="testserver", query=None, **extra):
    """(status line, {header: value}) of one WSGI request to `app`."""
    headers = {"HTTP_HOST": host, **extra}
    if token:
        headers["HTTP_X_SCREEN_TOKEN"] = token
    if etag:
        headers["HTTP_IF_NONE_MATCH"] = etag
    environ = getattr(RequestFactory(), method)(reverse("screen-snapshot", args=[code]), query or {}, **headers).environ
    environ["PATH_INFO"] = environ["PATH_INFO"].encode().decode("latin-1")  # as a WSGI server passes it (PEP 3333)
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen.update(status=status, headers=dict(response_headers))

    b"".join(app(environ, start_response))
    return seen["status"], seen["headers"]


def django_poll(client, code, token, etag=None, **extra):
    """(status code, {header: value}) of the same poll answered by Django (the test client: same middleware)."""
    if etag:
        extra["HTTP_IF_NONE_MATCH"] = etag
    response = client.get(reverse("screen-snapshot", args=[code]), HTTP_X_SCREEN_TOKEN=token, **extra)
    return response.status_code, dict(response.headers)


class NotDjango:
    """Stands for Django behind the fast path: records what reached it."""

    def __init__(self):
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        start_response("299 Reached Django", [])
        return []


@pytest.fixture
def token(director_high):
    return issue_token(director_high.user)


@pytest.fixture
def etag(client, courts, make_case, token):
    make_case(filed=TODAY)
    snapshots.refresh(NOW)
    status, headers = django_poll(client, "宁", token)
    assert status == 200
    return headers["ETag"]


def comparable(headers):
    """Headers that must agree: the body's metadata a 304 should not carry and the age (a clock) left out, the CSP
    compared as a set of directives (django-csp's order is a set's)."""
    skip = {"Content-Type", "Content-Language", "Content-Length", "X-Snapshot-Age"}
    out = {k: v for k, v in headers.items() if k not in skip}
    for name in ("Content-Security-Policy", "Content-Security-Policy-Report-Only"):
        if name in out:
            out[name] = {d.strip() for d in out[name].split(";")}
    return out


def test_the_fast_304_is_djangos_304_header_for_header_without_a_query(
    client, etag, token, settings, django_assert_num_queries
):
    django_status, django_headers = django_poll(client, "宁", token, etag)
    assert django_status == 304
    behind = NotDjango()
    with django_assert_num_queries(0):
        status, headers = call(ScreenPollFastPath(behind), "宁", token, etag)
    assert behind.calls == 0 and status == "304 Not Modified"
    assert comparable(headers) == comparable(django_headers)
    assert {"Content-Type", "Content-Language"}.isdisjoint(headers)  # RFC 9110 §15.4.5: no body metadata on a 304
    # Over HTTPS behind the trusted proxy, as in production: HSTS too, as SecurityMiddleware adds it.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_HSTS_PRELOAD = (
        600,
        True,
        True,
    )
    secure = {"HTTP_X_FORWARDED_PROTO": "https", "wsgi.url_scheme": "https"}
    # A new client: SecurityMiddleware reads its settings when the handler loads it.
    _, django_headers = django_poll(Client(), "宁", token, etag, secure=True, HTTP_X_FORWARDED_PROTO="https")
    _, headers = call(ScreenPollFastPath(behind), "宁", token, etag, secure=True, **secure)
    assert behind.calls == 0 and comparable(headers) == comparable(django_headers)
    assert headers["Strict-Transport-Security"] == "max-age=600; includeSubDomains; preload"
    # HTTPS without the proxy's header (Django falls back to the server's scheme), and a policy Django normalises.
    settings.SECURE_REFERRER_POLICY, settings.X_FRAME_OPTIONS = "same-origin,  strict-origin", "deny"
    _, django_headers = django_poll(Client(), "宁", token, etag, secure=True)
    _, headers = call(ScreenPollFastPath(behind), "宁", token, etag, secure=True, **{"wsgi.url_scheme": "https"})
    assert behind.calls == 0 and comparable(headers) == comparable(django_headers)
    assert "Strict-Transport-Security" in headers and headers["Referrer-Policy"] == "same-origin,strict-origin"


@pytest.mark.parametrize(
    "case",
    [
        "no If-None-Match",
        "another ETag",
        "forged token",
        "no token",
        "court out of the token's scope",
        "unknown court",
        "POST",
        "disallowed Host",
        "empty Host",
        "query string",
        "malformed session cookie",
        "PREPEND_WWW",
        "the cache failing",
    ],
)
def test_every_other_request_reaches_django(case, etag, token, judge_xixia, settings, monkeypatch):
    kwargs = {"token": token, "etag": etag}
    code = "宁"
    if case == "no If-None-Match":
        kwargs["etag"] = None
    elif case == "another ETag":
        kwargs["etag"] = '"0-0"'
    elif case == "forged token":
        kwargs["token"] = token[:-2] + "xx"
    elif case == "no token":
        kwargs["token"] = None
    elif case == "court out of the token's scope":
        kwargs["token"] = issue_token(judge_xixia.user)  # sees 宁0105 only
    elif case == "unknown court":
        code = "宁9999"
    elif case == "POST":
        kwargs["method"] = "post"
    elif case == "disallowed Host":
        kwargs["host"] = "evil.example"
    elif case == "empty Host":
        kwargs["host"] = ""  # Django: 400 (DisallowedHost), not the server's own name
    elif case == "query string":
        kwargs["query"] = {"x": "1"}
    elif case == "malformed session cookie":
        kwargs["HTTP_COOKIE"] = "sessionid=abc"  # SessionMiddleware would delete it (Set-Cookie, Vary: Cookie)
    elif case == "PREPEND_WWW":
        settings.PREPEND_WWW = True  # CommonMiddleware would redirect
    elif case == "the cache failing":
        monkeypatch.setattr("dashboards.fastpoll._current", lambda code: 1 / 0)  # Django answers and logs it
    behind = NotDjango()
    assert call(ScreenPollFastPath(behind), code, **kwargs)[0] == "299 Reached Django"
    assert behind.calls == 1


def test_a_revoked_grant_stops_the_fast_path_as_it_stops_the_view(client, etag, token, director_high):
    behind = NotDjango()
    assert call(ScreenPollFastPath(behind), "宁", token, etag)[0].startswith("304")
    end_user_grants(director_high.user.pk)  # deactivation, a role change: every screen token of the user ends
    assert call(ScreenPollFastPath(behind), "宁", token, etag)[0] == "299 Reached Django"
    assert django_poll(client, "宁", token, etag)[0] == 401


def test_a_grant_seen_live_is_read_again_only_after_a_revocation(courts, director_high, settings, monkeypatch):
    """Within SCREEN_POLL_LOCAL_SECONDS a process trusts the grants it has seen live; any revocation anywhere
    (a new epoch in the cache) makes it read them again once that time is up."""
    settings.SCREEN_POLL_LOCAL_SECONDS = 60
    clock = [1000.0]
    monkeypatch.setattr(screen_access.time, "monotonic", lambda: clock[0])
    screen_access._epoch.update(value=None, until=0.0)
    token = issue_token(director_high.user)
    reads = []
    real_get = screen_access.cache.get
    monkeypatch.setattr(screen_access.cache, "get", lambda key, *a: reads.append(key) or real_get(key, *a))
    assert token_allows(token, "宁") and token_allows(token, "宁0105")
    assert sum(k.startswith("screen-grant:") for k in reads) == 1  # the second poll read nothing
    end_user_grants(director_high.user.pk)
    assert token_allows(token, "宁") is True  # this process has not looked at the epoch again yet: ≤ 60 s here
    clock[0] += 61
    assert token_allows(token, "宁") is None
    # A grant read under an older epoch counts for nothing, even if it sits in the table (a revocation raced it).
    fresh = issue_token(director_high.user)
    sid = screen_access.signing.loads(fresh, salt=screen_access.SALT)["s"]
    screen_access._seen[sid] = (director_high.user.pk, "an older epoch")
    screen_access.cache.delete(screen_access._grant_key(sid))
    assert token_allows(fresh, "宁") is None


def test_the_route_is_the_path_info_under_a_script_prefix(monkeypatch):
    """Deployed under a sub-path, the server passes the path info without it: the route must not include it."""
    from django.urls import set_script_prefix

    from dashboards import fastpoll

    monkeypatch.setattr(fastpoll, "_route", {})
    set_script_prefix("/ec/")
    try:
        assert fastpoll._split_route() == ("/api/v1/screens/", "/snapshot")
    finally:
        set_script_prefix("/")


def test_a_lost_epoch_is_a_new_epoch(courts, director_high, settings, monkeypatch):
    """A grant seen live, then revoked, then the cache loses the epoch key before this process reads it: the grant
    must not count as seen (with "no epoch" as a value, it would have until the next revocation)."""
    settings.SCREEN_POLL_LOCAL_SECONDS = 60
    clock = [1000.0]
    monkeypatch.setattr(screen_access.time, "monotonic", lambda: clock[0])
    screen_access._epoch.update(value=None, until=0.0)
    screen_access.cache.delete(screen_access.EPOCH_KEY)
    token = issue_token(director_high.user)
    assert token_allows(token, "宁") is True and screen_access._epoch["value"] is not None
    end_user_grants(director_high.user.pk)
    screen_access.cache.delete(screen_access.EPOCH_KEY)  # lost: flush, restart without persistence, eviction
    clock[0] += 61
    assert token_allows(token, "宁") is None


def test_a_grant_pushed_out_by_the_cap_is_ended_not_forgotten(courts, director_high):
    """issue_token keeps MAX_GRANTS_PER_USER grants in the user's list; one dropped from the list must end too, or a
    deactivation (end_user_grants, which reads the list) would miss it."""
    first = issue_token(director_high.user)
    later = [issue_token(director_high.user) for _ in range(screen_access.MAX_GRANTS_PER_USER)]
    assert token_allows(first, "宁") is None and token_allows(later[-1], "宁") is True
    end_user_grants(director_high.user.pk)
    assert all(token_allows(t, "宁") is None for t in later)
