"""A browser form refused for who is asking answers 403 (or 404 out of scope), not a redirect (issue 10, point 1).

Found by the attack pass: 西夏区's 院长 (who approves extensions, not payouts) posted "approve" on a pending payout
from the approval queue and got 302 back to the case with a flash message; a judge acknowledging an alert on its
page, likewise. Nothing changed, but the answer said "done, go on" where the policy says 403. Pages that redirect
after an action now let a refusal of the actor through to PolicyRefusalMiddleware (403/404 page, both languages);
rule violations raised by the service (a date out of order, a balance too small) stay a message on the next page.
"""

import pytest

from cases import approvals, services
from cases.choices import ApprovalStatus, CaseStatus
from cases.models import ApprovalRequest
from execcenter.models import Alert
from execcenter.services import raise_alert
from tests.cases.conftest import applicant, case_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending_payout(courts, judge_xixia):
    case = case_in(CaseStatus.DISPOSING, court=courts["宁0105"])
    services.record_receipt(case, "500.00", reference=f"r:{case.pk}")
    return approvals.request_payout(judge_xixia.user, case, amount="100.00", payee=applicant(case))


def test_a_president_approving_a_payout_in_the_browser_gets_403(client, pending_payout, president_xixia):
    client.force_login(president_xixia.user)
    response = client.post(f"/cases/approvals/{pending_payout.pk}/approve/")
    assert response.status_code == 403
    assert "(" in response.content.decode()  # the policy's Chinese (English) message
    assert ApprovalRequest.objects.get(pk=pending_payout.pk).status == ApprovalStatus.PENDING


def test_the_requester_approving_their_own_payout_in_the_browser_gets_403(client, pending_payout, judge_xixia):
    client.force_login(judge_xixia.user)
    assert client.post(f"/cases/approvals/{pending_payout.pk}/approve/").status_code == 403
    assert ApprovalRequest.objects.get(pk=pending_payout.pk).status == ApprovalStatus.PENDING


def test_the_approver_approves_and_a_second_approval_is_409(client, pending_payout, approver_xixia):
    client.force_login(approver_xixia.user)
    assert client.post(f"/cases/approvals/{pending_payout.pk}/approve/").status_code == 302
    assert ApprovalRequest.objects.get(pk=pending_payout.pk).status == ApprovalStatus.APPROVED
    assert client.post(f"/cases/approvals/{pending_payout.pk}/approve/").status_code == 409


def test_a_judge_acknowledging_an_alert_in_the_browser_gets_403(client, courts, judge_xixia):
    alert, _ = raise_alert(kind="test", court=courts["宁0105"], title="测试预警", dedup_key="atk:1")
    client.force_login(judge_xixia.user)
    assert client.get(f"/alerts/{alert.pk}/").status_code == 200  # reading is allowed
    response = client.post(f"/alerts/{alert.pk}/", {"step": "acknowledge", "note": "看过了"})
    assert response.status_code == 403
    assert Alert.objects.get(pk=alert.pk).status == alert.status
