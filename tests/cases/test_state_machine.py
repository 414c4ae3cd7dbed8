import datetime as dt

import pytest
from django.utils import timezone

from cases import closure, services
from cases.choices import CaseStatus, ClosureType, SuspensionKind
from cases.models import Case, CaseEvent, CaseSuspension, DeadlineExtension
from execcenter.exceptions import InvalidTransition, PermissionDenied, RuleViolation
from execcenter.models import AuditLog
from tests.cases.conftest import case_in

pytestmark = pytest.mark.django_db

ALLOWED_MOVES = {
    (CaseStatus.ASSIGNED, CaseStatus.INVESTIGATING),
    (CaseStatus.INVESTIGATING, CaseStatus.CONTROLLING),
    (CaseStatus.CONTROLLING, CaseStatus.DISPOSING),
    (CaseStatus.CONTROLLING, CaseStatus.INVESTIGATING),
    (CaseStatus.DISPOSING, CaseStatus.CONTROLLING),
    (CaseStatus.DISPOSING, CaseStatus.INVESTIGATING),
}
ALL_MOVES = [(a, b) for a in CaseStatus.values for b in CaseStatus.values]


@pytest.mark.parametrize("start, target", ALL_MOVES)
def test_transition_allows_exactly_the_flow_and_refuses_everything_else_unchanged(courts, judge_xixia, start, target):
    case = case_in(start)
    events = CaseEvent.objects.filter(case=case).count()
    if (start, target) in ALLOWED_MOVES:
        services.transition(case, target, actor=judge_xixia.user)
        assert Case.objects.get(pk=case.pk).status == target
        assert CaseEvent.objects.filter(case=case).count() == events + 1
        assert AuditLog.objects.filter(action="case.transition", object_id=str(case.pk)).exists()
    else:
        with pytest.raises(InvalidTransition) as exc:
            services.transition(case, target, actor=judge_xixia.user)
        assert exc.value.status == 409
        assert Case.objects.get(pk=case.pk).status == start
        assert CaseEvent.objects.filter(case=case).count() == events


def test_assign_moves_a_filed_case_to_assigned_and_names_the_judge(courts, judge_xixia):
    case = case_in(CaseStatus.FILED)
    services.assign(case, judge_xixia, actor=judge_xixia.user)
    case.refresh_from_db()
    assert (case.status, case.assigned_judge, case.responsible_officer) == (
        CaseStatus.ASSIGNED,
        judge_xixia,
        judge_xixia,
    )


def test_assign_to_a_judge_of_a_sibling_court_is_refused(courts, judge_jingyuan):
    case = case_in(CaseStatus.FILED)
    with pytest.raises(RuleViolation):
        services.assign(case, judge_jingyuan)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.FILED


def test_assign_to_a_duty_officer_is_refused(courts, duty_yinchuan):
    with pytest.raises(RuleViolation):
        services.assign(case_in(CaseStatus.FILED), duty_yinchuan)


def test_reassigning_an_open_case_keeps_its_status(courts, judge_xixia, officer_xixia):
    case = case_in(CaseStatus.CONTROLLING)
    services.assign(case, officer_xixia)
    case.refresh_from_db()
    assert (case.status, case.assigned_judge) == (CaseStatus.CONTROLLING, officer_xixia)


def test_closed_case_cannot_be_assigned(courts, judge_xixia):
    case = case_in(CaseStatus.CLOSED, closure_type=ClosureType.COMPLETED)
    with pytest.raises(InvalidTransition):
        services.assign(case, judge_xixia)


def test_stale_status_loses_the_compare_and_swap(courts):
    case = case_in(CaseStatus.INVESTIGATING)
    stale = Case.objects.get(pk=case.pk)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CONTROLLING)
    with pytest.raises(InvalidTransition) as exc:
        services._swap(stale, CaseStatus.INVESTIGATING, status=CaseStatus.CONTROLLING)
    assert exc.value.code == "stale_state"


@pytest.mark.parametrize("start", CaseStatus.values)
def test_suspend_only_from_a_running_state(courts, start):
    case = case_in(start)
    if start in services.SUSPENDABLE:
        services.suspend(case, SuspensionKind.SETTLEMENT, "双方达成和解协议")
        case.refresh_from_db()
        assert (case.status, case.status_before_suspension) == (CaseStatus.SUSPENDED, start)
    else:
        with pytest.raises(InvalidTransition):
            services.suspend(case, SuspensionKind.SUSPENSION, "案外人异议")
        assert Case.objects.get(pk=case.pk).status == start


