"""终本 (法〔2016〕373号): the five conditions, the re-query schedule and resuming as 执恢."""

import datetime as dt

import pytest
from django.utils import timezone

from cases import closure, deadlines, hooks, measures
from cases.choices import CaseStatus, CaseType, ClosureType, MeasureKind, MeasureStatus, PartyRole, RequeryStatus
from cases.models import Case, Measure, PropertyInvestigation, RequerySchedule
from execcenter.exceptions import InvalidTransition
from tests.cases.conftest import case_in, respondent, satisfy_terminate_conditions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def only_the_fallback_investigation_record(monkeypatch):
    """querycontrol registers its own check in ready(); these tests exercise the registry and the fallback."""
    monkeypatch.setattr(hooks, "_property_investigation_checks", [])


@pytest.fixture
def ready(courts):
    return satisfy_terminate_conditions(case_in(CaseStatus.INVESTIGATING))


def _missing(case):
    with pytest.raises(InvalidTransition) as exc:
        closure.close(case, ClosureType.TERMINATED_THIS_ROUND)
    assert exc.value.status == 409
    assert Case.objects.get(pk=case.pk).status != CaseStatus.CLOSED
    return exc.value.details["missing"], str(exc.value.message)


def test_terminate_with_all_five_conditions_closes_and_schedules_ten_six_monthly_requeries(ready):
    closure.close(ready, ClosureType.TERMINATED_THIS_ROUND)
    ready.refresh_from_db()
    assert (ready.status, ready.closure_type) == (CaseStatus.CLOSED, ClosureType.TERMINATED_THIS_ROUND)
    dues = list(RequerySchedule.objects.filter(case=ready).values_list("due_on", flat=True))
    today = timezone.localdate()
    assert len(dues) == 10
    assert dues[0] == deadlines.add_months(today, 6)
    assert dues[-1] == deadlines.add_months(today, 60)


def test_terminate_without_notice_names_the_notice_condition(ready):
    Case.objects.filter(pk=ready.pk).update(notice_sent_on=None)
    missing, message = _missing(ready)
    assert missing == ["notice_and_report_order"]
    assert "报告财产" in message


def test_terminate_without_property_report_order_names_it(ready):
    Measure.objects.filter(case=ready, kind=MeasureKind.PROPERTY_REPORT_ORDER).update(status=MeasureStatus.REVOKED)
    assert _missing(ready)[0] == ["notice_and_report_order"]


def test_terminate_without_consumption_restriction_names_it(ready):
    Measure.objects.filter(case=ready, kind=MeasureKind.CONSUMPTION_RESTRICTION).delete()
    assert _missing(ready)[0] == ["restriction_and_dishonest"]


def test_terminate_of_a_dishonest_eligible_respondent_not_listed_is_refused_until_listed(ready):
    Case.objects.filter(pk=ready.pk).update(dishonest_eligible=True)
    assert _missing(ready)[0] == ["restriction_and_dishonest"]
    measures.impose_measure(ready, MeasureKind.DISHONEST, party=respondent(ready), legal_ground="able_but_refuses")
    closure.close(ready, ClosureType.TERMINATED_THIS_ROUND)


def test_terminate_before_network_query_is_done_names_the_investigation(ready):
    PropertyInvestigation.objects.filter(case=ready).update(exhausted=False)
    assert _missing(ready)[0] == ["property_investigation"]


def test_a_registered_querycontrol_hook_decides_the_investigation_condition(ready):
    def network_query_not_finished(case):
        return False

    hooks.register_property_investigation_check(network_query_not_finished)
    try:
        assert _missing(ready)[0] == ["property_investigation"]
    finally:
        hooks.unregister_property_investigation_check(network_query_not_finished)
    PropertyInvestigation.objects.filter(case=ready).delete()
    hooks.register_property_investigation_check(lambda case: True)
    closure.close(ready, ClosureType.TERMINATED_THIS_ROUND)


def test_terminate_within_three_months_of_filing_is_refused(ready):
    Case.objects.filter(pk=ready.pk).update(filed_on=timezone.localdate() - dt.timedelta(days=80))
    assert _missing(ready)[0] == ["three_months"]


def test_terminate_when_debtor_hid_needs_search_and_sanctions(ready):
    Case.objects.filter(pk=ready.pk).update(debtor_whereabouts_unknown=True, debtor_obstructed=True)
    assert _missing(ready)[0] == ["search_and_sanctions"]
    Case.objects.filter(pk=ready.pk).update(debtor_searched_on=timezone.localdate())
    assert _missing(ready)[0] == ["search_and_sanctions"]
    measures.impose_measure(ready, MeasureKind.FINE, party=respondent(ready), amount="10000.00")
    closure.close(ready, ClosureType.TERMINATED_THIS_ROUND)


def test_every_missing_condition_is_named_at_once(courts):
    case = case_in(CaseStatus.INVESTIGATING)
    assert _missing(case)[0] == [
        "notice_and_report_order",
        "restriction_and_dishonest",
        "property_investigation",
        "three_months",
    ]


def test_terminate_from_assigned_is_a_wrong_state(courts):
    case = satisfy_terminate_conditions(case_in(CaseStatus.ASSIGNED))
    with pytest.raises(InvalidTransition) as exc:
        closure.close(case, ClosureType.TERMINATED_THIS_ROUND)
    assert exc.value.code == "invalid_transition"


def test_resuming_a_terminated_case_files_a_linked_resumed_case_and_cancels_requeries(ready, judge_xixia):
    Case.objects.filter(pk=ready.pk).update(outstanding_amount="60000.00")
    closure.close(ready, ClosureType.TERMINATED_THIS_ROUND)
    new = closure.resume_terminated(ready, reason="申请执行人提供财产线索", actor=judge_xixia.user)
    assert new.case_type == CaseType.RESUMED
    assert new.number == f"（{timezone.localdate().year}）宁0105执恢1号"
    assert new.origin_case_id == ready.pk
    assert str(new.claim_amount) == "60000.00"
    assert set(new.case_parties.values_list("party_id", "role")) == set(
        ready.case_parties.values_list("party_id", "role")
    )
    assert not RequerySchedule.objects.filter(case=ready, status=RequeryStatus.DUE).exists()
    with pytest.raises(InvalidTransition):
        closure.resume_terminated(ready, reason="again")


def test_only_a_terminated_case_can_be_resumed_as_resumed_case(courts):
    case = case_in(CaseStatus.CLOSED, closure_type=ClosureType.COMPLETED)
    with pytest.raises(InvalidTransition):
        closure.resume_terminated(case, reason="x")
    assert not Case.objects.filter(origin_case=case).exists()


def test_a_started_round_is_no_longer_due_and_cannot_start_twice(ready):
    closure.close(ready, ClosureType.TERMINATED_THIS_ROUND)
    first = RequerySchedule.objects.get(case=ready, round_no=1)
    assert list(closure.requeries_due(today=first.due_on)) == [first]
    assert closure.start_requery(first) is True
    assert closure.start_requery(first) is False
    assert not closure.requeries_due(today=first.due_on).exists()
    first.refresh_from_db()
    assert first.status == RequeryStatus.RUNNING and first.started_at is not None
    assert closure.release_requery(first, "cancelled") is True
    assert list(closure.requeries_due(today=first.due_on)) == [first]
    assert ready.case_parties.filter(role=PartyRole.RESPONDENT).exists()
