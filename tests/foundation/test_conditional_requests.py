"""If-None-Match compares weakly and accepts lists, everywhere the product answers conditional requests
(RFC 9110 §13.1.2; issue 13 item 5): a gzip proxy turns ETags weak, and a list of tags is legal."""

from http import HTTPStatus

import pytest

from dashboards import snapshots
from dashboards.screen_access import issue_token
from execcenter.conditional import none_match
from execcenter.static import WeakETagStaticFile, WeakETagWhiteNoise
from tests.dashboards.conftest import NOW

CURRENT = '"7-3f9a"'


@pytest.mark.parametrize(
    "header",
    [
        '"7-3f9a"',  # the same bytes
        'W/"7-3f9a"',  # the issue's input: what a gzip proxy makes of it
        '"6-0000", "7-3f9a"',  # a list
        '"6-0000",W/"7-3f9a" , "8-1"',  # a list, weak member, odd spacing
        "*",
    ],
)
def test_if_none_match_matches_weakly_and_in_lists(header):
    assert none_match(header, CURRENT)
    assert none_match(header, "W/" + CURRENT)


@pytest.mark.parametrize("header", [None, "", '"7-3f9b"', 'W/"7-3f9"', '"6-0000", "8-1"', "7-3f9a", "W/7-3f9a", ",,,"])
def test_if_none_match_does_not_match_another_or_a_malformed_tag(header):
    assert not none_match(header, CURRENT)


@pytest.mark.parametrize("variant", ["W/{}", '"0-0", {}', 'W/"0-0", W/{}', "{}"])
def test_screen_poll_answers_304_to_a_weak_tag_or_a_list_holding_the_current_one(
    client, courts, director_high, variant
):
    snapshots.refresh(NOW)
    token = issue_token(director_high.user)
    first = client.get("/api/v1/screens/宁/snapshot", HTTP_X_SCREEN_TOKEN=token)
    assert first.status_code == 200
    again = client.get(
        "/api/v1/screens/宁/snapshot", HTTP_X_SCREEN_TOKEN=token, HTTP_IF_NONE_MATCH=variant.format(first["ETag"])
    )
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    other = client.get("/api/v1/screens/宁/snapshot", HTTP_X_SCREEN_TOKEN=token, HTTP_IF_NONE_MATCH='W/"0-0"')
    assert other.status_code == 200


def test_static_files_answer_304_to_a_weak_tag_or_a_list(tmp_path, settings):
    script = tmp_path / "screen.js"
    script.write_text("console.log(1);\n")
    static_file = WeakETagWhiteNoise(get_response=lambda request: None).get_static_file(
        str(script), "/static/screen.js"
    )
    assert isinstance(static_file, WeakETagStaticFile)
    etag = static_file.etag
    for header in (etag, "W/" + etag, f'"nope", {etag}', f'W/"x", W/{etag}'):
        assert static_file.get_response("GET", {"HTTP_IF_NONE_MATCH": header}).status == HTTPStatus.NOT_MODIFIED, header
    assert static_file.get_response("GET", {"HTTP_IF_NONE_MATCH": 'W/"nope"'}).status == HTTPStatus.OK
    # §13.2.2: If-None-Match present → If-Modified-Since is not consulted.
    assert (
        static_file.get_response(
            "GET", {"HTTP_IF_NONE_MATCH": '"nope"', "HTTP_IF_MODIFIED_SINCE": "Fri, 01 Jan 2100 00:00:00 GMT"}
        ).status
        == HTTPStatus.OK
    )
