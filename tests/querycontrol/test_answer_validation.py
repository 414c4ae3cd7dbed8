"""Answers from outside are checked per institution before they are believed (issue 16).

A gateway's malformed answer for one institution fails that institution alone, named, and the good answers
of the same batch are kept; a bank's order answer that claims more than was asked, omits the amount asked or
has an unknown status is refused with a critical alert, and nothing is recorded as held or paid.
"""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from execcenter.models import Alert
from querycontrol.connectors import ConnectorError, FoundAsset, Party
from querycontrol.connectors import validation as v
from querycontrol.connectors.http import HTTPConnector
from querycontrol.models import ControlOrder, QueryResult
from querycontrol.services import orders as order_services
from querycontrol.services import queries as query_services
from querycontrol.services import sending

from .conftest import deposit, query_case, run_fanout

GOOD = {
    "assets": [
        {
            "asset_ref": "6222000011112222",
            "asset_kind": "deposit",
            "description": "活期",
            "balance": "1234.50",
            "frozen_by_others": "0.00",
            "details": {},
        }
    ]
}
# What the issue's gateway sent (and a few more): each must fail its own institution, nothing else.
MALFORMED = {
    "string": "OK",
    "list": [GOOD],
    "null_assets": {"assets": None},
    "no_assets_key": {"found": 1},
    "asset_without_kind": {"assets": [{"asset_ref": "A1", "balance": "1.00"}]},
    "unknown_kind": {"assets": [{"asset_ref": "A1", "asset_kind": "gold", "balance": "1.00"}]},
    "chinese_balance": {"assets": [{"asset_ref": "A1", "asset_kind": "deposit", "balance": "一千元"}]},
    "twenty_digit_balance": {
        "assets": [{"asset_ref": "A1", "asset_kind": "deposit", "balance": "12345678901234567890"}]
    },
    "negative_balance": {"assets": [{"asset_ref": "A1", "asset_kind": "deposit", "balance": "-5.00"}]},
    "three_decimals": {"assets": [{"asset_ref": "A1", "asset_kind": "deposit", "balance": "1.005"}]},
    "asset_is_number": {"assets": [42]},
    "ref_missing": {"assets": [{"asset_kind": "deposit", "balance": "1.00"}]},
    "ref_too_long": {"assets": [{"asset_ref": "9" * 65, "asset_kind": "deposit", "balance": "1.00"}]},
    "duplicate_ref": {"assets": [GOOD["assets"][0], GOOD["assets"][0]]},
    "details_not_object": {"assets": [{"asset_ref": "A1", "asset_kind": "deposit", "balance": "1.00", "details": "x"}]},
    "nan_balance": {"assets": [{"asset_ref": "A1", "asset_kind": "deposit", "balance": "NaN"}]},
}
PARTY = Party(name="王富贵", id_number="640105197505050012")


class ScriptedGateway(HTTPConnector):
    """An HTTP gateway whose batch endpoint answers with `script[code]` (no network)."""

    def __init__(self, script):
        super().__init__("http://gateway.invalid")
        self.script = script
        self._gateways_loaded = float("inf")  # no institution has a gateway of its own

    def _post(self, path, payload, **kw):
        return {"results": {code: self.script(code) for code in payload["institution_codes"]}}


def test_each_malformed_answer_fails_its_own_institution_and_keeps_the_rest_of_the_batch():
    codes = ["GOOD-1", *MALFORMED, "GOOD-2"]
    answers = ScriptedGateway(lambda c: MALFORMED.get(c, GOOD)).query_many(codes, PARTY, request_ref="r")
    for name in MALFORMED:
        assert isinstance(answers[name], v.InvalidAnswer), name
    for good in ("GOOD-1", "GOOD-2"):
        [asset] = answers[good]
        assert (asset.asset_ref, asset.balance) == ("6222000011112222", Decimal("1234.50"))


def test_batch_body_off_protocol_is_a_transient_failure_for_every_member():
    gateway = ScriptedGateway(None)
    gateway._post = lambda *a, **k: ["not", "an", "object"]
    answers = gateway.query_many(["A", "B"], PARTY, request_ref="r")
    assert all(isinstance(a, ConnectorError) and not isinstance(a, v.InvalidAnswer) for a in answers.values())


def test_gateway_garbage_for_one_bank_fails_that_bank_alone_named_and_keeps_its_neighbours(
    case, judge_xixia, institutions, monkeypatch, django_capture_on_commit_callbacks
):
    bad = {"BANK-CMB": MALFORMED["twenty_digit_balance"], "BANK-CIB": MALFORMED["string"]}
    monkeypatch.setattr(query_services, "get_connector", lambda: ScriptedGateway(lambda c: bad.get(c, GOOD)))
    with django_capture_on_commit_callbacks():
        qr, _ = query_services.submit_query(judge_xixia.user, case, purpose="财产调查")
    qr = run_fanout(qr)
    assert qr.status == "partial"
    assert (qr.done, qr.failed) == (len(institutions) - 2, 2)
    assert qr.found == len(institutions) - 2  # one account from every good answer, none from the bad ones
    failing = {r.institution.code: r.error for r in query_services.failing_institutions(qr)}
    assert set(failing) == {"BANK-CMB", "BANK-CIB"}
    assert "balance" in failing["BANK-CMB"] and "answer is not an object" in failing["BANK-CIB"]
    assert QueryResult.objects.filter(request=qr, status="ok").count() == len(institutions) - 2


def test_simulated_gateway_garbage_fails_those_institutions_and_no_other(
    case, judge_xixia, institutions, settings, django_capture_on_commit_callbacks
):
    settings.SIMULATOR_GARBAGE_CODES = "BANK-CMB,BANK-CIB,VEH-64"
    qr = query_case(case, judge_xixia, django_capture_on_commit_callbacks)
    assert qr.status == "partial" and qr.failed == 3
    assert {r.institution.code for r in query_services.failing_institutions(qr)} == {"BANK-CMB", "BANK-CIB", "VEH-64"}


