"""Issued documents are records: the ruling and notice are rendered once at approval, numbered, stored with
their hash and returned byte for byte ever after; orders not approved have none (a judge may preview a
draft marked 草稿, never numbered); the content names both parties, explains the amount and names an officer."""

import hashlib
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from cases import documents as issued
from cases.models import IssuedDocument
from cases.services import record_receipt
from execcenter.models import AuditLog
from querycontrol.services import orders as order_services
from tests.docx_checks import assert_chinese_docx, docx_text, header_texts
from tests.querycontrol.conftest import deposit, query_case


@pytest.fixture
def browser(client):
    def login(officer):
        client.force_login(officer.user)
        return client

    return login


def _approved_freeze(case, judge, approver, callbacks, amount="20000.00"):
    query_case(case, judge, callbacks)
    with callbacks():
        return order_services.approve_order(
            approver.user, order_services.file_order(judge.user, "freeze", asset=deposit(case), amount=Decimal(amount))
        )


def test_downloads_are_byte_identical_before_and_after_the_case_money_changes(
    browser, case, judge_xixia, approver_xixia, django_capture_on_commit_callbacks
):
    order = _approved_freeze(case, judge_xixia, approver_xixia, django_capture_on_commit_callbacks)
    c = browser(judge_xixia)
    before = {w: c.get(f"/querycontrol/orders/{order.pk}/document/{w}.docx") for w in ("ruling", "notice")}
    assert all(r.status_code == 200 for r in before.values())
    assert "100,000.00元" in docx_text(before["ruling"].content)  # the outstanding claim at approval
    record_receipt(case, Decimal("30000.00"), actor=judge_xixia.user)
    case.refresh_from_db()
    assert case.outstanding_amount == Decimal("70000.00")
    for which, response in before.items():
        again = c.get(f"/querycontrol/orders/{order.pk}/document/{which}.docx")
        assert again.content == response.content
        record = IssuedDocument.objects.get(source_id=str(order.pk), kind=which)
        assert record.sha256 == hashlib.sha256(again.content).hexdigest() and record.size == len(again.content)
    assert "70,000.00元" not in docx_text(c.get(f"/querycontrol/orders/{order.pk}/document/ruling.docx").content)


def test_documents_are_issued_once_at_approval_numbered_with_signer_and_time(
    case, judge_xixia, approver_xixia, django_capture_on_commit_callbacks
):
    order = _approved_freeze(case, judge_xixia, approver_xixia, django_capture_on_commit_callbacks)
    docs = list(case.documents.order_by("kind"))
    assert [d.kind for d in docs] == ["notice", "ruling"]
    assert {d.number for d in docs} == {f"{case.number}之一"} == {order.document_no}
    assert all(d.issued_by_id == approver_xixia.user.pk and d.issued_by_label == "陈刚" and d.issued_at for d in docs)
    assert all(d.file.name.startswith("documents/宁0105/") for d in docs)
    first = [issued.read(d) for d in docs]
    again = order_services.documents.issue_order_documents(order)  # idempotent: nothing re-rendered
    assert sorted(d.pk for d in again) == sorted(d.pk for d in docs) and [issued.read(d) for d in docs] == first
    with pytest.raises(ValueError):
        docs[0].save()  # a record never changes
    assert AuditLog.objects.filter(action="document.issue", object_id=str(docs[0].pk)).exists()


