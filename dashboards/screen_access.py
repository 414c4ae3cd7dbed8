"""Who may open which screen, answered without the database on the poll path.

The screen page (a normal logged-in request) checks the visibility rule once and hands the browser
a signed screen token naming the court subtree the user may see (their court's code prefix). Each
5-second poll then proves access by the signature alone: no session or user row is read, so an
unchanged poll (304) costs two cache reads and no query. Tokens expire (SCREEN_TOKEN_MAX_AGE) and the
page renews them through the session, so revoking a user takes effect within that time.
"""
from django.conf import settings
from django.core import signing

from execcenter.scope import officer_of

SALT = "dashboards.screen-token"
HEADER = "HTTP_X_SCREEN_TOKEN"
ALL_COURTS = "*"


def max_age():
    return getattr(settings, "SCREEN_TOKEN_MAX_AGE", 24 * 3600)


def scope_prefix(user):
    """The court-code prefix the user may see: 宁 ⊃ 宁01 ⊃ 宁0105 (codes nest, docs/design.md §3)."""
    if getattr(user, "is_superuser", False):
        return ALL_COURTS
    officer = officer_of(user)
    return officer.court.code if officer is not None else None


def issue_token(user):
    prefix = scope_prefix(user)
    if prefix is None:
        return None
    return signing.dumps({"u": user.pk, "p": prefix}, salt=SALT, compress=False)


def token_allows(token, court_code):
    """True / False for a valid token; None when the token is missing, forged or expired."""
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age())
    except signing.BadSignature:  # includes SignatureExpired
        return None
    prefix = data.get("p")
    return prefix == ALL_COURTS or court_code.startswith(prefix)


def user_allows(user, court_code):
    if not getattr(user, "is_authenticated", False):
        return None
    prefix = scope_prefix(user)
    return prefix is not None and (prefix == ALL_COURTS or court_code.startswith(prefix))
