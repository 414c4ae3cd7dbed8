"""The public lookup's captcha cannot be used to fill the database or the two cores (issue 11, point 3).

Found by the attack pass: every anonymous GET of the lookup page and every `/captcha/refresh/` (any client sending
X-Requested-With) wrote a captcha row, without limit, and expired rows were never removed; every
`/captcha/image/<key>/` (and `@2`) drew a PNG on the server's CPU, without limit. Now issuing a challenge and
drawing its image count against the client address's limits (429 beyond), the refresh, audio and 2× routes the
page never uses are gone, and expired challenges are removed as new ones are issued.
"""

import datetime as dt
import re

import pytest
from captcha.models import CaptchaStore
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db
URL = "/command/disclosure/"


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.DISCLOSURE_CHALLENGES_PER_IP = 5
    settings.DISCLOSURE_IMAGES_PER_IP = 8


def _key(response):
    return re.search(r'name="captcha_key" value="(\w+)"', response.content.decode()).group(1)


def test_issuing_challenges_is_limited_per_address(courts):
    client = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [client.get(URL).status_code for _ in range(8)]
    assert statuses == [200] * 5 + [429] * 3
    assert CaptchaStore.objects.count() == 5
    assert Client(REMOTE_ADDR="203.0.113.8").get(URL).status_code == 200  # another address has its own budget


def test_drawing_images_is_limited_per_address(courts):
    client = Client(REMOTE_ADDR="203.0.113.9")
    key = _key(client.get(URL))
    statuses = [client.get(f"/captcha/image/{key}/").status_code for _ in range(10)]
    assert statuses == [200] * 8 + [429] * 2


@pytest.mark.parametrize("path", ["/captcha/refresh/", "/captcha/audio/{key}.wav", "/captcha/image/{key}@2/"])
def test_routes_the_page_does_not_use_are_gone(courts, path):
    client = Client(REMOTE_ADDR="203.0.113.10")
    key = _key(client.get(URL))
    before = CaptchaStore.objects.count()
    response = client.get(path.format(key=key), HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 404
    assert CaptchaStore.objects.count() == before


def test_expired_challenges_are_removed_as_new_ones_are_issued(courts):
    client = Client(REMOTE_ADDR="203.0.113.11")
    old = _key(client.get(URL))
    CaptchaStore.objects.filter(hashkey=old).update(expiration=timezone.now() - dt.timedelta(minutes=1))
    client.get(URL)
    assert not CaptchaStore.objects.filter(hashkey=old).exists()
    assert CaptchaStore.objects.count() == 1
