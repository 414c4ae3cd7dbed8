"""Lawyer investigation orders as a workflow: application, decision (four-eyes), the order as a record, return."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from docx import Document

from cases import documents as issued
from cases import lawyer_orders
from cases.choices import CaseStatus, LawyerOrderStatus, MeasureStatus
from cases.models import IssuedDocument, LawyerOrderApplication, PropertyInvestigation
from execcenter.exceptions import (
    DomainError,
    InvalidTransition,
    PermissionDenied,
    RuleViolation,
)
from tests.cases.conftest import applicant, case_in, respondent

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(courts):
    return case_in(CaseStatus.INVESTIGATING, court=courts["宁0105"])


def application(case, judge):
    return lawyer_orders.apply(
        judge.user,
        case,
        applicant=applicant(case),
        lawyer_name="李律师",
        licence_no="16401201810123456",
        law_firm="宁夏某律师事务所",
        targets="被执行人在某证券公司的资金账户",
        reason="网络查控未覆盖",
    )


def test_an_order_is_applied_for_issued_as_a_record_and_returned_with_findings(case, judge_xixia, approver_xixia):
    app = application(case, judge_xixia)
    assert app.status == LawyerOrderStatus.APPLIED
    app = lawyer_orders.approve(approver_xixia.user, app, valid_days=15)
    year = timezone.localdate().year
    assert (app.status, app.order_no, app.valid_until) == (
        LawyerOrderStatus.APPROVED,
        f"（{year}）宁0105执调1号",
        timezone.localdate() + dt.timedelta(days=15),
    )
    assert (app.measure.kind, app.measure.holder, app.measure.ends_on) == (
        "investigation_order",
        "李律师",
        app.valid_until,
    )
    doc = IssuedDocument.objects.get(kind="inv_order")
    text = "\n".join(p.text for p in Document(io.BytesIO(issued.read(doc))).paragraphs)
    assert "律师调查令" in text and "李律师" in text and case.number in text and doc.number == app.order_no
    with pytest.raises(InvalidTransition):
        lawyer_orders.approve(approver_xixia.user, app)  # a re-run changes nothing
    assert IssuedDocument.objects.filter(kind="inv_order").count() == 1
    app = lawyer_orders.record_return(judge_xixia.user, app, findings="证券账户余额 12,000 元", found_assets=True)
    assert app.status == LawyerOrderStatus.RETURNED
    app.measure.refresh_from_db()
    assert app.measure.status == MeasureStatus.COMPLETED
    assert PropertyInvestigation.objects.get(case=case, method="lawyer").found_assets
    with pytest.raises(InvalidTransition):
        lawyer_orders.record_return(judge_xixia.user, app, findings="again")


def test_refusals(case, judge_xixia, approver_xixia, judge_jingyuan, courts):
    with pytest.raises(RuleViolation):
        lawyer_orders.apply(
            judge_xixia.user,
            case,
            applicant=respondent(case),
            lawyer_name="x",
            licence_no="1",
            law_firm="y",
            targets="z",
            reason="r",
        )
    with pytest.raises(RuleViolation):
        lawyer_orders.apply(
            judge_xixia.user,
            case,
            applicant=applicant(case),
            lawyer_name="",
            licence_no="1",
            law_firm="y",
            targets="z",
            reason="r",
        )
    with pytest.raises(DomainError) as exc:
        application(case, judge_jingyuan)
    assert exc.value.status == 404
    app = application(case, judge_xixia)
    with pytest.raises(PermissionDenied):
        lawyer_orders.approve(judge_xixia.user, app)  # not an approver
    with pytest.raises(RuleViolation):
        lawyer_orders.approve(approver_xixia.user, app, valid_days=31)
    with pytest.raises(RuleViolation):
        lawyer_orders.reject(approver_xixia.user, app, note=" ")
    with pytest.raises(InvalidTransition):
        lawyer_orders.record_return(judge_xixia.user, app, findings="x")
    app = lawyer_orders.reject(approver_xixia.user, app, note="调查事项不明确")
    assert app.status == LawyerOrderStatus.REJECTED and not IssuedDocument.objects.filter(kind="inv_order").exists()
    assert LawyerOrderApplication.objects.count() == 1


def test_the_case_page_records_the_application_the_approver_issues_and_the_return_is_recorded(
    client, case, judge_xixia, approver_xixia
):
    from django.urls import reverse

    client.force_login(judge_xixia.user)
    url = reverse("cases:case-action", args=[case.pk, "lawyer_order"])
    body = {
        "lawyer_order-applicant": applicant(case).pk,
        "lawyer_order-lawyer_name": "李律师",
        "lawyer_order-licence_no": "164012018",
        "lawyer_order-law_firm": "宁夏某律师事务所",
        "lawyer_order-targets": "证券账户",
        "lawyer_order-reason": "查控未覆盖",
    }
    assert client.post(url, {**body, "lawyer_order-applicant": respondent(case).pk}).status_code == 400
    assert client.post(url, body).status_code == 302
    app = LawyerOrderApplication.objects.get()
    step = lambda s: reverse("cases:lawyer-order-step", args=[case.pk, app.pk, s])  # noqa: E731
    client.post(step("approve"))  # the judge may not issue it: refused, nothing changes
    app.refresh_from_db()
    assert app.status == LawyerOrderStatus.APPLIED
    client.force_login(approver_xixia.user)
    assert "签发" in client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    assert client.post(step("approve"), {"valid_days": "20"}).status_code == 302
    app.refresh_from_db()
    assert app.status == LawyerOrderStatus.APPROVED and app.valid_until == timezone.localdate() + dt.timedelta(days=20)
    client.force_login(judge_xixia.user)
    assert client.post(step("return"), {"findings": "未发现财产"}).status_code == 302
    app.refresh_from_db()
    assert app.status == LawyerOrderStatus.RETURNED and app.findings == "未发现财产"
