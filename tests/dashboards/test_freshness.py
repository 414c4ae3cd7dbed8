"""Issue 17: dirty marks written on commit, the incremental refresh, and precompressed bundles."""

import datetime as dt
import gzip
import json
from decimal import Decimal

import brotli
import pytest
from django.db import transaction
from django.urls import reverse

from cases.choices import CaseStatus, MoneyKind, ReceiptSource
from cases.models import Case, MoneyEntry
from dashboards import dirty, refresher, snapshots
from dashboards.registry import all_modules
from dashboards.screen_access import issue_token

from .conftest import NOW, TODAY


def counters(kind, *courts):
    got = dirty.read([kind], [c.pk for c in courts])
    return {c.code: got.get((kind, c.pk), 0) for c in courts}


def receipt(case, amount="100.00"):
    return MoneyEntry.objects.create(
        case=case,
        kind=MoneyKind.RECEIPT,
        source=ReceiptSource.VOLUNTARY,
        amount=Decimal(amount),
        occurred_at=NOW,
        payout_due=TODAY,
    )


def poll(client, code, token, etag=None, encoding=None):
    headers = {"HTTP_X_SCREEN_TOKEN": token}
    if etag:
        headers["HTTP_IF_NONE_MATCH"] = etag
    if encoding is not None:
        headers["HTTP_ACCEPT_ENCODING"] = encoding
    return client.get(reverse("screen-snapshot", args=[code]), **headers)


@pytest.fixture
def token(director_high):
    return issue_token(director_high.user)


@pytest.fixture
def loop(courts, make_case, django_capture_on_commit_callbacks):
    """A refresher that has gathered the province once (its first round) over a case in two basic courts."""
    # "Committed" (callbacks run): a later change must not ride on a transaction's callback that never ran.
    with django_capture_on_commit_callbacks(execute=True):
        make_case(code="宁0105")
        make_case(code="宁0205")
    r = refresher.Refresher()
    assert r.step(NOW)["whole"] == list(all_modules())
    return r


# --- marks ---------------------------------------------------------------------------------------------------------


