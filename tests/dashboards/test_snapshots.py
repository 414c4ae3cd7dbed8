"""Snapshots and the poll endpoint: ETag / 304 without database queries, staleness, isolation, scope."""

import dataclasses
import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from cases.choices import ClosureType
from dashboards import registry, snapshots
from dashboards.models import CommandCentre, ScreenLayout
from dashboards.screen_access import issue_token

from .conftest import NOW, TODAY


def url(code):
    return reverse("screen-snapshot", args=[code])


def poll(client, code, token, etag=None):
    headers = {"HTTP_X_SCREEN_TOKEN": token}
    if etag:
        headers["HTTP_IF_NONE_MATCH"] = etag
    return client.get(url(code), **headers)


@pytest.fixture
def token(director_high):
    return issue_token(director_high.user)


def test_unchanged_poll_answers_304_without_any_database_query(
    client, courts, make_case, token, django_assert_num_queries
):
    make_case(filed=TODAY)
    snapshots.refresh(NOW)
    first = poll(client, "宁", token)
    assert first.status_code == 200
    body = json.loads(first.content)
    assert body["court"]["code"] == "宁" and body["modules"]["m01"]["data"]["rows"][0] == ["今日", 1, 0]
    with django_assert_num_queries(0):
        again = poll(client, "宁", token, first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    assert again["X-Snapshot-Stale"] == "0"


def test_polls_within_a_second_are_answered_from_the_process_without_the_cache(
    client, courts, make_case, token, settings, monkeypatch, django_assert_num_queries
):
    """Each web process keeps the last ETag it read for a second: a wall of screens costs the cache one read per
    court per second, and a new snapshot shows at most a second later."""
    from django.core.cache import cache as real_cache

    from dashboards.api import snapshot as view

    settings.SCREEN_POLL_LOCAL_SECONDS = 1.0
    clock = {"t": 1000.0}
    monkeypatch.setattr(view.time, "monotonic", lambda: clock["t"])
    make_case(filed=TODAY)
    snapshots.refresh(NOW)
    etag1 = poll(client, "宁", token)["ETag"]
    reads = []
    monkeypatch.setattr(
        view,
        "cache",
        type(
            "Counting",
            (),
            {
                "get_many": lambda self, keys: reads.append(keys) or real_cache.get_many(keys),
                "get": lambda self, key: real_cache.get(key),
            },
        )(),
    )
    with django_assert_num_queries(0):
        assert poll(client, "宁", token, etag1).status_code == 304
    assert reads == []
    make_case(filed=TODAY)
    snapshots.refresh(NOW + dt.timedelta(seconds=10), force=True)
    assert poll(client, "宁", token, etag1).status_code == 304  # still within the second: the old ETag
    clock["t"] += 1.01
    fresh = poll(client, "宁", token, etag1)
    assert fresh.status_code == 200 and fresh["ETag"] != etag1 and len(reads) == 1


def test_etag_changes_only_when_figures_change(client, courts, make_case, token):
    make_case(filed=TODAY)
    snapshots.refresh(NOW)
    etag1 = poll(client, "宁", token)["ETag"]
    snapshots.refresh(NOW + dt.timedelta(seconds=10), force=True)
    assert poll(client, "宁", token)["ETag"] == etag1
    make_case(filed=TODAY)
    snapshots.refresh(NOW + dt.timedelta(seconds=20), force=True)
    fresh = poll(client, "宁", token, etag1)
    assert fresh.status_code == 200 and fresh["ETag"] != etag1
    assert json.loads(fresh.content)["version"] == 2
    # A screen whose scope did not change keeps its ETag (泾源 has no cases either time).
    assert json.loads(poll(client, "宁0424", token).content)["version"] == 1


def test_endpoint_never_computes_and_reports_staleness(client, courts, make_case, token, monkeypatch):
    assert poll(client, "宁", token).status_code == 503  # nothing published yet: no computing in the request
    snapshots.refresh(NOW)
    meta = cache.get(snapshots.META_KEY)
    cache.set(snapshots.META_KEY, {**meta, "at": meta["at"] - 120}, None)  # the beat stopped two minutes ago
    res = poll(client, "宁", token)
    assert res.status_code == 200 and res["X-Snapshot-Stale"] == "1" and float(res["X-Snapshot-Age"]) >= 120


def test_a_failing_module_keeps_its_last_value_and_others_still_refresh(courts, make_case, monkeypatch):
    make_case(filed=TODAY)
    snapshots.refresh(NOW)
    good = cache.get(snapshots.STATE_KEY)["m03"]["values"]["宁"]

    def boom(ctx):
        raise RuntimeError("database on fire")

    monkeypatch.setitem(registry._MODULES, "m03", dataclasses.replace(registry._MODULES["m03"], gather=boom))
    make_case(filed=TODAY)
    summary = snapshots.refresh(NOW + dt.timedelta(seconds=10), force=True)
    assert summary["failed"] == ["m03"] and "m01" in summary["computed"]
    body = json.loads(cache.get(snapshots.body_key("宁"))["body"])
    m03 = body["modules"]["m03"]
    assert m03["data"] == good and "database on fire" in m03["error"]["message"]
    assert m03["error"]["last_ok_at"].startswith("2025-06-15T10:00:00")
    assert body["modules"]["m01"]["data"]["rows"][0] == ["今日", 2, 0] and body["modules"]["m01"]["error"] is None


def test_slow_modules_are_recomputed_only_after_their_interval(courts, make_case):
    snapshots.refresh(NOW)
    later = snapshots.refresh(NOW + dt.timedelta(seconds=10))
    assert "m01" in later["computed"] and "m10" not in later["computed"]
    assert "m10" in snapshots.refresh(NOW + dt.timedelta(seconds=61))["computed"]


def test_screen_layout_decides_which_modules_a_screen_gets(courts, director_high, token, client):
    centre = CommandCentre.objects.create(court=courts["宁"], name="宁夏高院执行指挥中心", director=director_high)
    ScreenLayout.objects.create(
        centre=centre, title="全区执行态势", pages=[{"title": "案款", "modules": ["m24", "m25"]}], page_seconds=15
    )
    snapshots.refresh(NOW)
    body = json.loads(poll(client, "宁", token).content)
    assert set(body["modules"]) == {"m38", "m39", "m40", "m24", "m25"}
    assert body["layout"] == {
        "title": "全区执行态势",
        "pages": [{"title": "案款", "modules": ["m24", "m25"]}],
        "page_seconds": 15,
    }
    assert "m24" not in json.loads(poll(client, "宁01", token).content)["layout"]["pages"][0]["modules"]


@pytest.mark.parametrize(
    "persona, code, status",
    [
        ("director_high", "宁0424", 200),
        ("duty_yinchuan", "宁0105", 200),
        ("duty_yinchuan", "宁01", 200),
        ("duty_yinchuan", "宁", 404),
        ("duty_yinchuan", "宁0424", 404),
        ("judge_xixia", "宁0105", 200),
        ("judge_xixia", "宁01", 404),
        ("judge_jingyuan", "宁0105", 404),
        ("director_high", "宁9999", 404),
    ],
)
def test_screens_follow_the_visibility_rule(request, client, courts, persona, code, status):
    officer = request.getfixturevalue(persona)
    snapshots.refresh(NOW)
    assert poll(client, code, issue_token(officer.user)).status_code == status
    client.force_login(officer.user)
    page = client.get(reverse("dashboards:screen", args=[code]))
    assert page.status_code == (200 if status == 200 else 404)


def test_forged_or_missing_token_is_refused(client, courts, token):
    snapshots.refresh(NOW)
    assert poll(client, "宁", token[:-2] + "xx").status_code == 401
    assert client.get(url("宁")).status_code == 401


def test_screen_page_loads_vendored_echarts_and_no_cdn(client, courts, director_high):
    client.force_login(director_high.user)
    html = client.get(reverse("dashboards:screen", args=["宁"])).content.decode()
    assert "/static/vendor/echarts/echarts.min.js" in html and "cdn" not in html.lower()
    assert "宁夏高院" in html or courts["宁"].short_name in html


def test_closed_today_counts_move_the_etag_at_midnight(client, courts, make_case, token):
    make_case(filed=TODAY, closed=TODAY, closure=ClosureType.COMPLETED)
    snapshots.refresh(NOW)
    before = poll(client, "宁", token)
    snapshots.refresh(
        dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(0, 0, 5), tzinfo=NOW.tzinfo), force=True
    )
    after = poll(client, "宁", token, before["ETag"])
    assert after.status_code == 200
    assert json.loads(after.content)["modules"]["m01"]["data"]["rows"][0] == ["今日", 0, 0]
