"""Exports of network query and control: the assets a query found and the control orders, within scope and
masking, filtered like the API, audited, with amounts as numbers."""

import io
from decimal import Decimal

import openpyxl

from execcenter.masking import mask_id_number
from execcenter.models import AuditLog
from querycontrol.models import FoundAsset
from querycontrol.services import orders as order_services
from tests.querycontrol.conftest import deposit, query_case


def _rows(response):
    assert response.status_code == 200 and response.streaming
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [[c.value for c in r] for r in ws.iter_rows(min_row=3)]


def test_found_assets_export_of_a_query(
    client, case, judge_xixia, judge_jingyuan, director_high, duty_yinchuan, django_capture_on_commit_callbacks
):
    qr = query_case(case, judge_xixia, django_capture_on_commit_callbacks)
    client.force_login(judge_xixia.user)
    rows = _rows(client.get(f"/querycontrol/queries/{qr.pk}/assets.xlsx"))
    assert len(rows) == FoundAsset.objects.filter(request=qr).count() > 0
    assert all(isinstance(r[6], (int, float)) for r in rows) and {r[3] for r in rows} == {case.respondent.id_number}
    assert AuditLog.objects.get(action="export.found_assets").details["query"] == qr.pk
    client.force_login(director_high.user)  # reads the province's queries, without the need for ID numbers
    assert {r[3] for r in _rows(client.get(f"/querycontrol/queries/{qr.pk}/assets.xlsx"))} == {
        mask_id_number(case.respondent.id_number)
    }
    client.force_login(duty_yinchuan.user)  # the duty desk reads no query results (policy "query.export")
    assert client.get(f"/querycontrol/queries/{qr.pk}/assets.xlsx").status_code == 403
    client.force_login(judge_jingyuan.user)
    assert client.get(f"/querycontrol/queries/{qr.pk}/assets.xlsx").status_code == 404


def test_control_orders_export_filters_like_the_api(
    client, case, judge_xixia, approver_xixia, judge_jingyuan, django_capture_on_commit_callbacks
):
    query_case(case, judge_xixia, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks():
        approved = order_services.approve_order(
            approver_xixia.user,
            order_services.file_order(judge_xixia.user, "freeze", asset=deposit(case), amount=Decimal("12345.60")),
        )
    client.force_login(judge_xixia.user)
    rows = _rows(client.get("/querycontrol/orders.xlsx?status=approved"))
    assert [r[0] for r in rows] == [approved.document_no]
    assert rows[0][10] == 12345.6 and rows[0][16] == "陈刚"
    assert _rows(client.get("/querycontrol/orders.xlsx?status=rejected")) == []
    assert client.get("/querycontrol/orders.xlsx?created_after=yesterday").status_code == 400
    client.force_login(judge_jingyuan.user)
    assert _rows(client.get("/querycontrol/orders.xlsx")) == []
    assert AuditLog.objects.filter(action="export.control_orders").count() == 3
