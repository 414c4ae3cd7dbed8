"""Odd input found by fuzzing the API answers 4xx or the right rows, never 500 (issue 13 item 11)."""

import datetime as dt
from urllib.parse import quote

import pytest

from execcenter.validators import REPORT_DAYS_FROM


@pytest.mark.parametrize(
    "value",
    [
        "2025-06-15T10:00:00+16:00",  # the input: beyond PostgreSQL's ±15:59
        "2025-06-15T10:00:00-17:35",
        "0300-09-25T20:38:43.97+17:35",
        "2025-06-15T10:00:00+23:59",
        "2025-06-15T10:00:00+15:59",  # the largest PostgreSQL takes itself
    ],
)
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/query-requests/?created_at__gte={}",
        "/api/v1/auction-rounds/?starts_at__gte={}",
        "/api/v1/case-events/?at__lte={}",
        "/api/v1/alerts/?raised_at__gte={}",
    ],
)
def test_a_datetime_filter_with_any_iso_offset_answers_without_a_server_error(api, director_high, url, value):
    response = api.as_officer(director_high).get(url.format(quote(value)))
    assert response.status_code in (200, 400), response.content[:300]


def test_a_datetime_offset_beyond_pg_range_means_the_same_instant(api, director_high, courts):
    from tests.factories import CaseFactory

    CaseFactory()  # its parties are created at the time of the test
    client = api.as_officer(director_high)
    now = dt.datetime.now(dt.UTC)
    later = (now + dt.timedelta(hours=1)).astimezone(dt.timezone(dt.timedelta(hours=16)))
    earlier = (now - dt.timedelta(hours=1)).astimezone(dt.timezone(dt.timedelta(hours=-17)))
    assert client.get(f"/api/v1/parties/?created_at__lte={quote(later.isoformat())}").json()["results"]
    assert not client.get(f"/api/v1/parties/?created_at__lte={quote(earlier.isoformat())}").json()["results"]


def test_the_html_case_list_takes_an_offset_beyond_pg_range(client, director_high):
    client.force_login(director_high.user)
    assert client.get("/cases/?updated_at__gte=" + quote("2025-06-15T10:00:00+16:00")).status_code == 200


@pytest.mark.parametrize("day", ["0001-01-02", "0439-01-27", "1989-12-31", "9999-12-31"])  # the issue's: near year 1
def test_a_bulletin_for_a_day_outside_the_calendar_of_reports_is_a_400(api, director_high, day):
    response = api.as_officer(director_high).post(
        "/api/v1/bulletins/", {"kind": "monthly", "court": "宁", "day": day}, format="json"
    )
    assert response.status_code == 400, response.content[:300]
    assert "date out of range" in response.json()["day"][0]


@pytest.mark.parametrize(
    "start, end", [("0001-01-01", "0001-12-31"), ("1900-01-01", "2025-01-01"), ("2025-01-01", "9999-12-31")]
)
def test_indicators_for_a_period_outside_the_calendar_of_reports_is_a_400(api, director_high, start, end):
    response = api.as_officer(director_high).get(f"/api/v1/indicators/?court=宁&start={start}&end={end}")
    assert response.status_code == 400


def test_reports_from_the_first_day_still_work(api, director_high):
    day = REPORT_DAYS_FROM.isoformat()
    assert api.as_officer(director_high).get(f"/api/v1/indicators/?court=宁&start={day}&end={day}").status_code == 200
