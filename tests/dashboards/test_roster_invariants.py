"""The roster's invariants hold whatever path changes it (issue 13 item 7): posts A and B are two people, nobody is
on two overlapping shifts, ended shifts are history, and a handover is neither written nor acknowledged before its
shift starts. The services refuse with a clear message; the database (migration 0003) refuses raw writes too."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from dashboards.models import CommandCentre, Handover, Shift
from dashboards.services import duty
from execcenter.choices import Role
from execcenter.exceptions import RuleViolation
from tests.factories import OfficerFactory, UserFactory

from .conftest import NOW, at


@pytest.fixture
def centre(courts, director_high):
    return CommandCentre.objects.create(
        court=courts["宁"],
        name="宁夏高院执行指挥中心",
        director=director_high,
        escalate_after_minutes=10,
        checkin_grace_minutes=15,
    )


@pytest.fixture
def staff(courts):
    return [
        OfficerFactory(user=UserFactory(username=f"duty{i}"), court=courts["宁"], name=n, roles=[Role.DUTY.value])
        for i, n in enumerate(["李静", "王磊", "赵强", "孙悦", "周敏"])
    ]


@pytest.fixture
def roster(centre, staff):
    a, b, c, d, _x = staff
    # 2025-06-15 day (a, b), night (c, d), 06-16 day (a, b), night (c, d)
    return duty.generate_roster(centre, dt.date(2025, 6, 15), 2, [(a, b), (c, d)])


def _raw_refused(**changes):
    with pytest.raises(IntegrityError), transaction.atomic():
        Shift.objects.filter(pk=changes.pop("pk")).update(**changes)


def test_two_approved_swaps_to_one_officer_never_put_them_on_both_posts(roster, staff, director_high):
    """The issue's input: A→X and B→X both requested, both approved."""
    a, b, _c, _d, x = staff
    day = roster[0]
    to_a = duty.request_swap(day, "A", x, "家中有事", a.user, now=NOW)
    to_b = duty.request_swap(day, "B", x, "临时外出", b.user, now=NOW)
    duty.decide_swap(to_a, True, director_high.user, now=NOW)
    with pytest.raises(RuleViolation, match="同一人"):
        duty.decide_swap(to_b, True, director_high.user, now=NOW)
    day.refresh_from_db()
    assert (day.post_a, day.post_b) == (x, b)
    to_b.refresh_from_db()
    assert to_b.status == "requested"  # the refusal changed nothing


def test_taking_over_post_a_with_the_officer_of_post_b_is_refused(roster, staff, director_high):
    _a, b, *_ = staff
    with pytest.raises(RuleViolation, match="同一人"):
        duty.take_over(roster[0], "A", b, director_high.user, "顶岗", now=NOW)
    roster[0].refresh_from_db()
    assert roster[0].post_a == staff[0]


@pytest.mark.parametrize("post", ["A", "B"])
def test_an_officer_on_a_shift_cannot_take_a_post_on_an_overlapping_one(centre, roster, staff, director_high, post):
    a, b, c, d, x = staff
    # An extra 14:00–22:00 shift overlaps the day shift (a, b) and the night shift (c, d).
    evening = Shift.objects.create(
        centre=centre, name="加班", starts_at=at(2025, 6, 15, 14), ends_at=at(2025, 6, 15, 22)
    )
    for officer in (a, b, c, d):
        with pytest.raises(RuleViolation, match="重叠"):
            duty.take_over(evening, post, officer, director_high.user, now=NOW)
    duty.take_over(evening, post, x, director_high.user, now=NOW)  # someone free is fine
    evening.refresh_from_db()
    assert evening.post_a == x if post == "A" else evening.post_b == x