def test_a_change_marks_its_kind_and_court_only_when_it_commits(courts, make_case, django_capture_on_commit_callbacks):
    xixia, huinong = courts["宁0105"], courts["宁0205"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case = make_case(code="宁0105")
        receipt(case)
    # Nothing is written while the transaction is open, and one callback carries every mark of the transaction.
    assert counters("cases.Case", xixia) == {"宁0105": 0}
    assert len([cb for cb in callbacks if isinstance(cb, dirty._Pending)]) == 1
    for cb in callbacks:
        cb()
    assert counters("cases.Case", xixia, huinong) == {"宁0105": 1, "宁0205": 0}
    assert counters("cases.MoneyEntry", xixia) == {"宁0105": 1}
    assert dirty.read_global() == 1


def test_a_rolled_back_change_marks_nothing(courts, make_case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            make_case(code="宁0105")
            raise RuntimeError("the officer's form failed after the case was saved")
    assert callbacks == []
    assert counters("cases.Case", courts["宁0105"]) == {"宁0105": 0} and dirty.read_global() is None


def test_compare_and_swap_updates_and_a_moved_case_mark_their_courts(
    courts, make_case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(code="宁0105")
    assert counters("cases.Case", courts["宁0105"]) == {"宁0105": 1}
    with django_capture_on_commit_callbacks(execute=True):
        assert Case.objects.filter(pk=case.pk, status=case.status).update(status=CaseStatus.INVESTIGATING) == 1
    assert counters("cases.Case", courts["宁0105"]) == {"宁0105": 2}
    with django_capture_on_commit_callbacks(execute=True):
        Case.objects.filter(pk=case.pk).update(court=courts["宁0205"])
    # Everything that follows the case (measures, auction items...) moved with it: every kind, both courts.
    assert counters(dirty.ALL_KINDS, courts["宁0105"], courts["宁0205"]) == {"宁0105": 1, "宁0205": 1}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert Case.objects.filter(pk=case.pk, status=CaseStatus.CLOSED).update(closure_type="") == 0
    assert callbacks == []  # a lost compare-and-swap changed nothing and marks nothing


# --- the incremental refresh ---------------------------------------------------------------------------------------


def test_a_receipt_recomputes_only_the_money_modules_for_its_court_and_ancestors(
    loop, courts, make_case, django_capture_on_commit_callbacks
):
    case = Case.objects.get(court=courts["宁0105"])
    with django_capture_on_commit_callbacks(execute=True):
        receipt(case, "250.00")
    summary = loop.step(NOW)
    money = sorted(code for code, m in all_modules().items() if "cases.MoneyEntry" in m.sources)
    assert summary["computed"] == money
    assert summary["incremental"] == [c for c in money if all_modules()[c].additive]
    assert summary["scopes"] == ["宁", "宁01", "宁0105"]
    assert loop.step(NOW) is None  # nothing left to do: the marks were handled

    # The incremental figures are the ones a province refresh computes.
    incremental = snapshots.cache.get(snapshots.STATE_KEY)
    snapshots.PARTIALS.clear()
    snapshots.refresh(NOW, force=True)
    full = snapshots.cache.get(snapshots.STATE_KEY)
    for code in all_modules():
        assert incremental[code]["values"] == full[code]["values"], code


def test_a_mark_set_while_a_round_computes_is_handled_by_the_next_round(
    loop, courts, make_case, monkeypatch, django_capture_on_commit_callbacks
):
    case = Case.objects.get(court=courts["宁0105"])
    other = Case.objects.get(court=courts["宁0205"])
    real = snapshots.refresh_plan

    def slow_round(plan, now=None):
        with django_capture_on_commit_callbacks(execute=True):
            receipt(other, "7.00")  # commits while the round computes
        return real(plan, now)

    with django_capture_on_commit_callbacks(execute=True):
        receipt(case, "5.00")
    monkeypatch.setattr(snapshots, "refresh_plan", slow_round)
    assert loop.step(NOW)["scopes"] == ["宁", "宁01", "宁0105"]
    monkeypatch.setattr(snapshots, "refresh_plan", real)
    assert loop.step(NOW)["scopes"] == ["宁", "宁02", "宁0205"]


def test_indicators_follow_one_a_round_behind_the_per_court_work(
    loop, courts, settings, django_capture_on_commit_callbacks
):
    settings.SCREEN_HEAVY_MIN_SECONDS = 0
    case = Case.objects.get(court=courts["宁0105"])
    with django_capture_on_commit_callbacks(execute=True):
        Case.objects.filter(pk=case.pk).update(status=CaseStatus.INVESTIGATING)
    reading = [code for code, m in all_modules().items() if "cases.Case" in m.sources]
    light = [code for code in reading if all_modules()[code].additive]
    heavy = [code for code in reading if not all_modules()[code].additive]
    assert light and heavy
    first = loop.step(NOW)
    assert first["computed"] == light and first["incremental"] == light
    rest = []
    while (summary := loop.step(NOW)) is not None:
        assert summary["scopes"] == ["宁", "宁01", "宁0105"]
        rest += summary["computed"]
    assert rest == heavy  # one a round, after the per-court round


def test_indicators_gathered_recently_wait_and_their_marks_coalesce(
    loop, courts, settings, django_capture_on_commit_callbacks
):
    settings.SCREEN_HEAVY_MIN_SECONDS = 30
    heavy = sorted(code for code, m in all_modules().items() if "cases.Case" in m.sources and not m.additive)
    for code in ("宁0105", "宁0205"):
        case = Case.objects.get(court=courts[code])
        with django_capture_on_commit_callbacks(execute=True):
            Case.objects.filter(pk=case.pk).update(status=CaseStatus.INVESTIGATING)
        assert not set(loop.step(NOW)["computed"]) & set(heavy)  # gathered at NOW: not again within 30 s
        assert loop.step(NOW) is None
    later = NOW + dt.timedelta(seconds=31)
    first = loop.step(later)
    assert heavy[0] in first["computed"] and first["scopes"] == ["宁", "宁01", "宁0105", "宁02", "宁0205"]


def test_too_many_dirty_courts_gather_the_province_once(loop, courts):
    dirty.write({("cases.MoneyEntry", c.pk) for c in courts.values()})
    summary = loop.step(NOW)
    assert summary["incremental"] == [] and summary["whole"] == summary["computed"]


def test_the_screen_sees_a_receipt_after_one_round_and_other_screens_keep_their_etag(
    loop, client, courts, token, django_capture_on_commit_callbacks, django_assert_num_queries
):
    first = {code: poll(client, code, token) for code in ("宁0105", "宁0205")}
    case = Case.objects.get(court=courts["宁0105"])
    with django_capture_on_commit_callbacks(execute=True):
        receipt(case, "300.00")
    loop.step(NOW)
    seen = poll(client, "宁0105", token, first["宁0105"]["ETag"])
    assert seen.status_code == 200
    before, after = json.loads(first["宁0105"].content), json.loads(seen.content)
    assert before["modules"]["m24"]["data"] != after["modules"]["m24"]["data"]
    assert after["version"] == before["version"] + 1
    with django_assert_num_queries(0):
        assert poll(client, "宁0205", token, first["宁0205"]["ETag"]).status_code == 304


# --- precompressed bundles -----------------------------------------------------------------------------------------


def test_bundles_are_stored_compressed_and_served_in_the_encoding_the_client_accepts(
    loop, client, token, django_assert_num_queries
):
    plain = poll(client, "宁", token, encoding="")
    assert "Content-Encoding" not in plain and "Accept-Encoding" in plain["Vary"]
    with django_assert_num_queries(0):
        br = poll(client, "宁", token, encoding="gzip, deflate, br")
        gz = poll(client, "宁", token, encoding="gzip;q=1.0, br;q=0")
        none = poll(client, "宁", token, encoding="gzip;q=0, br;q=0, identity")
    assert br["Content-Encoding"] == "br" and brotli.decompress(br.content) == plain.content
    assert gz["Content-Encoding"] == "gzip" and gzip.decompress(gz.content) == plain.content
    assert "Content-Encoding" not in none and none.content == plain.content
    assert len(br.content) < len(gz.content) < len(plain.content)
    assert br["ETag"] == gz["ETag"] == plain["ETag"]


def test_a_bundle_is_compressed_once_per_change_not_per_publish(loop, courts, monkeypatch):
    calls = []
    real = snapshots.compressed
    monkeypatch.setattr(snapshots, "compressed", lambda body: calls.append(body) or real(body))
    state = snapshots.cache.get(snapshots.STATE_KEY)
    snapshots.publish(state, courts={c.pk: c for c in courts.values()})
    assert calls == []  # unchanged and in the cache
    state["m24"]["values"]["宁0105"] = {"items": []}
    snapshots.publish(state, courts={c.pk: c for c in courts.values()})
    assert len(calls) == 1


@pytest.mark.parametrize(
    "header, expected",
    [
        (None, None),
        ("", None),
        ("gzip", "gzip"),
        ("br", "br"),
        ("deflate, gzip, br, zstd", "br"),
        ("br;q=0, gzip;q=0.5", "gzip"),
        ("*", "br"),
        ("*;q=0, gzip", "gzip"),
        ("identity", None),
        ("gzip;q=zero", None),
    ],
)
def test_accept_encoding(header, expected):
    from dashboards.api.snapshot import accepted_encoding

    assert accepted_encoding(header) == expected


# --- who refreshes -------------------------------------------------------------------------------------------------


def test_the_beat_task_idles_while_the_loop_is_alive(courts, monkeypatch):
    from dashboards import tasks

    calls = []
    monkeypatch.setattr(snapshots, "refresh", lambda *a, **k: calls.append(1))
    refresher.run(tick=0, rounds=1)
    assert refresher.loop_alive()
    tasks.refresh_snapshots()
    assert calls == []
    snapshots.cache.delete(refresher.HEARTBEAT_KEY)
    tasks.refresh_snapshots()
    assert calls == [1]


def test_every_kind_a_module_reads_is_watched():
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    from dashboards.registry import source_kinds
    from execcenter.models.scoped import rows_changed

    for label in source_kinds():
        model = apps.get_model(label)
        assert post_save.has_listeners(model) and post_delete.has_listeners(model), label
        assert rows_changed.has_listeners(model), label


def test_bulk_created_rows_mark_their_courts_without_a_query_per_row(
    courts, make_case, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        cases = [make_case(code="宁0105"), make_case(code="宁0205")]
    entries = [
        MoneyEntry(
            case=case,
            court_id=case.court_id,
            kind=MoneyKind.RECEIPT,
            source=ReceiptSource.VOLUNTARY,
            amount=Decimal("1.00"),
            occurred_at=NOW,
            payout_due=TODAY,
        )
        for case in cases * 20
    ]
    with django_capture_on_commit_callbacks(execute=True), django_assert_max_num_queries(3):
        MoneyEntry.objects.bulk_create(entries)
    assert counters("cases.MoneyEntry", courts["宁0105"], courts["宁0205"]) == {"宁0105": 1, "宁0205": 1}


def test_an_alert_raised_marks_its_court(courts, django_capture_on_commit_callbacks):
    from execcenter.services import raise_alert

    with django_capture_on_commit_callbacks(execute=True):
        raise_alert(kind="test", court=courts["宁0205"], title="t", dedup_key="freshness-test")
    assert counters("execcenter.Alert", courts["宁0205"], courts["宁0105"]) == {"宁0205": 1, "宁0105": 0}
