"""Partner API key lifecycle (issue 11, point 4): issue, rotate, revoke; each audited with who, from where and the
partner's court. Only the SHA-256 of a key is stored; the raw key is returned once, to be shown once.

Each step requires the policy's "partner_key.manage" (execcenter/rules.py). Expiry is a field (`PartnerClient.expires_at`) checked on every request by APIKeyAuthentication.
"""

from django.db import transaction
from django.utils import timezone

from execcenter.policy import require
from execcenter.services import audit


@transaction.atomic
def issue_key(client, actor, *, request=None, action="partner.key_issued"):
    """Give `client` a new random key (saving it) and return the raw key; any previous key stops working at once.

    Raises ValueError for a revoked client: revocation is final, issue a new client instead.
    """
    require(actor, "partner_key.manage")
    if client.revoked_at is not None:
        raise ValueError("a revoked partner key cannot be re-issued")
    raw = client.set_key()
    client.key_issued_at = timezone.now()
    client.save()
    audit(
        actor,
        action,
        client,
        request=request,
        court=client.court,
        details={
            "key_prefix": client.key_prefix,
            "expires_at": client.expires_at.isoformat() if client.expires_at else None,
        },
    )
    return raw


def rotate_key(client, actor, *, request=None):
    """A new key for an existing client (the old one is refused from now on); returns the raw new key."""
    return issue_key(client, actor, request=request, action="partner.key_rotated")


@transaction.atomic
def revoke_key(client, actor, *, request=None):
    """Revoke for good: the key is refused from the next request on. Idempotent (a second revoke changes nothing)."""
    require(actor, "partner_key.manage")
    if client.revoked_at is not None:
        return False
    client.revoked_at, client.is_active = timezone.now(), False
    client.save(update_fields=["revoked_at", "is_active"])
    audit(
        actor,
        "partner.key_revoked",
        client,
        request=request,
        court=client.court,
        details={"key_prefix": client.key_prefix},
    )
    return True