@pytest.fixture
def found(case, judge_xixia, django_capture_on_commit_callbacks):
    query_case(case, judge_xixia, django_capture_on_commit_callbacks)
    return deposit(case)


def _tampered(monkeypatch, change):
    """The simulated bank acts normally, but its answer reaches us altered by `change(dict)`."""
    from simulator import services

    real = services.control

    def control(*args, **kwargs):
        answer = dict(real(*args, **kwargs))
        change(answer)
        return answer

    monkeypatch.setattr(services, "control", control)


@pytest.mark.parametrize(
    "change, reason",
    [
        (lambda a: a.update(effective_amount=str(Decimal(a["effective_amount"]) * 10)), "exceeds"),
        (lambda a: a.pop("requested_amount"), "requested_amount"),
        (lambda a: a.update(status="ok"), "unknown status"),
        (lambda a: a.update(effective_amount="一千元"), "effective_amount"),
        (lambda a: a.update(expires_on="next year"), "expires_on"),
    ],
)
def test_freeze_answer_that_cannot_be_true_is_not_believed_the_order_fails_with_a_critical_alert(
    change, reason, found, judge_xixia, approver_xixia, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        order = order_services.approve_order(
            approver_xixia.user,
            order_services.file_order(judge_xixia.user, "freeze", asset=found, amount=Decimal("24593.33")),
        )
    _tampered(monkeypatch, change)
    order = sending.send(order.pk)
    order.refresh_from_db()
    assert (order.status, order.held_amount, order.effective_amount, order.outcome) == ("failed", 0, 0, "")
    assert reason in order.message
    alert = Alert.objects.get(kind="order_bad_answer")
    assert alert.severity == "critical" and found.institution.name in alert.title
    assert not ControlOrder.objects.holding().exists()


def test_an_answer_arriving_through_the_api_is_held_to_the_same_bounds(
    found, judge_xixia, approver_xixia, django_capture_on_commit_callbacks
):
    from querycontrol.connectors import ControlResult

    with django_capture_on_commit_callbacks():
        order = order_services.approve_order(
            approver_xixia.user,
            order_services.file_order(judge_xixia.user, "freeze", asset=found, amount=Decimal("24593.33")),
        )
    ControlOrder.objects.filter(pk=order.pk).update(status="sent")
    asked = ControlOrder.objects.get(pk=order.pk).requested_amount
    order = sending.apply_result(
        order.pk, ControlResult(status="done", requested_amount=asked, effective_amount=asked * 10)
    )
    assert order.status == "failed" and order.held_amount == 0
    assert Alert.objects.filter(kind="order_bad_answer", severity="critical").count() == 1


# --- random answers (hypothesis): whatever comes back, nothing but a checked answer or a named error ------------

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=12,
)
amounts = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers(),
    st.floats(),
    st.text(max_size=25),
    st.none(),
)
near_assets = st.fixed_dictionaries(
    {
        "asset_ref": st.one_of(st.text(max_size=70), st.integers(), st.none()),
        "asset_kind": st.one_of(st.sampled_from(["deposit", "vehicle", "real_estate", "gold", ""]), st.none()),
        "balance": amounts,
    },
    optional={
        "frozen_by_others": amounts,
        "details": json_values,
        "description": st.one_of(st.text(max_size=210), st.integers()),
    },
)
answers = st.one_of(
    json_values, st.fixed_dictionaries({"assets": st.one_of(st.lists(near_assets, max_size=4), json_values)})
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["B1", "B2", "B3", "B4"]), answers, max_size=4))
def test_random_gateway_answers_yield_checked_assets_or_a_named_error_per_institution(script):
    codes = ["B1", "B2", "B3", "B4", "GOOD"]
    got = ScriptedGateway(lambda c: GOOD if c == "GOOD" else script.get(c)).query_many(codes, PARTY, request_ref="r")
    assert set(got) == set(codes)
    assert got["GOOD"][0].balance == Decimal("1234.50")  # the good neighbour always survives
    for answer in got.values():
        if isinstance(answer, ConnectorError):
            continue
        for a in answer:
            assert isinstance(a, FoundAsset) and a.asset_kind in v.ASSET_KINDS
            assert isinstance(a.asset_ref, str) and 0 < len(a.asset_ref) <= 64
            assert Decimal("0") <= a.balance <= v.MAX_AMOUNT and a.balance == a.balance.quantize(Decimal("0.01"))
            assert Decimal("0") <= a.frozen_by_others <= v.MAX_AMOUNT
        assert len({a.asset_ref for a in answer}) == len(answer)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        json_values,
        st.fixed_dictionaries(
            {
                "status": st.one_of(st.sampled_from(v.CONTROL_STATUSES + ("ok", "")), json_scalars),
                "requested_amount": amounts,
                "effective_amount": amounts,
            },
            optional={
                "expires_on": st.one_of(st.dates().map(str), st.text(max_size=12), st.integers()),
                "queue_position": json_scalars,
                "institution_ref": json_scalars,
                "message": json_scalars,
            },
        ),
    )
)
def test_random_order_answers_are_a_checked_result_or_invalid_answer(data):
    try:
        result = v.control_result(data)
    except v.InvalidAnswer:
        return
    assert result.status in v.CONTROL_STATUSES
    assert Decimal("0") <= result.effective_amount <= v.MAX_AMOUNT
    assert Decimal("0") <= result.requested_amount <= v.MAX_AMOUNT
    assert result.queue_position is None or result.queue_position >= 1
