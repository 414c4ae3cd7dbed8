"""Collective operations: plan → teams → launch → results from the field → live tally → end with a summary."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.models import MoneyEntry
from command import services
from command.models import Operation
from execcenter.exceptions import InvalidTransition, PermissionDenied, RuleViolation
from execcenter.models import AuditLog

from .conftest import make_case


@pytest.fixture
def operation(courts, director_high, judge_xixia, officer_xixia):
    now = timezone.now()
    op = services.create_operation(
        director_high.user,
        name="雷霆2025",
        court=courts["宁"],
        courts=[courts["宁0105"], courts["宁0424"]],
        starts_at=now,
        ends_at=now + dt.timedelta(days=3),
    )
    return op


def test_director_plans_launches_and_ends_an_operation_with_a_frozen_summary(
    operation, courts, director_high, judge_xixia, officer_xixia, judge_jingyuan
):
    target_x, target_j = make_case("宁0105"), make_case("宁0424")
    services.set_target_cases(director_high.user, operation, [target_x, target_j])
    team_x = services.add_team(
        director_high.user,
        operation,
        name="西夏一组",
        court=courts["宁0105"],
        leader=judge_xixia,
        members=[officer_xixia],
        vehicle="宁A·12345",
        body_camera_url="https://cam.example/1",
    )
    team_j = services.add_team(
        director_high.user, operation, name="泾源一组", court=courts["宁0424"], leader=judge_jingyuan
    )
    services.launch_operation(director_high.user, operation)
    services.record_result(
        officer_xixia.user,
        operation,
        team_x,
        target_x,
        case_closed=True,
        amount_recovered=Decimal("12000.50"),
        measures=["search"],
        people_detained=1,
    )
    services.record_result(judge_xixia.user, operation, team_x, target_x, amount_recovered=Decimal("1000.00"))
    services.record_result(
        judge_jingyuan.user, operation, team_j, target_j, amount_recovered=Decimal("500.00"), measures=["seal"]
    )
    tally = services.operation_tally(operation)
    by = {r["court_code"]: r for r in tally["by_court"]}
    assert (
        by["宁0105"]["amount"] == Decimal("13000.50")
        and by["宁0105"]["cases_closed"] == 1
        and by["宁0105"]["results"] == 2
    )
    assert by["宁0105"]["detained"] == 1 and by["宁0105"]["targets"] == 1 and by["宁0105"]["targets_done"] == 1
    assert (
        tally["total"]["amount"] == Decimal("13500.50")
        and tally["total"]["cases_worked"] == 2
        and tally["total"]["teams"] == 2
    )
    assert tally["total"]["measures"] == {"司法拘留": 1, "搜查": 1, "查封": 1}
    services.end_operation(director_high.user, operation)
    operation.refresh_from_db()
    assert operation.status == "ended" and operation.summary["total"]["amount"] == "13500.50"
    with pytest.raises(InvalidTransition):
        services.record_result(judge_xixia.user, operation, team_x, target_x)
    assert AuditLog.objects.filter(action="operation.end", object_id=str(operation.pk)).exists()


def test_only_a_director_creates_operations(courts, judge_xixia):
    now = timezone.now()
    with pytest.raises(PermissionDenied):
        services.create_operation(
            judge_xixia.user,
            name="x",
            court=courts["宁0105"],
            courts=[courts["宁0105"]],
            starts_at=now,
            ends_at=now + dt.timedelta(hours=1),
        )


def test_intermediate_director_cannot_enlist_courts_outside_own_subtree(courts):
    from execcenter.choices import Role
    from tests.conftest import _officer

    yc = _officer(courts, "yc_dir", "宁01", Role.DIRECTOR)
    now = timezone.now()
    with pytest.raises(RuleViolation):
        services.create_operation(
            yc.user,
            name="x",
            court=courts["宁01"],
            courts=[courts["宁0424"]],
            starts_at=now,
            ends_at=now + dt.timedelta(hours=1),
        )


def test_launch_needs_a_team_and_happens_once(operation, courts, director_high, judge_xixia):
    with pytest.raises(RuleViolation):
        services.launch_operation(director_high.user, operation)
    services.add_team(director_high.user, operation, name="一组", court=courts["宁0105"], leader=judge_xixia)
    services.launch_operation(director_high.user, operation)
    with pytest.raises(InvalidTransition):
        services.launch_operation(director_high.user, operation)


def test_officer_outside_the_team_cannot_record_results(operation, courts, director_high, judge_xixia, officer_xixia):
    team = services.add_team(director_high.user, operation, name="一组", court=courts["宁0105"], leader=judge_xixia)
    services.launch_operation(director_high.user, operation)
    with pytest.raises(RuleViolation) as exc:
        services.record_result(officer_xixia.user, operation, team, make_case("宁0105"))
    assert exc.value.code == "not_team_member"


def test_result_on_case_outside_participating_courts_is_refused(operation, courts, director_high, judge_xixia):
    team = services.add_team(director_high.user, operation, name="一组", court=courts["宁0105"], leader=judge_xixia)
    services.launch_operation(director_high.user, operation)
    with pytest.raises(RuleViolation):
        services.record_result(judge_xixia.user, operation, team, make_case("宁0104"))


def test_booked_result_goes_into_case_account_once(operation, courts, director_high, judge_xixia):
    team = services.add_team(director_high.user, operation, name="一组", court=courts["宁0105"], leader=judge_xixia)
    services.launch_operation(director_high.user, operation)
    case = make_case("宁0105")
    result = services.record_result(
        judge_xixia.user, operation, team, case, amount_recovered=Decimal("800.00"), book_receipt=True
    )
    entry = MoneyEntry.objects.get(reference=f"operation-result:{result.pk}")
    assert entry.amount == Decimal("800.00")
    case.refresh_from_db()
    assert case.recovered_amount == Decimal("800.00")


def test_basic_court_judge_sees_province_operation_they_take_part_in_but_not_others(
    operation, courts, director_high, judge_xixia
):
    from execcenter.choices import Role
    from tests.conftest import _officer

    assert Operation.objects.visible_to(judge_xixia.user).filter(pk=operation.pk).exists()
    helan = _officer(courts, "helan", "宁0122", Role.JUDGE)
    assert not Operation.objects.visible_to(helan.user).filter(pk=operation.pk).exists()


def test_negative_or_fractional_cent_amounts_are_refused(operation, courts, director_high, judge_xixia):
    team = services.add_team(director_high.user, operation, name="一组", court=courts["宁0105"], leader=judge_xixia)
    services.launch_operation(director_high.user, operation)
    for bad in (Decimal("-1"), Decimal("0.001")):
        with pytest.raises(RuleViolation):
            services.record_result(judge_xixia.user, operation, team, make_case("宁0105"), amount_recovered=bad)