def test_resume_returns_to_the_former_state_and_excludes_suspended_days_from_the_deadline(courts):
    case = case_in(CaseStatus.CONTROLLING)
    deadline = case.statutory_deadline
    start = timezone.localdate() - dt.timedelta(days=20)
    services.suspend(case, SuspensionKind.SUSPENSION, "案外人提出异议", on=start)
    services.resume(case, on=start + dt.timedelta(days=12))
    case.refresh_from_db()
    assert case.status == CaseStatus.CONTROLLING
    assert case.suspended_days == 12
    assert case.statutory_deadline == deadline + dt.timedelta(days=12)
    period = CaseSuspension.objects.get(case=case)
    assert period.days == 12


@pytest.mark.parametrize("start", [s for s in CaseStatus.values if s != CaseStatus.SUSPENDED])
def test_resume_of_a_case_that_is_not_suspended_is_refused(courts, start):
    with pytest.raises(InvalidTransition):
        services.resume(case_in(start))


def test_deadline_extension_approved_by_the_president_moves_the_deadline(courts, judge_xixia, president_xixia):
    from cases import approvals

    case = case_in(CaseStatus.INVESTIGATING)
    deadline = case.statutory_deadline
    request = approvals.request_extension(judge_xixia.user, case, days=90, reason="案情复杂")
    approvals.approve(president_xixia.user, request, approval_document_no="宁0105执延1号")
    case.refresh_from_db()
    assert case.statutory_deadline == deadline + dt.timedelta(days=90)
    extension = DeadlineExtension.objects.get(case=case)
    assert (extension.approved_by, extension.approval_document_no) == (president_xixia, "宁0105执延1号")


def test_deadline_extension_is_never_self_approved_nor_by_another_role_nor_called_directly(
    courts, judge_xixia, approver_xixia
):
    from cases import approvals

    case = case_in(CaseStatus.INVESTIGATING)
    request = approvals.request_extension(judge_xixia.user, case, days=30, reason="x")
    for officer in (judge_xixia, approver_xixia):  # the requester; a bureau head (the president decides)
        with pytest.raises(PermissionDenied):
            approvals.approve(officer.user, request)
    with pytest.raises(PermissionDenied):
        services.extend_deadline(case, 30, "x", actor=judge_xixia.user)
    assert not DeadlineExtension.objects.exists()


def test_deadline_state_near_overdue_and_stopped_while_suspended(courts):
    today = timezone.localdate()
    case = case_in(CaseStatus.INVESTIGATING)
    case.statutory_deadline = today + dt.timedelta(days=30)
    assert services.deadline_state(case, today) == "near"
    case.statutory_deadline = today + dt.timedelta(days=31)
    assert services.deadline_state(case, today) == "ok"
    case.statutory_deadline = today - dt.timedelta(days=1)
    assert services.deadline_state(case, today) == "overdue"
    case.status = CaseStatus.SUSPENDED
    assert services.deadline_state(case, today) is None


CLOSE_MOVES = [(s, t) for s in CaseStatus.values for t in ClosureType.values if t != ClosureType.TERMINATED_THIS_ROUND]


@pytest.mark.parametrize("start, closure_type", CLOSE_MOVES)
def test_close_is_allowed_only_from_the_states_each_closure_type_permits(courts, start, closure_type):
    case = case_in(start, outstanding_amount=0)
    if start in services.CLOSABLE_FROM[closure_type]:
        closure.close(case, closure_type)
        case.refresh_from_db()
        assert (case.status, case.closure_type, case.closed_on) == (
            CaseStatus.CLOSED,
            closure_type,
            timezone.localdate(),
        )
    else:
        with pytest.raises(InvalidTransition):
            closure.close(case, closure_type)
        assert Case.objects.get(pk=case.pk).status == start


def test_completed_closure_is_refused_while_money_is_outstanding_without_settlement(courts):
    case = case_in(CaseStatus.DISPOSING)
    with pytest.raises(InvalidTransition) as exc:
        closure.close(case, ClosureType.COMPLETED)
    assert exc.value.code == "claim_outstanding"


def test_completed_closure_after_a_performed_settlement_is_allowed(courts):
    case = case_in(CaseStatus.INVESTIGATING)
    services.suspend(case, SuspensionKind.SETTLEMENT, "和解")
    closure.close(case, ClosureType.COMPLETED, note="和解协议履行完毕")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert CaseSuspension.objects.get(case=case).ended_on == timezone.localdate()


def test_allowed_transitions_lists_what_the_case_page_may_offer(courts):
    actions = services.allowed_transitions(case_in(CaseStatus.FILED))
    assert actions["transition"] == [] and actions["assign"] and not actions["suspend"]
    assert set(actions["close"]) == {
        ClosureType.TERMINATED,
        ClosureType.WITHDRAWN,
        ClosureType.NOT_ENFORCED,
        ClosureType.REJECTED,
    }
