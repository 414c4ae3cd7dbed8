"""Superscript and other Unicode "digits" in an id are bad input (4xx), never a 500 (issue 11, point 8).

Found by the attack pass: `"²".isdigit()` is true but `int("²")` raises, so `orders=²` on the documents zip and
`?centre=²` on the roster pages answered 500. An id is ASCII digits or nothing.
"""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["²", "١٢", "⑤"])
def test_the_documents_zip_refuses_unicode_digits(client, judge_xixia, value):
    client.force_login(judge_xixia.user)
    assert client.post("/querycontrol/orders/documents.zip", {"orders": [value]}).status_code == 404


@pytest.mark.parametrize("path", ["/duty/roster/", "/duty/roster/month/"])
@pytest.mark.parametrize("value", ["²", "١٢"])
def test_the_roster_pages_refuse_unicode_digits(client, director_high, path, value):
    client.force_login(director_high.user)
    assert client.get(path, {"centre": value}).status_code in (200, 404)