def test_pending_and_rejected_orders_have_no_document_only_an_unnumbered_draft_preview(
    browser, case, judge_xixia, approver_xixia, django_capture_on_commit_callbacks
):
    query_case(case, judge_xixia, django_capture_on_commit_callbacks)
    order = order_services.file_order(judge_xixia.user, "freeze", asset=deposit(case), amount=Decimal("1000.00"))
    c = browser(judge_xixia)
    for which in ("ruling", "notice"):
        assert c.get(f"/querycontrol/orders/{order.pk}/document/{which}.docx").status_code == 404
    for which in ("ruling", "notice"):
        preview = c.get(f"/querycontrol/orders/{order.pk}/preview/{which}.docx")
        assert preview.status_code == 200
        headers = header_texts(preview.content)
        assert headers and all("草稿" in h for h in headers)  # the page header repeats on every page
        text = docx_text(preview.content)
        assert "之一" not in text and "本裁定立即生效" not in text and "批准人" not in text and "（院印）" not in text
        assert_chinese_docx(preview.content)
    order_services.reject_order(approver_xixia.user, order, note="证据不足")
    for which in ("ruling", "notice"):
        assert c.get(f"/querycontrol/orders/{order.pk}/document/{which}.docx").status_code == 404
        assert c.get(f"/querycontrol/orders/{order.pk}/preview/{which}.docx").status_code == 404
    assert not IssuedDocument.objects.filter(source_id=str(order.pk)).exists()
    with pytest.raises(Exception):
        order_services.documents.ruling_docx(order)  # no numbered document for a rejected order, not even in code


def test_ruling_and_notice_name_both_parties_explain_the_amount_and_name_an_officer_not_a_key(
    api, case, case_system_partner, judge_xixia, approver_xixia, django_capture_on_commit_callbacks
):
    case.assigned_judge = judge_xixia
    case.costs_amount = Decimal("1500.00")
    case.save(update_fields=["assigned_judge", "costs_amount"])
    query_case(case, judge_xixia, django_capture_on_commit_callbacks)
    filed = order_services.file_order(case_system_partner, "freeze", asset=deposit(case), amount=Decimal("5000.00"))
    assert filed.filed_by_label.startswith("partner:")
    with django_capture_on_commit_callbacks():
        order = order_services.approve_order(approver_xixia.user, filed)
    applicant = case.case_parties.get(role="applicant").party
    for which in ("ruling", "notice"):
        content = issued.read(order_services.documents.issued_document(order, which))
        text = docx_text(content)
        assert applicant.name in text and case.respondent.name in text
        assert "partner" not in text and "承办人　张伟" in text
        assert_chinese_docx(content)
    ruling = docx_text(issued.read(order_services.documents.issued_document(order, "ruling")))
    assert "未执行金额100,000.00元，执行费用1,500.00元，合计101,500.00元" in ruling and "第十九条" in ruling
    assert "申请执行人与被执行人" not in docx_text(
        issued.read(order_services.documents.issued_document(order, "notice"))
    )


def test_case_file_lists_every_document_and_downloads_are_scoped_audited_and_unmasked_only_for_judges(
    browser, case, judge_xixia, approver_xixia, judge_jingyuan, duty_yinchuan, django_capture_on_commit_callbacks
):
    _approved_freeze(case, judge_xixia, approver_xixia, django_capture_on_commit_callbacks)
    page = browser(judge_xixia).get(f"/cases/{case.pk}/").content.decode()
    assert "电子卷宗" in page
    for d in case.documents.all():
        assert d.number in page and f"/cases/documents/{d.pk}/" in page
    document = case.documents.get(kind="ruling")
    assert browser(judge_xixia).get(f"/cases/documents/{document.pk}/").content == issued.read(document)
    assert AuditLog.objects.filter(action="document.download", object_id=str(document.pk)).count() == 1
    assert browser(judge_jingyuan).get(f"/cases/documents/{document.pk}/").status_code == 404  # out of scope
    assert browser(duty_yinchuan).get(f"/cases/documents/{document.pk}/").status_code == 403  # full ID numbers


def test_a_stored_file_altered_after_issue_is_refused(
    case, judge_xixia, approver_xixia, django_capture_on_commit_callbacks
):
    _approved_freeze(case, judge_xixia, approver_xixia, django_capture_on_commit_callbacks)
    document = case.documents.get(kind="ruling")
    with open(document.file.path, "ab") as fh:
        fh.write(b"tampered")
    with pytest.raises(issued.DocumentIntegrityError):
        issued.read(document)


