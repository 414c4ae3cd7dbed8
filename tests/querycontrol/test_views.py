"""Browser pages and documents: start a query from the case page, progress, found assets, order forms
pre-filled with what the law allows, approval queue, .docx ruling and notice (GB/T 9704 layout), zip."""

import io
import zipfile
from decimal import Decimal

import pytest
from docx import Document
from docx.shared import Pt

from execcenter.models import AuditLog
from querycontrol import documents
from querycontrol.models import ControlOrder, QueryRequest
from querycontrol.services import orders as order_services

from .conftest import deposit, query_case, send_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(client):
    def login(officer):
        client.force_login(officer.user)
        return client

    return login


def test_case_page_shows_the_panel_and_starts_a_query(browser, case, judge_xixia, django_capture_on_commit_callbacks):
    c = browser(judge_xixia)
    page = c.get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    assert "发起网络查询" in page.content.decode()
    with django_capture_on_commit_callbacks():
        response = c.post(f"/querycontrol/cases/{case.pk}/query/", {"purpose": "财产调查"})
    qr = QueryRequest.objects.get(case=case)
    assert response.status_code == 302 and response["Location"] == f"/querycontrol/queries/{qr.pk}/"
    page = c.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in page and "已反馈 0 / " in page


def test_finished_query_shows_assets_grouped_by_kind_with_freeze_links(
    browser, case, judge_xixia, django_capture_on_commit_callbacks
):
    qr = query_case(case, judge_xixia, django_capture_on_commit_callbacks)
    page = browser(judge_xixia).get(f"/querycontrol/queries/{qr.pk}/").content.decode()
    account = deposit(case)
    assert "银行存款" in page and account.asset_ref in page
    assert f"?kind=freeze&asset={account.pk}" in page
    assert "hx-trigger" not in page


def test_judge_of_another_court_gets_404_for_the_query_page(
    browser, case, judge_xixia, judge_jingyuan, django_capture_on_commit_callbacks
):
    qr = query_case(case, judge_xixia, django_capture_on_commit_callbacks)
    assert browser(judge_jingyuan).get(f"/querycontrol/queries/{qr.pk}/").status_code == 404


def test_freeze_form_is_prefilled_with_what_the_law_allows_and_files_the_order(
    browser, case, judge_xixia, django_capture_on_commit_callbacks
):
    query_case(case, judge_xixia, django_capture_on_commit_callbacks)
    account = deposit(case)
    c = browser(judge_xixia)
    form = c.get(f"/querycontrol/orders/new/?kind=freeze&asset={account.pk}")
    expected = min(account.available, Decimal("100000.00"))
    assert form.context["form"].initial["amount"] == expected
    assert form.context["form"].initial["term_days"] in (365, 366)
    too_much = c.post(
        "/querycontrol/orders/new/",
        {"kind": "freeze", "asset": account.pk, "amount": "100000.01", "term_days": "365", "submit_now": "on"},
    )
    assert too_much.status_code == 200 and "超标的冻结" in too_much.content.decode()
    ok = c.post(
        "/querycontrol/orders/new/",
        {"kind": "freeze", "asset": account.pk, "amount": "20000.00", "term_days": "365", "submit_now": "on"},
    )
    order = ControlOrder.objects.get(case=case)
    assert ok.status_code == 302 and order.status == "submitted" and order.requested_amount == Decimal("20000.00")


def test_approval_queue_lists_the_courts_submitted_orders_and_approves(
    browser, case, judge_xixia, approver_xixia, django_capture_on_commit_callbacks
):
    query_case(case, judge_xixia, django_capture_on_commit_callbacks)
    order = order_services.file_order(judge_xixia.user, "freeze", asset=deposit(case), amount=Decimal("20000.00"))
    c = browser(approver_xixia)
    page = c.get("/querycontrol/approvals/").content.decode()
    assert case.number in page
    with django_capture_on_commit_callbacks() as callbacks:
        c.post(f"/querycontrol/orders/{order.pk}/approve/", {"next": "/querycontrol/approvals/"})
    order.refresh_from_db()
    assert order.status == "approved" and len(callbacks) == 1
    assert case.number not in c.get("/querycontrol/approvals/").content.decode()


def _docx_text(content):
    doc = Document(io.BytesIO(content))
    return doc, "\n".join(p.text for p in doc.paragraphs)


def test_ruling_and_notice_carry_case_parties_amount_institution_term_and_legal_basis(
    browser, case, judge_xixia, approver_xixia, django_capture_on_commit_callbacks
):
    query_case(case, judge_xixia, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks():
        order = order_services.approve_order(
            approver_xixia.user,
            order_services.file_order(judge_xixia.user, "freeze", asset=deposit(case), amount=Decimal("20000.00")),
        )
    order = send_now(order)
    doc, text = _docx_text(documents.ruling_docx(order))
    for expected in (
        "执行裁定书",
        order.court.name,
        order.document_no,
        case.respondent.name,
        case.respondent.id_number,
        "20,000.00元",
        order.institution.name,
        order.asset.asset_ref,
        f"期限{order.term_days}日",
        "第四百八十五条",
    ):
        assert expected in text, expected
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert doc.paragraphs[1].runs[0].font.size == Pt(22)  # title 二号 小标宋
    assert doc.paragraphs[4].runs[0].font.size == Pt(16)  # body 三号 仿宋
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    _doc, notice = _docx_text(documents.notice_docx(order))
    assert "协助冻结存款通知书" in notice and f"{order.institution.name}：" in notice and str(order.uuid) in notice
    response = browser(judge_xixia).get(f"/querycontrol/orders/{order.pk}/document/notice.docx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert AuditLog.objects.filter(action="querycontrol.order.document", object_id=str(order.pk)).exists()


def test_batch_documents_come_as_one_zip_with_two_documents_per_order(
    browser, case, judge_xixia, approver_xixia, django_capture_on_commit_callbacks
):
    query_case(case, judge_xixia, django_capture_on_commit_callbacks)
    assets = list(case.found_assets.filter(kind="deposit", balance__gt=100)[:2])
    orders = []
    for a in assets:
        with django_capture_on_commit_callbacks():
            orders.append(
                order_services.approve_order(
                    approver_xixia.user,
                    order_services.file_order(judge_xixia.user, "freeze", asset=a, amount=Decimal("10.00")),
                )
            )
    response = browser(judge_xixia).post("/querycontrol/orders/documents.zip", {"orders": [o.pk for o in orders]})
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert len(names) == 1 + 2 * len(orders) and "目录.xlsx" in names and any("执行裁定书" in n for n in names)


def test_approvers_find_the_approval_queue_in_the_navigation(browser, approver_xixia, judge_xixia, courts):
    assert "/querycontrol/approvals/" in browser(approver_xixia).get("/cases/").content.decode()
    assert "/querycontrol/approvals/" not in browser(judge_xixia).get("/cases/").content.decode()
