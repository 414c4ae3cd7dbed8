"""A refused browser action goes back only to a page of this site (issue 11: open redirects).

Found by the attack pass: the command pages answered a refused action (409, 400) with a redirect to whatever the
request's Referer header said, `https://evil.example/` included. Now a Referer of another host, or none, goes back
to the page that was posted to.
"""

import datetime as dt

import pytest
from django.utils import timezone

from command import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(courts, director_high):
    now = timezone.now()
    return services.create_operation(
        director_high.user,
        name="集中查封",
        court=courts["宁"],
        courts=[courts["宁0105"]],
        starts_at=now,
        ends_at=now + dt.timedelta(days=1),
    )


@pytest.mark.parametrize("referer", ["https://evil.example/", "//evil.example/", "https:evil.example"])
def test_a_refused_action_never_redirects_to_another_host(client, planned, director_high, referer):
    client.force_login(director_high.user)
    url = f"/command/operations/{planned.pk}/end/"  # ending an operation not launched: refused (409)
    response = client.post(url, HTTP_REFERER=referer)
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert response["Location"] == url


def test_a_refused_action_goes_back_to_the_page_it_came_from(client, planned, director_high):
    client.force_login(director_high.user)
    page = f"http://testserver/command/operations/{planned.pk}/"
    response = client.post(f"/command/operations/{planned.pk}/end/", HTTP_REFERER=page)
    assert response.status_code == 302 and response["Location"] == page
