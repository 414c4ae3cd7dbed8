"""The findings of issue 10, each as what must hold now (made-up data, the personas of tests/conftest.py)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cases import approvals, services
from cases.choices import ApprovalStatus, CaseStatus, ClosureType
from cases.models import ApprovalRequest, Case, MoneyEntry
from execcenter.exceptions import InvalidTransition, PermissionDenied
from execcenter.models import Alert
from execcenter.services import raise_alert
from tests.cases.conftest import applicant, case_in

pytestmark = pytest.mark.django_db


def funded_case(court, amount="20000.00", status=CaseStatus.DISPOSING):
    case = case_in(status, court=court)
    services.record_receipt(case, Decimal(amount), reference=f"r:{case.pk}")
    return case


def snapshot():
    """What a refused request must leave untouched."""
    return (
        list(
            Case.objects.order_by("pk").values_list(
                "pk", "status", "closure_type", "statutory_deadline", "recovered_amount"
            )
        ),
        MoneyEntry.objects.count(),
        ApprovalRequest.objects.count(),
    )


def test_auditor_can_neither_close_a_case_nor_pay_money_out(api, courts, auditor_high):
    case = funded_case(courts["宁0105"])
    before = snapshot()
    client = api.as_officer(auditor_high)
    closing = client.post(f"/api/v1/cases/{case.pk}/close/", {"closure_type": "withdrawn"}, format="json")
    paying = client.post(
        f"/api/v1/cases/{case.pk}/payout/", {"amount": "20000.00", "payee": applicant(case).pk}, format="json"
    )
    assert (closing.status_code, paying.status_code) == (403, 403)
    assert "permission_denied" == paying.json()["code"] and "(" in paying.json()["detail"]  # Chinese (English)
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 200  # reading stays allowed
    assert snapshot() == before


def test_high_court_duty_officer_books_no_money_and_extends_no_deadline(api, courts, duty_yinchuan, director_high):
    case = funded_case(courts["宁0105"])
    before = snapshot()
    for officer in (duty_yinchuan, director_high):
        client = api.as_officer(officer)
        assert (
            client.post(
                f"/api/v1/cases/{case.pk}/receipt/", {"amount": "100.00", "source": "voluntary"}, format="json"
            ).status_code
            == 403
        )
        assert (
            client.post(
                f"/api/v1/cases/{case.pk}/payout/", {"amount": "10.00", "payee": applicant(case).pk}, format="json"
            ).status_code
            == 403
        )
        assert client.post(
            f"/api/v1/cases/{case.pk}/extend-deadline/", {"days": 365, "reason": "x"}, format="json"
        ).status_code in (400, 403)
        assert (
            client.post(
                f"/api/v1/cases/{case.pk}/extend-deadline/", {"days": 30, "reason": "x"}, format="json"
            ).status_code
            == 403
        )
    assert snapshot() == before


def test_a_higher_courts_judge_sees_but_does_not_change_a_lower_courts_case(api, courts, judge_yinchuan):
    case = case_in(CaseStatus.ASSIGNED, court=courts["宁0105"])
    client = api.as_officer(judge_yinchuan)
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    assert (
        client.post(f"/api/v1/cases/{case.pk}/transition/", {"to": "investigating"}, format="json").status_code == 403
    )
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ASSIGNED


def test_bank_gateway_key_reads_no_case_party_money_duty_or_alert(api, courts, bank_partner):
    funded_case(courts["宁0105"])
    raise_alert(kind="test", court=courts["宁0105"], title="演示预警", dedup_key="t1")
    client = api.as_partner(bank_partner)
    for url in (
        "/api/v1/cases/",
        "/api/v1/parties/",
        "/api/v1/money-entries/",
        "/api/v1/case-events/",
        "/api/v1/shifts/",
        "/api/v1/handovers/",
        "/api/v1/alerts/",
        "/api/v1/audit-log/",
        "/api/v1/query-requests/",
        "/api/v1/approval-requests/",
        "/api/v1/operations/",
        "/api/v1/petitions/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.get("/api/v1/control-orders/").status_code == 200  # its own tasks (tests/querycontrol/test_api.py)


def test_case_system_key_stays_in_its_subtree_and_its_actions(api, courts, case_system_partner):
    inside, outside = (
        case_in(CaseStatus.ASSIGNED, court=courts["宁0105"]),
        case_in(CaseStatus.ASSIGNED, court=courts["宁0424"]),
    )
    client = api.as_partner(case_system_partner)
    assert client.get(f"/api/v1/cases/{inside.pk}/").status_code == 200
    assert client.get(f"/api/v1/cases/{outside.pk}/").status_code == 404
    assert client.get("/api/v1/alerts/").status_code == 403
    assert client.get("/api/v1/audit-log/").status_code == 403


def test_payout_takes_effect_only_when_a_second_person_approves(api, courts, judge_xixia, approver_xixia):
    case = funded_case(courts["宁0105"])
    requested = api.as_officer(judge_xixia).post(
        f"/api/v1/cases/{case.pk}/payout/", {"amount": "20000.00", "payee": applicant(case).pk}, format="json"
    )
    assert requested.status_code == 202
    assert not MoneyEntry.objects.filter(case=case, kind="payout").exists()
    url = f"/api/v1/approval-requests/{requested.json()['id']}/"
    assert api.as_officer(judge_xixia).post(url + "approve/", {}, format="json").status_code == 403
    assert api.as_officer(approver_xixia).post(url + "approve/", {}, format="json").status_code == 200
    assert MoneyEntry.objects.get(case=case, kind="payout").amount == Decimal("20000.00")
    # Approving again pays nothing twice.
    assert api.as_officer(approver_xixia).post(url + "approve/", {}, format="json").status_code == 409
    assert MoneyEntry.objects.filter(case=case, kind="payout").count() == 1


def test_nobody_approves_their_own_request(courts, judge_xixia, courts_officer_with_two_roles):
    case = funded_case(courts["宁0105"])
    both = courts_officer_with_two_roles
    request = approvals.request_payout(both.user, case, amount="100.00", payee=applicant(case))
    with pytest.raises(PermissionDenied):
        approvals.approve(both.user, request)
    assert ApprovalRequest.objects.get(pk=request.pk).status == ApprovalStatus.PENDING


@pytest.fixture
def courts_officer_with_two_roles(courts):
    from tests.conftest import _officer

    return _officer(courts, "judge_and_approver", "宁0105", "judge", "approver", name="兼任")


def test_extension_is_approved_by_the_president_never_by_the_bureau_head(
    api, courts, judge_xixia, approver_xixia, president_xixia
):
    case = case_in(CaseStatus.INVESTIGATING, court=courts["宁0105"])
    deadline = case.statutory_deadline
    requested = api.as_officer(judge_xixia).post(
        f"/api/v1/cases/{case.pk}/extend-deadline/", {"days": 90, "reason": "财产处置需要"}, format="json"
    )
    assert requested.status_code == 202
    url = f"/api/v1/approval-requests/{requested.json()['id']}/approve/"
    assert api.as_officer(approver_xixia).post(url, {}, format="json").status_code == 403
    assert Case.objects.get(pk=case.pk).statutory_deadline == deadline
    assert (
        api.as_officer(president_xixia).post(url, {"approval_document_no": "宁0105执延1号"}, format="json").status_code
        == 200
    )
    case.refresh_from_db()
    assert case.statutory_deadline == deadline + dt.timedelta(days=90)
    assert case.extensions.get().approved_by == president_xixia


def test_closure_including_zhongben_takes_effect_only_after_approval(courts, judge_xixia, approver_xixia):
    case = case_in(CaseStatus.INVESTIGATING, court=courts["宁0105"])
    request = approvals.request_closure(
        judge_xixia.user, case, closure_type=ClosureType.TERMINATED, note="被执行人死亡无遗产"
    )
    assert Case.objects.get(pk=case.pk).status == CaseStatus.INVESTIGATING
    approvals.approve(approver_xixia.user, request)
    assert Case.objects.get(pk=case.pk).closure_type == ClosureType.TERMINATED


def test_zhongben_request_missing_a_condition_is_refused_at_once(courts, judge_xixia):
    case = case_in(CaseStatus.INVESTIGATING, court=courts["宁0105"])
    with pytest.raises(InvalidTransition):
        approvals.request_closure(judge_xixia.user, case, closure_type=ClosureType.TERMINATED_THIS_ROUND)
    assert not ApprovalRequest.objects.exists()


def test_nothing_is_paid_out_of_a_closed_case(courts, judge_xixia, approver_xixia):
    case = funded_case(courts["宁0105"])
    request = approvals.request_payout(judge_xixia.user, case, amount="100.00", payee=applicant(case))
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.CLOSED, closure_type=ClosureType.COMPLETED, closed_on=timezone.localdate()
    )
    with pytest.raises(InvalidTransition):
        approvals.approve(approver_xixia.user, request)
    with pytest.raises(InvalidTransition):
        approvals.request_payout(judge_xixia.user, Case.objects.get(pk=case.pk), amount="1.00", payee=applicant(case))
    assert not MoneyEntry.objects.filter(case=case, kind="payout").exists()


def test_an_order_is_decided_only_while_pending(api, courts, judge_xixia, approver_xixia):
    from querycontrol.models import ControlOrder
    from tests.querycontrol.conftest import make_institutions
    from tests.querycontrol.test_api import _order

    make_institutions()
    order = _order(courts["宁0105"], status="approved")
    response = api.as_officer(approver_xixia).post(
        f"/api/v1/control-orders/{order.pk}/reject/", {"note": "x"}, format="json"
    )
    assert response.status_code == 409
    assert ControlOrder.objects.get(pk=order.pk).status == "approved"


def test_masked_roles_cannot_recover_an_id_number_by_searching(api, courts, duty_yinchuan, auditor_high):
    case = case_in(CaseStatus.ASSIGNED, court=courts["宁0105"])
    party = applicant(case)
    for officer in (duty_yinchuan, auditor_high):
        client = api.as_officer(officer)
        for params in (
            {"id_number": party.id_number},
            {"address__icontains": case.case_parties.get(party=party).address[:3] or "路"},
            {"phone": case.case_parties.get(party=party).phone or "13800000000"},
        ):
            response = client.get("/api/v1/parties/", params)
            assert response.status_code == 403, (officer, params)
            assert response.json()["code"] == "personal_search_refused"
        assert client.get("/api/v1/cases/", {"q": party.id_number}).status_code == 403
        # The masked value it reads cannot be completed: the digits in the middle are not there.
        shown = client.get(f"/api/v1/parties/{party.pk}/").json()["id_number"]
        assert "*" in shown and shown != party.id_number


def test_a_role_that_may_search_by_id_number_is_audited_with_its_purpose(api, courts, judge_xixia):
    from execcenter.models import AuditLog

    case = case_in(CaseStatus.ASSIGNED, court=courts["宁0105"])
    party = applicant(case)
    response = api.as_officer(judge_xixia).get(
        "/api/v1/parties/", {"id_number": party.id_number, "purpose": "查人找物"}
    )
    assert response.status_code == 200 and [row["id"] for row in response.json()["results"]] == [party.pk]
    row = AuditLog.objects.filter(action="personal_data.search").latest("id")
    assert row.details["purpose"] == "查人找物" and row.details["filters"] == ["id_number"]


def test_a_reference_already_used_by_another_case_is_refused_and_shows_nothing_of_it(
    api, courts, judge_xixia, case_system_partner
):
    other = case_in(CaseStatus.DISPOSING, court=courts["宁0424"])  # another court, outside both callers' scope
    services.record_receipt(other, Decimal("777.00"), reference="BANK-REF-1")
    mine = case_in(CaseStatus.DISPOSING, court=courts["宁0105"])
    response = api.as_officer(judge_xixia).post(
        f"/api/v1/cases/{mine.pk}/receipt/",
        {"amount": "5.00", "source": "voluntary", "reference": "BANK-REF-1"},
        format="json",
    )
    assert response.status_code == 409 and response.json()["code"] == "reference_in_use"
    assert "777" not in response.content.decode() and other.number not in response.content.decode()
    assert MoneyEntry.objects.filter(case=mine).count() == 0


def test_refusals_in_the_browser_are_403_pages_in_chinese(client, courts, auditor_high):
    case = funded_case(courts["宁0105"])
    client.force_login(auditor_high.user)
    response = client.post(
        f"/cases/{case.pk}/actions/payout/", {"payout-amount": "1.00", "payout-payee": applicant(case).pk}
    )
    assert response.status_code == 403 and "您的角色无权" in response.content.decode()
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "申请发放案款" not in page and "申请结案" not in page  # the buttons the policy refuses are not shown
    assert not MoneyEntry.objects.filter(case=case, kind="payout").exists()


def test_alert_acknowledged_only_by_the_duty_desk(api, courts, judge_xixia, duty_yinchuan):
    alert, _ = raise_alert(kind="test", court=courts["宁0105"], title="演示预警", dedup_key="t2")
    assert (
        api.as_officer(judge_xixia)
        .post(f"/api/v1/alerts/{alert.pk}/acknowledge/", {"note": "已处理"}, format="json")
        .status_code
        == 403
    )
    assert (
        api.as_officer(duty_yinchuan)
        .post(f"/api/v1/alerts/{alert.pk}/acknowledge/", {"note": "已处理"}, format="json")
        .status_code
        == 200
    )
    assert Alert.objects.get(pk=alert.pk).status == "acknowledged"


@pytest.mark.parametrize(
    "text, hidden",
    [
        ("被执行人640105198001011234拒不履行", "640105198001011234"),
        ("联系电话13912345678，请速回电", "13912345678"),
        (
            "身份证６４０１０５１９８００１０１１２３Ｘ已核实",
            "６４０１０５１９８００１０１１２３Ｘ",
        ),  # full-width digits too
    ],
)
def test_free_text_on_the_wall_masks_id_and_mobile_numbers(text, hidden):
    from dashboards.walls import wall_text

    shown = wall_text(text)
    assert hidden not in shown and "*" in shown
