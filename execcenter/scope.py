"""The one court-visibility rule (docs/design.md §2).

An officer sees their own court and every court below it; a partner key sees the subtree it was
issued for; a superuser sees everything. Everything else sees nothing. Records outside the scope
are simply absent from querysets, so views answer 404 for them.
"""


def is_partner(actor):
    """A PartnerClient (API key) rather than a person."""
    return hasattr(actor, "key_hash")


def user_of(actor):
    """The Django user behind an actor, or None for partners, anonymous callers and the system (beat)."""
    if actor is None or is_partner(actor) or not getattr(actor, "is_authenticated", False):
        return None
    return actor


def court_ids_for(actor):
    """Court ids visible to `actor`, or None for "all courts"."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return []
    if getattr(actor, "is_superuser", False):
        return None
    court = None
    if is_partner(actor):
        court = actor.court
    else:
        officer = getattr(actor, "officer", None)
        court = officer.court if officer is not None else None
    return court.subtree_ids() if court is not None else []


def officer_of(actor):
    """The Officer profile behind a user, or None (partners, superusers without profile)."""
    if is_partner(actor):
        return None
    try:
        return actor.officer
    except Exception:  # RelatedObjectDoesNotExist / AnonymousUser
        return None


def has_role(actor, *roles):
    if getattr(actor, "is_superuser", False):
        return True
    officer = officer_of(actor)
    return officer is not None and officer.has_role(*roles)