def test_batch_issues_missing_documents_and_packs_them_with_an_index_sheet(
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
    # An order approved before documents were stored: the batch issues its documents now.
    IssuedDocument.objects.filter(source_id=str(orders[0].pk)).delete()
    pending = order_services.file_order(
        judge_xixia.user,
        "freeze",
        asset=case.found_assets.exclude(pk__in=[a.pk for a in assets]).filter(kind="deposit", balance__gt=100).first(),
        amount=Decimal("10.00"),
    )
    response = browser(judge_xixia).post(
        "/querycontrol/orders/documents.zip", {"orders": [o.pk for o in [*orders, pending]]}
    )
    assert response.status_code == 200
    zf = zipfile.ZipFile(io.BytesIO(response.content))
    names = zf.namelist()
    assert names[0] == "目录.xlsx" and len(names) == 1 + 2 * len(orders)
    stored = {
        d.filename: issued.read(d) for d in IssuedDocument.objects.filter(source_id__in=[str(o.pk) for o in orders])
    }
    assert len(stored) == 4 and all(zf.read(n) == stored[n] for n in names[1:])
    sheet = openpyxl.load_workbook(io.BytesIO(zf.read("目录.xlsx"))).active
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=3)]
    assert len(rows) == 4 + 1 and any("未批准" in str(r[7]) for r in rows)
    assert {r[11] for r in rows if r[11]} == {hashlib.sha256(b).hexdigest() for b in stored.values()}
    assert sheet.freeze_panes == "A3" and isinstance(rows[0][6], float)
    assert not IssuedDocument.objects.filter(source_id=str(pending.pk)).exists()


def test_the_case_systems_key_lists_and_fetches_issued_documents_through_the_api(
    api,
    case,
    case_system_partner,
    bank_partner,
    judge_xixia,
    judge_jingyuan,
    approver_xixia,
    django_capture_on_commit_callbacks,
):
    _approved_freeze(case, judge_xixia, approver_xixia, django_capture_on_commit_callbacks)
    ruling = case.documents.get(kind="ruling")
    client = api.as_partner(case_system_partner)
    listed = client.get(f"/api/v1/documents/?case={case.pk}").json()["results"]
    assert {d["kind"] for d in listed} == {"ruling", "notice"} and {d["sha256"] for d in listed} == set(
        case.documents.values_list("sha256", flat=True)
    )
    response = client.get(f"/api/v1/documents/{ruling.pk}/file/")
    assert response.status_code == 200 and response.content == issued.read(ruling)
    assert AuditLog.objects.filter(
        action="document.download", object_id=str(ruling.pk), partner=case_system_partner
    ).exists()
    assert api.as_partner(bank_partner).get(f"/api/v1/documents/{ruling.pk}/file/").status_code in (403, 404)
    assert api.as_officer(judge_jingyuan).get(f"/api/v1/documents/{ruling.pk}/").status_code == 404


def test_every_kind_of_issued_document_has_a_read_rule(browser, case, judge_xixia, duty_yinchuan):
    from cases.document_views import read_action
    from cases.models import DocumentKind
    from execcenter.policy import RULES

    for kind in DocumentKind.values:
        assert read_action(IssuedDocument(kind=kind, contains_personal_data=False)) in RULES
    decision = issued.issue(
        kind=DocumentKind.DECISION,
        number="（2026）宁0105执限1号",
        title="限制消费令",
        court=case.court,
        case=case,
        source=case,
        content=b"PK-test",
        filename="限制消费令.docx",
    )
    assert browser(judge_xixia).get(f"/cases/documents/{decision.pk}/").content == b"PK-test"
    assert (
        browser(duty_yinchuan).get(f"/cases/documents/{decision.pk}/").status_code == 200
    )  # no ID numbers: case readers
