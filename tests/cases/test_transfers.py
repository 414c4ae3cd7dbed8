"""Cases that move between courts: 提级执行, 指定执行, 委托执行 (cases.transfers)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import transfers
from cases.choices import CaseStatus, TransferStatus
from cases.models import Case, CaseTransfer, MoneyEntry
from cases.services import record_receipt
from execcenter.choices import Role
from execcenter.exceptions import (
    DomainError,
    InvalidTransition,
    PermissionDenied,
    RuleViolation,
)
from querycontrol.models import ControlOrder
from tests.cases.conftest import case_in
from tests.conftest import _officer
from tests.querycontrol.conftest import holding_seal

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(courts, judge_xixia):
    case = case_in(CaseStatus.INVESTIGATING, court=courts["宁0105"], assigned_judge=judge_xixia)
    record_receipt(case, "1000.00", reference="voluntary:1")
    return case


@pytest.fixture
def approver_yinchuan(courts):
    return _officer(courts, "approver_yinchuan", "宁01", Role.APPROVER, name="孙立")


@pytest.fixture
def approver_jingyuan(courts):
    return _officer(courts, "approver_jingyuan", "宁0424", Role.APPROVER, name="马强")


@pytest.fixture
def approver_high(courts):
    return _officer(courts, "approver_high", "宁", Role.APPROVER, name="高远")


def visible(officer, case):
    return Case.objects.visible_to(officer.user).filter(pk=case.pk).exists()


def test_elevation_moves_the_case_its_money_and_its_visibility_up_and_keeps_the_number(
    case, courts, judge_xixia, approver_yinchuan
):
    number = case.number
    transfer = transfers.request_transfer(
        judge_xixia.user, case, kind="elevate", to_court=courts["宁01"], reason="六个月未执行完毕"
    )
    assert transfer.status == TransferStatus.PENDING and "统一管理执行工作" in transfer.legal_basis
    moved = transfers.approve_transfer(approver_yinchuan.user, transfer, note="同意提级")
    assert (moved.court.code, moved.number) == ("宁01", number)
    assert MoneyEntry.objects.get(case=case).court.code == "宁01"
    assert moved.assigned_judge is None  # the old court's judge no longer handles it
    assert visible(approver_yinchuan, case) and not visible(judge_xixia, case)
    transfer.refresh_from_db()
    assert (transfer.status, transfer.previous_number, transfer.new_number, transfer.decided_by_label) == (
        TransferStatus.APPROVED,
        number,
        "",
        "孙立",
    )
    assert case.events.filter(kind="transfer").count() == 2
    # A re-run changes nothing.
    with pytest.raises(InvalidTransition):
        transfers.approve_transfer(approver_yinchuan.user, transfer)
    assert Case.objects.get(pk=case.pk).court.code == "宁01"


def test_delegation_gets_the_receiving_courts_number_and_orders_follow(
    case, courts, judge_xixia, judge_jingyuan, approver_jingyuan
):
    seal = holding_seal(case)
    transfer = transfers.request_transfer(
        judge_xixia.user, case, kind="delegate", to_court=courts["宁0424"], reason="财产在泾源县"
    )
    assert visible(judge_xixia, case) and not visible(judge_jingyuan, case)  # nothing moves before approval
    moved = transfers.approve_transfer(approver_jingyuan.user, transfer)
    year = timezone.localdate().year
    assert moved.number == f"（{year}）宁0424执1号" and moved.court.code == "宁0424"
    transfer.refresh_from_db()
    assert transfer.new_number == moved.number and transfer.previous_number != moved.number
    seal.refresh_from_db()
    assert seal.court.code == "宁0424" and seal.asset.court.code == "宁0424"
    assert ControlOrder.objects.visible_to(judge_jingyuan.user).filter(pk=seal.pk).exists()
    assert visible(judge_jingyuan, case) and not visible(judge_xixia, case)


def test_designation_is_decided_by_a_common_superior(case, courts, judge_xixia, approver_high, approver_jingyuan):
    with pytest.raises(RuleViolation) as exc:
        transfers.request_transfer(judge_xixia.user, case, kind="designate", to_court=courts["宁0424"], reason="回避")
    assert exc.value.code == "not_designating_court"
    transfer = transfers.request_transfer(
        approver_high.user, case, kind="designate", to_court=courts["宁0424"], reason="回避"
    )
    moved = transfers.approve_transfer(approver_jingyuan.user, transfer)
    assert moved.court.code == "宁0424" and moved.number.startswith(f"（{timezone.localdate().year}）宁0424执")


@pytest.mark.parametrize(
    "kind, to, code",
    [
        ("elevate", "宁0105", "same_court"),
        ("elevate", "宁0424", "not_superior"),
        ("delegate", "宁01", "delegate_in_line"),
        ("nonsense", "宁01", "invalid_kind"),
    ],
)
def test_court_rules_refuse_the_wrong_move(case, courts, judge_xixia, kind, to, code):
    with pytest.raises(RuleViolation) as exc:
        transfers.request_transfer(judge_xixia.user, case, kind=kind, to_court=courts[to], reason="x")
    assert exc.value.code == code and not CaseTransfer.objects.exists()


def test_requests_are_refused_without_reason_twice_out_of_scope_or_for_a_closed_case(
    case, courts, judge_xixia, judge_jingyuan
):
    with pytest.raises(RuleViolation):
        transfers.request_transfer(judge_xixia.user, case, kind="elevate", to_court=courts["宁01"], reason=" ")
    transfers.request_transfer(judge_xixia.user, case, kind="elevate", to_court=courts["宁01"], reason="x")
    with pytest.raises(InvalidTransition) as exc:
        transfers.request_transfer(judge_xixia.user, case, kind="elevate", to_court=courts["宁"], reason="y")
    assert exc.value.code == "transfer_pending"
    with pytest.raises(DomainError) as exc:
        transfers.request_transfer(judge_jingyuan.user, case, kind="elevate", to_court=courts["宁01"], reason="x")
    assert exc.value.status == 404
    closed = case_in(CaseStatus.CLOSED, court=courts["宁0105"], closure_type="completed")
    with pytest.raises(InvalidTransition):
        transfers.request_transfer(judge_xixia.user, closed, kind="elevate", to_court=courts["宁01"], reason="x")
    assert CaseTransfer.objects.count() == 1


def test_only_an_approver_of_the_receiving_court_other_than_the_requester_decides(
    case, courts, judge_xixia, approver_xixia, approver_yinchuan
):
    transfer = transfers.request_transfer(judge_xixia.user, case, kind="elevate", to_court=courts["宁01"], reason="x")
    with pytest.raises(PermissionDenied):
        transfers.approve_transfer(approver_xixia.user, transfer)  # the sending court's approver
    with pytest.raises(PermissionDenied):
        transfers.approve_transfer(judge_xixia.user, transfer)
    own = transfers.request_transfer(
        approver_yinchuan.user,
        case_in(CaseStatus.INVESTIGATING, court=courts["宁0105"]),
        kind="elevate",
        to_court=courts["宁01"],
        reason="本院提级",
    )
    with pytest.raises(PermissionDenied):
        transfers.approve_transfer(approver_yinchuan.user, own)  # four-eyes
    assert Case.objects.get(pk=case.pk).court.code == "宁0105"


def test_work_in_flight_blocks_the_move_and_a_rejection_keeps_the_case(case, courts, judge_xixia, approver_yinchuan):
    seal = holding_seal(case)
    ControlOrder.objects.create(
        case=case,
        court=case.court,
        kind="unfreeze",
        status="submitted",
        asset=seal.asset,
        target=seal,
        institution=seal.institution,
        respondent=seal.respondent,
        requested_amount=Decimal("1"),
        filed_by_label="x",
    )
    transfer = transfers.request_transfer(judge_xixia.user, case, kind="elevate", to_court=courts["宁01"], reason="x")
    with pytest.raises(InvalidTransition) as exc:
        transfers.approve_transfer(approver_yinchuan.user, transfer)
    assert exc.value.code == "transfer_blocked" and "控制措施" in str(exc.value.message)
    with pytest.raises(RuleViolation):
        transfers.reject_transfer(approver_yinchuan.user, transfer, note="")
    transfers.reject_transfer(approver_yinchuan.user, transfer, note="请先办结解封")
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.REJECTED and Case.objects.get(pk=case.pk).court.code == "宁0105"
    assert ControlOrder.objects.filter(case=case).exclude(court=courts["宁0105"]).count() == 0


def test_the_browser_requests_and_the_receiving_court_approves(client, case, courts, judge_xixia, approver_yinchuan):
    client.force_login(judge_xixia.user)
    page = client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    assert "案件移送（提级/指定/委托执行）" in page
    url = reverse("cases:case-action", args=[case.pk, "transfer"])
    refused = client.post(
        url, {"transfer-kind": "elevate", "transfer-to_court": courts["宁0424"].pk, "transfer-reason": "x"}
    )
    assert refused.status_code == 400 and "提级执行只能移送上级法院" in refused.content.decode()
    assert (
        client.post(
            url, {"transfer-kind": "elevate", "transfer-to_court": courts["宁01"].pk, "transfer-reason": "六个月未执行"}
        ).status_code
        == 302
    )
    transfer = CaseTransfer.objects.get()
    client.force_login(approver_yinchuan.user)
    assert case.number in client.get(reverse("cases:transfers")).content.decode()
    detail = client.get(reverse("cases:transfer-detail", args=[transfer.pk])).content.decode()
    assert 'id="transfer-decision"' in detail
    done = client.post(reverse("cases:transfer-detail", args=[transfer.pk]), {"decision": "approve", "note": "同意"})
    assert done.status_code == 302 and done["Location"] == reverse("cases:case-detail", args=[case.pk])
    assert client.get(done["Location"]).status_code == 200
    client.force_login(judge_xixia.user)
    assert client.get(reverse("cases:case-detail", args=[case.pk])).status_code == 404


def test_the_screen_counts_the_moved_case_and_its_money_at_its_current_court_only(
    case, courts, judge_xixia, approver_jingyuan
):
    from dashboards.registry import get

    def recovered_today(code):
        data = get("m24").compute(courts[code], timezone.now())
        return {i["label"]: i["value"] for i in data["items"]}["今日到位"]

    assert (recovered_today("宁0105"), recovered_today("宁0424")) == ("1000.00", "0.00")
    transfer = transfers.request_transfer(
        judge_xixia.user, case, kind="delegate", to_court=courts["宁0424"], reason="财产在泾源县"
    )
    transfers.approve_transfer(approver_jingyuan.user, transfer)
    assert (recovered_today("宁0105"), recovered_today("宁0424"), recovered_today("宁")) == (
        "0.00",
        "1000.00",
        "1000.00",
    )
