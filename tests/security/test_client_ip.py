"""Issue 11 point 1: the client address comes from trusted proxies only, and audit rows, the public lookup's limit
and login lockouts all read that one answer."""

import pytest
from django.test import RequestFactory

from execcenter.clientip import client_ip
from execcenter.models import AuditLog
from execcenter.services import audit


def _req(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_forwarded_for_is_ignored_without_trusted_proxies(settings):
    settings.TRUSTED_PROXY_NETWORKS, settings.TRUSTED_PROXY_COUNT = [], 0
    assert client_ip(_req("198.51.100.7", "1.2.3.4")) == "198.51.100.7"


def test_forwarded_for_is_believed_only_when_the_peer_is_a_trusted_proxy(settings):
    settings.TRUSTED_PROXY_NETWORKS, settings.TRUSTED_PROXY_COUNT = ["10.0.0.0/8"], 0
    # Through our proxy: the first hop from the right that is not one of ours is the client.
    assert client_ip(_req("10.0.0.2", "6.6.6.6, 198.51.100.7")) == "198.51.100.7"
    assert client_ip(_req("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.9")) == "198.51.100.7"
    # Straight to the app (the peer is not our proxy): whatever header it sent is the attacker's own writing.
    assert client_ip(_req("198.51.100.7", "1.2.3.4")) == "198.51.100.7"
    # Garbage in the chain stops the walk at the last address a trusted proxy vouched for.
    assert client_ip(_req("10.0.0.2", "1.2.3.4, not-an-ip")) == "10.0.0.2"


def test_with_a_proxy_count_the_client_is_that_many_hops_from_the_right(settings):
    settings.TRUSTED_PROXY_NETWORKS, settings.TRUSTED_PROXY_COUNT = [], 1
    assert client_ip(_req("10.0.0.2", "6.6.6.6, 198.51.100.7")) == "198.51.100.7"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_req("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.9")) == "198.51.100.7"
    assert client_ip(_req("10.0.0.2", "198.51.100.7")) == "10.0.0.2"  # fewer hops than proxies


def test_ipv6_addresses_are_normalised(settings):
    settings.TRUSTED_PROXY_NETWORKS, settings.TRUSTED_PROXY_COUNT = ["fd00::/8"], 0
    assert client_ip(_req("fd00::1", "2001:DB8:0:0::1")) == "2001:db8::1"


@pytest.mark.django_db
def test_audit_ip_cannot_be_forged_with_x_forwarded_for(settings):
    settings.TRUSTED_PROXY_NETWORKS, settings.TRUSTED_PROXY_COUNT = [], 0
    entry = audit(None, "test.forged", request=_req("198.51.100.7", "1.2.3.4"), object_type="x", object_id="1")
    assert AuditLog.objects.get(pk=entry.pk).ip == "198.51.100.7"


def test_lockouts_and_the_public_lookup_read_the_same_function(settings):
    from axes.helpers import get_client_ip_address

    settings.TRUSTED_PROXY_NETWORKS = ["10.0.0.0/8"]
    request = _req("10.0.0.2", "6.6.6.6, 198.51.100.7")
    assert get_client_ip_address(request) == client_ip(request) == "198.51.100.7"
