"""Rosters the director plans: a month from a weekly pattern with holidays, without conflicts; conflicting plans
and edits are refused whole; the month view; the browser page and the API."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from dashboards.models import CommandCentre, Holiday, Shift
from dashboards.services import roster
from execcenter.choices import Role
from execcenter.exceptions import PermissionDenied, RuleViolation
from execcenter.models import AuditLog
from execcenter.policy import NotFound
from tests.factories import OfficerFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
BEFORE = dt.datetime(2025, 5, 20, 9, 0, tzinfo=SHANGHAI)  # "now" for edits: the June roster has not started
SLOTS = [{"name": "白班", "start": "08:00", "hours": 12}, {"name": "夜班", "start": "20:00", "hours": 12}]


@pytest.fixture
def centre(courts, director_high):
    return CommandCentre.objects.create(
        court=courts["宁"], name="宁夏高院执行指挥中心", director=director_high, max_consecutive_nights=2
    )


@pytest.fixture
def people(courts):
    return [
        OfficerFactory(user=UserFactory(username=f"p{i}"), court=courts["宁"], name=f"值班{i}", roles=[Role.DUTY.value])
        for i in range(6)
    ]


def rotation(people):
    """Four officers rotate so that nobody works more than two nights in a row; the two others cover holidays."""
    p = [o.pk for o in people]
    week = {str(d): [[p[d % 4], p[(d + 1) % 4]], [p[(d + 2) % 4], p[(d + 3) % 4]]] for d in range(7)}
    week["holiday"] = [[p[4], p[5]], None]
    return {"slots": SLOTS, "week": week}


def _local(shift):
    return shift.starts_at.astimezone(SHANGHAI)


def test_a_month_is_rostered_from_the_weekly_pattern_with_a_holiday_and_no_conflict(centre, people, director_high):
    made = roster.plan(
        director_high.user,
        centre,
        dt.date(2025, 6, 1),
        dt.date(2025, 6, 30),
        rotation(people),
        holidays=[(dt.date(2025, 6, 2), "端午节")],
    )
    assert len(made) == 29 * 2 + 1 and Shift.objects.filter(centre=centre).count() == 59
    assert roster.conflicts(centre, [(s.starts_at, s.ends_at, s.name, s.post_a, s.post_b, s.pk) for s in made]) == []
    # 2025-06-02 (a Monday) is a holiday: one day shift held by the holiday pair, no night shift.
    holiday = [s for s in made if _local(s).date() == dt.date(2025, 6, 2)]
    assert [(s.name, s.post_a.name, s.post_b.name) for s in holiday] == [("白班", "值班4", "值班5")]
    # 2025-06-03 is a Tuesday (weekday 1): day = p1/p2, night 20:00–08:00 = p3/p0.
    tuesday = sorted((s for s in made if _local(s).date() == dt.date(2025, 6, 3)), key=lambda s: s.starts_at)
    assert [(s.name, _local(s).hour, s.post_a.name, s.post_b.name) for s in tuesday] == [
        ("白班", 8, "值班1", "值班2"),
        ("夜班", 20, "值班3", "值班0"),
    ]
    assert AuditLog.objects.filter(action="duty.roster").count() == 1

    days = roster.month(centre, 2025, 6)
    assert len(days) == 30 and days[1]["holiday"] == "端午节" and len(days[1]["shifts"]) == 1
    assert all(len(d["shifts"]) == 2 for d in days if d["day"] != dt.date(2025, 6, 2))


def test_a_conflicting_plan_is_refused_whole(centre, people, director_high):
    p = [o.pk for o in people]
    every_night = {"slots": SLOTS, "week": {str(d): [[p[0], p[1]], [p[2], p[3]]] for d in range(7)}}
    with pytest.raises(RuleViolation) as refused:
        roster.plan(director_high.user, centre, dt.date(2025, 6, 1), dt.date(2025, 6, 7), every_night)
    assert refused.value.code == "roster_conflict"
    assert any("值班2：2025-06-01 起连续 7 个夜班，超过上限 2 个" in c for c in refused.value.details["conflicts"])
    same_person = {"slots": SLOTS[:1], "week": {str(d): [[p[0], p[0]]] for d in range(7)}}
    with pytest.raises(RuleViolation) as refused:
        roster.plan(director_high.user, centre, dt.date(2025, 6, 1), dt.date(2025, 6, 1), same_person)
    assert "不能同时担任 A岗 和 B岗" in refused.value.details["conflicts"][0]
    assert not Shift.objects.exists()


def test_a_plan_overlapping_existing_shifts_is_refused_unless_replacing_them(centre, people, director_high):
    roster.plan(director_high.user, centre, dt.date(2025, 6, 1), dt.date(2025, 6, 7), rotation(people))
    with pytest.raises(RuleViolation) as refused:
        roster.plan(director_high.user, centre, dt.date(2025, 6, 5), dt.date(2025, 6, 10), rotation(people))
    assert any("已有同一时间开始的班次" in c for c in refused.value.details["conflicts"])
    roster.plan(
        director_high.user,
        centre,
        dt.date(2025, 6, 5),
        dt.date(2025, 6, 10),
        rotation(people),
        replace=True,
        now=BEFORE,
    )
    assert Shift.objects.filter(centre=centre).count() == 10 * 2


def test_a_conflicting_edit_is_refused_and_changes_nothing(centre, people, director_high):
    made = roster.plan(director_high.user, centre, dt.date(2025, 6, 1), dt.date(2025, 6, 30), rotation(people))
    by_start = {(_local(s).date(), s.name): s for s in made}
    night_9 = by_start[(dt.date(2025, 6, 9), "夜班")]  # Monday: p2/p3
    before = (night_9.post_a_id, night_9.post_b_id)

    with pytest.raises(RuleViolation, match="不能同时担任"):
        roster.assign(director_high.user, night_9, people[2], people[2], now=BEFORE)
    # p0 works the day shift of 06-09 (08:00–20:00, adjacent to the night: no overlap) and the nights of 06-07, 06-08,
    # 06-10 and 06-11: the night of 06-09 would make five in a row.
    with pytest.raises(RuleViolation) as refused:
        roster.assign(director_high.user, night_9, people[0], people[3], now=BEFORE)
    assert refused.value.details["conflicts"] == ["值班0：2025-06-07 起连续 5 个夜班，超过上限 2 个"]
    # A shift overlapping the night of 06-09 cannot take p2, who holds that night.
    extra = Shift.objects.create(
        centre=centre,
        name="加班",
        starts_at=night_9.starts_at + dt.timedelta(hours=1),
        ends_at=night_9.starts_at + dt.timedelta(hours=3),
    )
    with pytest.raises(RuleViolation) as refused:
        roster.assign(director_high.user, extra, people[2], people[4], now=BEFORE)
    assert any("值班2" in c and "时间重叠" in c for c in refused.value.details["conflicts"])
    night_9.refresh_from_db()
    assert (night_9.post_a_id, night_9.post_b_id) == before

    # A fitting edit goes through and is audited; a started shift is taken over instead.
    roster.assign(director_high.user, night_9, people[4], people[5], now=BEFORE)
    night_9.refresh_from_db()
    assert (night_9.post_a, night_9.post_b) == (people[4], people[5])
    assert AuditLog.objects.filter(action="duty.assign").count() == 1
    with pytest.raises(RuleViolation, match="顶岗"):
        roster.assign(director_high.user, night_9, people[5], people[4], now=night_9.starts_at)


def test_only_the_centres_own_director_plans(centre, people, duty_yinchuan, courts):
    with pytest.raises(PermissionDenied):
        roster.plan(people[0].user, centre, dt.date(2025, 6, 1), dt.date(2025, 6, 7), rotation(people))
    yinchuan_director = OfficerFactory(
        user=UserFactory(username="ycd"), court=courts["宁01"], roles=[Role.DIRECTOR.value]
    )
    with pytest.raises(NotFound):
        roster.plan(yinchuan_director.user, centre, dt.date(2025, 6, 1), dt.date(2025, 6, 7), rotation(people))
    assert not Shift.objects.exists() and not Holiday.objects.exists()


# --- the browser pages and the API ----------------------------------------------------------------------------------


def _form(people, first="2025-06-01", last="2025-06-30", **extra):
    data = {
        "first_day": first,
        "last_day": last,
        "slot0_name": "白班",
        "slot0_start": "08:00",
        "slot0_hours": "12",
        "slot1_name": "夜班",
        "slot1_start": "20:00",
        "slot1_hours": "12",
        "holidays": "2025-06-02 端午节",
    }
    for key, pairs in rotation(people)["week"].items():
        for i, pair in enumerate(pairs):
            if pair:
                data[f"w{key}_{i}_a"], data[f"w{key}_{i}_b"] = pair
    data.update(extra)
    return data


def test_the_director_plans_a_month_in_the_browser_and_prints_and_exports_it(client, centre, people, director_high):
    client.force_login(director_high.user)
    assert client.get(reverse("dashboards:roster")).status_code == 200
    response = client.post(reverse("dashboards:roster"), _form(people))
    assert response.status_code == 302 and "month=2025-06" in response["Location"]
    assert Shift.objects.filter(centre=centre).count() == 59
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "端午节" in html and "data-print" in html and html.count("值班0") >= 14
    xlsx = client.get(response["Location"] + "&format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Disposition"].endswith('.xlsx"')
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[3] in ("白班", "夜班")]
    assert len(rows) == 59 and rows[0][1:6] == ("周日", None, "白班", "08:00–20:00", "值班2")  # 2025-06-01 is a Sunday
    csv = b"".join(client.get(response["Location"] + "&format=csv").streaming_content).decode("utf-8-sig")
    assert csv.count("\n") >= 60

    # A conflicting plan over the same month is refused with its conflicts listed; nothing changes.
    refused = client.post(reverse("dashboards:roster"), _form(people, first="2025-06-10", last="2025-06-12"))
    assert refused.status_code == 400 and "已有同一时间开始的班次" in refused.content.decode()
    assert Shift.objects.filter(centre=centre).count() == 59


def test_a_conflicting_edit_in_the_browser_is_refused_with_its_reason(client, centre, people, director_high):
    made = roster.plan(director_high.user, centre, dt.date(2030, 6, 1), dt.date(2030, 6, 7), rotation(people))
    shift = made[0]
    client.force_login(director_high.user)
    url = reverse("dashboards:roster-shift", args=[shift.pk])
    refused = client.post(url, {"post_a": people[0].pk, "post_b": people[0].pk})
    assert refused.status_code == 400 and "不能同时担任" in refused.content.decode()
    ok = client.post(url, {"post_a": people[4].pk, "post_b": people[5].pk})
    assert ok.status_code == 302
    shift.refresh_from_db()
    assert (shift.post_a, shift.post_b) == (people[4], people[5])


def test_duty_officers_and_judges_cannot_plan_but_may_read_the_month(client, centre, people, judge_xixia):
    client.force_login(people[0].user)
    assert client.get(reverse("dashboards:roster")).status_code == 403
    assert client.post(reverse("dashboards:roster"), _form(people)).status_code == 403
    assert client.get(reverse("dashboards:roster-month") + f"?centre={centre.pk}").status_code == 200
    client.force_login(judge_xixia.user)  # 西夏区 does not see the high court's centre
    assert client.get(reverse("dashboards:roster-month") + f"?centre={centre.pk}").status_code == 404


def test_the_api_plans_a_roster_and_refuses_conflicting_plans_and_edits(api, centre, people, director_high):
    client = api.as_officer(director_high)
    # A month still to come, so that its shifts may be edited.
    body = {
        "centre": centre.pk,
        "first_day": "2030-06-01",
        "last_day": "2030-06-30",
        "pattern": rotation(people),
        "holidays": [{"day": "2030-06-05", "name": "端午节"}],
    }
    made = client.post(reverse("roster-plan"), body, format="json")
    assert made.status_code == 201 and len(made.json()) == 59
    again = client.post(reverse("roster-plan"), body, format="json")
    assert (
        again.status_code == 400 and again.json()["code"] == "roster_conflict" and again.json()["details"]["conflicts"]
    )
    shift = Shift.objects.filter(centre=centre).order_by("starts_at").last()
    bad = client.post(
        reverse("shift-assign", args=[shift.pk]), {"post_a": people[1].pk, "post_b": people[1].pk}, format="json"
    )
    assert bad.status_code == 400 and bad.json()["code"] == "roster_conflict"
    duty = api.as_officer(people[0]).post(reverse("roster-plan"), {**body, "replace": True}, format="json")
    assert duty.status_code == 403


def test_the_director_edits_the_screen_layout_with_a_preview_before_saving(client, centre, director_high, people):
    from dashboards.models import ScreenLayout

    client.force_login(director_high.user)
    url = reverse("dashboards:layout-edit")
    page = client.get(url)
    assert page.status_code == 200 and "m01" in page.content.decode()
    preview = client.post(
        url,
        {"title": "高院指挥中心", "page_seconds": "30", "pages": "办案: m01 m03 m04\n案款: m24 m25", "step": "preview"},
    )
    html = preview.content.decode()
    assert preview.status_code == 200 and 'id="layout-preview"' in html and "案款" in html
    assert not ScreenLayout.objects.filter(centre=centre).exists()  # a preview saves nothing
    bad = client.post(url, {"title": "x", "page_seconds": "30", "pages": "办案: m01 m99", "step": "save"})
    assert bad.status_code == 400 and "m99" in bad.content.decode()
    saved = client.post(
        url,
        {"title": "高院指挥中心", "page_seconds": "30", "pages": "办案: m01 m03 m04\n案款: m24 m25", "step": "save"},
    )
    assert saved.status_code == 302
    layout = ScreenLayout.objects.get(centre=centre)
    assert layout.pages == [
        {"title": "办案", "modules": ["m01", "m03", "m04"]},
        {"title": "案款", "modules": ["m24", "m25"]},
    ]
    assert layout.page_seconds == 30
    client.force_login(people[0].user)
    assert client.get(url).status_code == 403
