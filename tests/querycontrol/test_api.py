"""REST API of network query and control: scope, filters, idempotency, four-eyes over HTTP, institution keys."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from querycontrol.filtersets import ControlOrderFilterSet, FoundAssetFilterSet, QueryRequestFilterSet
from querycontrol.models import ControlOrder, FoundAsset, Institution, QueryRequest
from tests.api_mixins import APIViewTestCases, results

from .conftest import deposit, make_case, make_institutions, query_case

pytestmark = pytest.mark.django_db


def _request(court, **kw):
    case = make_case(court.code)
    qr = QueryRequest.objects.create(case=case, court=court, purpose="财产调查", requested_by_label="张伟", **kw)
    qr.respondents.set([case.respondent])
    return qr


def _asset(court, **kw):
    qr = _request(court)
    inst = Institution.objects.get(code="BANK-ICBC")
    return FoundAsset.objects.create(
        request=qr,
        case=qr.case,
        court=court,
        respondent=qr.case.respondent,
        institution=inst,
        kind=kw.pop("kind", "deposit"),
        asset_ref=kw.pop("asset_ref", f"62{qr.pk:017d}"),
        balance=kw.pop("balance", Decimal("50000.00")),
        found_at=timezone.now(),
        **kw,
    )


def _order(court, **kw):
    asset = _asset(court)
    return ControlOrder.objects.create(
        case=asset.case,
        court=court,
        kind=kw.pop("kind", "freeze"),
        asset=asset,
        institution=asset.institution,
        respondent=asset.respondent,
        requested_amount=Decimal("1000.00"),
        filed_by_label="张伟",
        **kw,
    )


@pytest.fixture(autouse=True)
def _institutions(db):
    make_institutions()


class TestQueryRequestAPI(APIViewTestCases.ReadOnly, APIViewTestCases.Create, APIViewTestCases.Filter):
    url = "/api/v1/query-requests/"
    model = QueryRequest
    filterset_class = QueryRequestFilterSet

    def make_object(self, court):
        return _request(court)

    def create_payload(self, courts):
        case = make_case("宁0105")
        return {"case": case.pk, "purpose": "核查存款", "institution_kinds": ["bank"]}

    def invalid_payloads(self, courts):
        case = make_case("宁0105")
        return [
            ({"case": case.pk}, "purpose"),
            ({"case": case.pk, "purpose": "x", "institution_kinds": ["moon"]}, "institution_kinds"),
            ({"case": make_case("宁0424").pk, "purpose": "x"}, "case"),
        ]

    def filter_cases(self, courts):
        a = _request(courts["宁0105"], status="complete", failed=2)
        b = _request(courts["宁0105"], status="running")
        return [
            ({"status": "complete"}, a, b),
            ({"has_failures": "true"}, a, b),
            ({"case": a.case_id}, a, b),
            ({"case_number": a.case.number}, a, b),
        ]


class TestFoundAssetAPI(APIViewTestCases.ReadOnly, APIViewTestCases.Filter):
    url = "/api/v1/found-assets/"
    model = FoundAsset
    filterset_class = FoundAssetFilterSet

    def make_object(self, court):
        return _asset(court)

    def filter_cases(self, courts):
        a = _asset(courts["宁0105"], kind="real_estate", asset_ref="宁不动产权第1号", balance=Decimal("900000.00"))
        b = _asset(courts["宁0105"])
        return [({"kind": "real_estate"}, a, b), ({"min_balance": "800000"}, a, b), ({"asset_ref": a.asset_ref}, a, b)]


class TestControlOrderAPI(APIViewTestCases.ReadOnly, APIViewTestCases.Filter):
    url = "/api/v1/control-orders/"
    model = ControlOrder
    filterset_class = ControlOrderFilterSet
    # Amounts, dates and bookkeeping fields are read, not searched; the useful ranges have their own filters.
    filter_exempt_fields = {
        "effective_amount",
        "held_amount",
        "filed_by_label",
        "submitted_at",
        "decided_by_label",
        "decided_at",
        "decision_note",
        "sent_at",
        "completed_at",
        "attempts",
        "institution_ref",
        "message",
        "last_error",
        "updated_at",
    }

    def make_object(self, court):
        return _order(court)

    def filter_cases(self, courts):
        a = _order(courts["宁0105"], status="submitted", expires_on=dt.date(2030, 1, 1))
        b = _order(courts["宁0105"], status="done", outcome="frozen", kind="seal")
        return [
            ({"status": "submitted"}, a, b),
            ({"kind": "seal"}, b, a),
            ({"outcome": "frozen"}, b, a),
            ({"expires_before": "2030-06-01"}, a, b),
        ]


def test_judge_starts_a_query_over_the_api_and_a_retried_post_gets_the_same_request(
    api, judge_xixia, courts, django_capture_on_commit_callbacks
):
    case = make_case()
    client = api.as_officer(judge_xixia)
    with django_capture_on_commit_callbacks() as callbacks:
        first = client.post("/api/v1/query-requests/", {"case": case.pk, "purpose": "财产调查"}, format="json")
        second = client.post("/api/v1/query-requests/", {"case": case.pk, "purpose": "财产调查"}, format="json")
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert len(callbacks) == 1
    progress = client.get(f"/api/v1/query-requests/{first.json()['id']}/").json()
    assert (progress["status"], progress["done"], progress["total"]) == ("queued", 0, Institution.objects.count())


def test_orders_are_filed_and_approved_over_the_api_with_four_eyes(
    api, judge_xixia, approver_xixia, courts, django_capture_on_commit_callbacks
):
    case = make_case()
    query_case(case, judge_xixia, django_capture_on_commit_callbacks)
    account = deposit(case)
    client = api.as_officer(judge_xixia)
    filed = client.post(
        "/api/v1/control-orders/", {"kind": "freeze", "asset": account.pk, "amount": "100000.01"}, format="json"
    )
    assert filed.status_code == 400 and filed.json()["code"] == "over_freeze"
    filed = client.post(
        "/api/v1/control-orders/",
        {"kind": "freeze", "asset": account.pk, "amount": "30000.00"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="freeze-1",
    )
    again = client.post(
        "/api/v1/control-orders/",
        {"kind": "freeze", "asset": account.pk, "amount": "30000.00"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="freeze-1",
    )
    assert filed.status_code == 201 and again.json()["id"] == filed.json()["id"]
    assert ControlOrder.objects.filter(case=case).count() == 1
    order_id = filed.json()["id"]
    assert client.post(f"/api/v1/control-orders/{order_id}/approve/", {}, format="json").status_code == 403
    approver = api.as_officer(approver_xixia)
    with django_capture_on_commit_callbacks():
        approved = approver.post(f"/api/v1/control-orders/{order_id}/approve/", {"note": "同意"}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approver.post(f"/api/v1/control-orders/{order_id}/approve/", {}, format="json").status_code == 409


def test_bank_key_sees_and_answers_only_its_own_institutions_orders(
    api, bank_partner, judge_xixia, approver_xixia, courts, django_capture_on_commit_callbacks
):
    icbc = _order(courts["宁0105"], status="sent")
    other = _order(courts["宁0105"], status="sent")
    ControlOrder.objects.filter(pk=other.pk).update(institution=Institution.objects.get(code="BANK-CMB"))
    client = api.as_partner(bank_partner)
    listed = {row["id"] for row in results(client.get("/api/v1/control-orders/"))}
    assert icbc.pk in listed and other.pk not in listed
    assert client.get(f"/api/v1/control-orders/{other.pk}/").status_code == 404
    assert (
        client.get("/api/v1/query-requests/").status_code == 403
    )  # a gateway reads its tasks, not the courts' requests
    body = {"status": "done", "requested_amount": "1000.00", "effective_amount": "1000.00", "expires_on": "2030-01-01"}
    assert client.post(f"/api/v1/control-orders/{other.pk}/answer/", body, format="json").status_code == 404
    answered = client.post(f"/api/v1/control-orders/{icbc.pk}/answer/", body, format="json")
    assert answered.status_code == 200, answered.content
    assert (answered.json()["status"], answered.json()["outcome"], answered.json()["held_amount"]) == (
        "done",
        "frozen",
        "1000.00",
    )
    assert client.post(f"/api/v1/control-orders/{icbc.pk}/answer/", body, format="json").status_code == 409
    # A bank key cannot file or approve.
    assert (
        client.post("/api/v1/control-orders/", {"kind": "freeze", "asset": icbc.asset_id}, format="json").status_code
        == 403
    )
    assert client.post(f"/api/v1/control-orders/{icbc.pk}/approve/", {}, format="json").status_code == 403


def test_out_of_scope_query_request_answers_404(api, judge_jingyuan, courts):
    qr = _request(courts["宁0105"])
    assert api.as_officer(judge_jingyuan).get(f"/api/v1/query-requests/{qr.pk}/").status_code == 404
    assert api.as_officer(judge_jingyuan).post(f"/api/v1/query-requests/{qr.pk}/cancel/").status_code == 404


def test_openapi_documents_the_query_and_control_endpoints(api, judge_xixia):
    schema = api.as_officer(judge_xixia).get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/query-requests/",
        "/api/v1/query-requests/{id}/cancel/",
        "/api/v1/control-orders/{id}/approve/",
        "/api/v1/control-orders/{id}/answer/",
        "/api/v1/found-assets/",
    ):
        assert path in schema["paths"], path
