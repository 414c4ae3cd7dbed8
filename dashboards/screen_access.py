"""Who may open which screen, answered without the database on the poll path.

The screen page (a normal logged-in request) checks the visibility rule once and hands the browser a signed screen
token naming the court subtree the user may see (their court's code prefix) and the login session it was issued
under. Each poll (every second) then proves access by the signature and that session's screen grant, read from the
cache once per process and trusted until any grant is revoked (`_grant_live`). No session or user row is read, so an
unchanged poll (304) costs no query and, mostly, no cache read either.

A token ends with the session that issued it (issue 11, point 5): logging out, deactivating the user, or changing
their roles or court deletes the grant (signal receivers below), and the screen's poll answers 401 within
SCREEN_POLL_LOCAL_SECONDS (half a second). The page then asks for a new token through the session; when the session
is gone too, the wall shows a duty-login prompt. Grants live in the cache: if the cache is flushed, each screen renews
its token once through its session and carries on.
"""

import hashlib
import secrets
import threading
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.core import signing
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from execcenter.models import Officer
from execcenter.scope import officer_of

SALT = "dashboards.screen-token"
HEADER = "HTTP_X_SCREEN_TOKEN"
ALL_COURTS = "*"
MAX_GRANTS_PER_USER = 50  # screens one person has open at once; older grants beyond that lapse


def max_age():
    """Seconds a token's signature is valid: never longer than the login session it came from."""
    return settings.SCREEN_TOKEN_MAX_AGE


def scope_prefix(user):
    """The court-code prefix the user may see: 宁 ⊃ 宁01 ⊃ 宁0105 (codes nest, docs/design.md §3)."""
    if getattr(user, "is_superuser", False):
        return ALL_COURTS
    officer = officer_of(user)
    return officer.court.code if officer is not None else None


def _grant_key(sid):
    return f"screen-grant:{sid}"


def _user_grants_key(user_id):
    return f"screen-grants-of:{user_id}"


def session_id(session_key):
    # The token is readable by the page's script; the session key (the login cookie's secret) must not be in it.
    return hashlib.sha256(f"screen:{session_key}".encode()).hexdigest()[:24] if session_key else None


def issue_token(user, session_key=None):
    """A signed token for `user`'s screens, live while the session `session_key` is (None: a session-less grant,
    for benchmarks and tests, ended only by deactivation or a role change). None if the user sees no court."""
    prefix = scope_prefix(user)
    if prefix is None:
        return None
    sid = session_id(session_key) or secrets.token_hex(12)
    cache.set(_grant_key(sid), user.pk, max_age())
    grants = [g for g in cache.get(_user_grants_key(user.pk), []) if g != sid]
    lapsed, grants = grants[: -(MAX_GRANTS_PER_USER - 1)], grants[-(MAX_GRANTS_PER_USER - 1) :]
    if lapsed:  # ended, not merely forgotten: end_user_grants only reaches the grants in the list
        cache.delete_many([_grant_key(g) for g in lapsed])
        _revoked()
    cache.set(_user_grants_key(user.pk), [*grants, sid], max_age())
    return signing.dumps({"u": user.pk, "p": prefix, "s": sid}, salt=SALT, compress=False)


# Grants this process has seen live, so that a poll does not read its grant from the cache every second: {sid: (user
# id, the grants epoch it was read under)}. Every revocation anywhere writes a new epoch (`_revoked`), which each
# process reads at most every SCREEN_POLL_LOCAL_SECONDS; an entry of another epoch counts for nothing. So an ended
# grant stops its screens within that time (0.5 s by default; 0 reads the epoch on every poll), as a new snapshot
# reaches them, and an unchanged poll costs one cache read per process per half second instead of one per poll.
EPOCH_KEY = "screen-grants-epoch"
_seen = {}
_epoch = {"value": None, "until": 0.0}
_epoch_lock = threading.Lock()


def _current_epoch():
    now = time.monotonic()
    if _epoch["until"] <= now:
        with _epoch_lock:
            if _epoch["until"] <= now:
                value = cache.get(EPOCH_KEY)
                if value is None:
                    # Never "no epoch": a key lost with the cache (flush, restart, eviction) must not read as the
                    # same state as before, or grants seen before the loss would outlive a revocation in between.
                    cache.add(EPOCH_KEY, secrets.token_hex(8), None)
                    value = cache.get(EPOCH_KEY)
                _epoch.update(value=value, until=now + settings.SCREEN_POLL_LOCAL_SECONDS)
    return _epoch["value"]


def _revoked():
    """Called after grants were deleted: every process forgets the grants it has seen live."""
    cache.set(EPOCH_KEY, secrets.token_hex(8), None)


def _grant_live(sid, user_id):
    epoch = _current_epoch()
    if _seen.get(sid) == (user_id, epoch):
        return True
    if cache.get(_grant_key(sid)) != user_id:
        return False
    if len(_seen) > 100_000:  # one entry per open screen; never unbounded
        _seen.clear()
    _seen[sid] = (user_id, epoch)  # under the epoch read before the grant: a revocation in between voids it
    return True


def token_allows(token, court_code):
    """True / False for a live token; None when the token is missing, forged, expired or its session ended (within
    SCREEN_POLL_LOCAL_SECONDS of the end, see `_grant_live`)."""
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age())
    except signing.BadSignature:  # includes SignatureExpired
        return None
    sid = data.get("s")
    if not sid or not _grant_live(sid, data.get("u")):
        return None
    prefix = data.get("p")
    return prefix == ALL_COURTS or court_code.startswith(prefix)


def user_allows(user, court_code):
    if not getattr(user, "is_authenticated", False):
        return None
    prefix = scope_prefix(user)
    return prefix is not None and (prefix == ALL_COURTS or court_code.startswith(prefix))


def end_session_grant(session_key):
    sid = session_id(session_key)
    if sid:
        cache.delete(_grant_key(sid))
        _revoked()


def end_user_grants(user_id):
    """Every screen token of the user stops at its next poll."""
    sids = cache.get(_user_grants_key(user_id), [])
    cache.delete_many([_grant_key(s) for s in sids] + [_user_grants_key(user_id)])
    _revoked()


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if request is not None and getattr(request, "session", None) is not None:
        end_session_grant(request.session.session_key)


@receiver(pre_save, sender=get_user_model())
def _remember_user_state(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and not {"is_active", "is_superuser"} & set(update_fields):
        return  # e.g. last_login on every login: nothing that changes what a screen may show
    if instance.pk:
        before = sender.objects.filter(pk=instance.pk).values("is_active", "is_superuser").first()
        instance._screen_before = before


@receiver(post_save, sender=get_user_model())
def _user_changed(sender, instance, created, **kwargs):
    before = getattr(instance, "_screen_before", None)
    if before and (before["is_active"] != instance.is_active or before["is_superuser"] != instance.is_superuser):
        end_user_grants(instance.pk)


@receiver(pre_save, sender=Officer)
def _remember_officer_scope(sender, instance, **kwargs):
    if instance.pk:
        instance._screen_before = sender.objects.filter(pk=instance.pk).values("roles", "court_id").first()


@receiver(post_save, sender=Officer)
def _officer_changed(sender, instance, created, **kwargs):
    before = getattr(instance, "_screen_before", None)
    if before and (
        sorted(before["roles"] or []) != sorted(instance.roles or []) or before["court_id"] != instance.court_id
    ):
        end_user_grants(instance.user_id)


@receiver(post_delete, sender=Officer)
def _officer_removed(sender, instance, **kwargs):
    end_user_grants(instance.user_id)
