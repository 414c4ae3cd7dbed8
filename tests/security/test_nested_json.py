"""JSON nested deeper than Python's recursion limit is refused as malformed, never a 500 (issue 11, point 8).

Found by the attack pass: a 200 kB body of `[[[[…]]]]` (well under the 2 MB limit) made the API answer 500 with
RecursionError, and so did a 4 kB `?cursor=` (base64 of nested JSON) on every list. A bank gateway answering with
such a document would raise the same error inside the query worker. Every JSON the product reads from outside goes
through execcenter.safejson, which turns the recursion into the ValueError of any other malformed document.
"""

import base64
import json

import httpx
import pytest

from cases.choices import CaseStatus
from cases.models import MoneyEntry
from execcenter import safejson
from querycontrol.connectors.base import TransientConnectorError
from querycontrol.connectors.http import HTTPConnector
from tests.cases.conftest import case_in

pytestmark = pytest.mark.django_db

DEEP = "[" * 100_000 + "]" * 100_000


def test_a_deeply_nested_body_is_a_json_400_and_changes_nothing(api, courts, judge_xixia):
    case = case_in(CaseStatus.DISPOSING, court=courts["宁0105"])
    before = MoneyEntry.objects.count()
    response = api.as_officer(judge_xixia).post(
        f"/api/v1/cases/{case.pk}/receipt/", DEEP, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "malformed_body"
    assert "请求体格式错误" in body["detail"] and "malformed request body" in body["detail"]
    assert MoneyEntry.objects.count() == before


@pytest.mark.parametrize("payload", ["[" * 3000 + "]" * 3000, '{"r":0,"p":' + "[" * 1500 + "]" * 1500 + "}"])
def test_a_deeply_nested_cursor_is_an_invalid_cursor(api, courts, judge_xixia, payload):
    cursor = base64.urlsafe_b64encode(payload.encode()).decode()
    response = api.as_officer(judge_xixia).get(f"/api/v1/cases/?cursor={cursor}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_gateway_answering_deeply_nested_json_is_a_transient_connector_error():
    connector = HTTPConnector("http://gateway.invalid")
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=DEEP.encode()))
    connector._client, connector._client_pid = httpx.Client(transport=transport), __import__("os").getpid()
    with pytest.raises(TransientConnectorError):
        connector._post("/v1/query-batch", {"x": 1})


def test_safejson_reads_what_json_reads_and_refuses_depth_as_a_value_error():
    assert safejson.loads('{"a": [1, 2.5, null]}') == json.loads('{"a": [1, 2.5, null]}')
    with pytest.raises(ValueError):
        safejson.loads(DEEP)