@pytest.mark.parametrize(
    "change",
    [
        "same_officer_both_posts",
        "overlapping_shift_insert",
        "overlapping_shift_update",
        "moving_a_shift_onto_another",
    ],
)
def test_the_database_refuses_raw_writes_that_break_the_roster(centre, roster, staff, change):
    """Admin, shell, bulk updates or a future bug: the constraint and triggers hold the rules."""
    a, b, c, d, x = staff
    day, night = roster[0], roster[1]
    if change == "same_officer_both_posts":
        _raw_refused(pk=day.pk, post_b=a)
    elif change == "overlapping_shift_insert":
        with pytest.raises(IntegrityError), transaction.atomic():
            Shift.objects.create(
                centre=centre,
                name="加班",
                starts_at=at(2025, 6, 15, 19),
                ends_at=at(2025, 6, 15, 23),
                post_a=x,
                post_b=c,
            )
    elif change == "overlapping_shift_update":
        evening = Shift.objects.create(
            centre=centre, name="加班", starts_at=at(2025, 6, 15, 14), ends_at=at(2025, 6, 15, 22), post_a=x
        )
        _raw_refused(pk=evening.pk, post_b=a)  # a holds the day shift until 20:00
    else:
        Shift.objects.filter(pk=night.pk).update(post_a=a)  # day ends 20:00, night starts 20:00: adjacent, allowed...
        _raw_refused(pk=night.pk, starts_at=at(2025, 6, 15, 19))  # ...but moved to 19:00 it overlaps a's day shift
    assert Shift.objects.get(pk=day.pk).post_b == b


def test_adjacent_shifts_are_not_overlapping(centre, roster, staff):
    a, b, c, d, x = staff
    # The day shift ends at 20:00 when the night shift begins: a may work both.
    Shift.objects.filter(pk=roster[1].pk).update(post_a=a)
    assert Shift.objects.get(pk=roster[1].pk).post_a == a


@pytest.mark.parametrize("service", ["request_swap", "decide_swap", "take_over"])
def test_a_shift_that_has_ended_cannot_change_hands(roster, staff, director_high, service):
    a, b, c, d, x = staff
    day = roster[0]
    after = at(2025, 6, 15, 20, 1)
    with pytest.raises(RuleViolation, match="已结束"):
        if service == "request_swap":
            duty.request_swap(day, "A", x, "补记", a.user, now=after)
        elif service == "decide_swap":
            swap = duty.request_swap(day, "A", x, "家中有事", a.user, now=NOW)
            duty.decide_swap(swap, True, director_high.user, now=after)
        else:
            duty.take_over(day, "A", x, director_high.user, now=after)
    day.refresh_from_db()
    assert day.post_a == a


@pytest.mark.parametrize(
    "written, acknowledged, ok",
    [
        (at(2025, 6, 15, 7), None, False),  # the input: written before the shift starts
        (at(2025, 6, 15, 19, 50), at(2025, 6, 15, 7, 30), False),  # acknowledged before the shift starts
        (at(2025, 6, 15, 19, 50), at(2025, 6, 15, 20, 5), True),
    ],
)
def test_a_handover_is_neither_written_nor_acknowledged_before_its_shift(roster, staff, written, acknowledged, ok):
    a, b, c, d, x = staff
    day = roster[0]
    if ok:
        handover = duty.write_handover(day, "处理预警3条", "", a.user, now=written)
        duty.acknowledge_handover(handover, c.user, now=acknowledged)
        return
    if acknowledged is None:
        with pytest.raises(RuleViolation, match="尚未开始"):
            duty.write_handover(day, "处理预警3条", "", a.user, now=written)
        with pytest.raises(IntegrityError), transaction.atomic():  # the raw write too
            Handover.objects.create(shift=day, handled="x", written_by=a)
            Handover.objects.filter(shift=day).update(written_at=written)
    else:
        handover = duty.write_handover(day, "处理预警3条", "", a.user, now=written)
        with pytest.raises(RuleViolation, match="尚未开始"):
            duty.acknowledge_handover(handover, c.user, now=acknowledged)
        with pytest.raises(IntegrityError), transaction.atomic():
            Handover.objects.filter(pk=handover.pk).update(acknowledged_by=c, acknowledged_at=acknowledged)
