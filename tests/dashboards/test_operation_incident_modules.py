"""Modules 36 (running collective operation) and 37 (field incidents) against known rows."""

import datetime as dt
from decimal import Decimal

from command.models import Dispatch, FieldTeam, Incident, Operation, OperationResult, TeamPosition
from dashboards.registry import Context, get
from tests.factories import OfficerFactory

from .conftest import NOW, at, kpis


def _operation(courts, name, organiser, participants, *, status="running", launched=at(2025, 6, 15, 8)):
    op = Operation.objects.create(
        name=name,
        court=courts[organiser],
        starts_at=launched,
        ends_at=launched + dt.timedelta(days=3),
        status=status,
        launched_at=launched if status != "planned" else None,
    )
    op.courts.set([courts[c] for c in participants])
    return op


def _team(op, court, name):
    return FieldTeam.objects.create(operation=op, court=court, name=name, leader=OfficerFactory(court=court))


def test_operation_tally_shows_the_running_operation_restricted_to_the_scopes_courts(courts, make_case):
    op = _operation(courts, "雷霆2025", "宁", ["宁01", "宁0424"])
    x1, x2, j1 = make_case(), make_case(), make_case(code="宁0424")
    op.target_cases.set([x1, x2, j1])
    tx, tj = _team(op, courts["宁0105"], "西夏一组"), _team(op, courts["宁0424"], "泾源一组")

    def result(team, case, amount, closed=False, detained=0):
        OperationResult.objects.create(
            operation=op,
            team=team,
            case=case,
            amount_recovered=Decimal(amount),
            case_closed=closed,
            people_detained=detained,
            measures=["detain"] if detained else [],
        )

    result(tx, x1, "5000.00", closed=True)
    result(tx, x1, "1500.50")  # the same case twice: counted once, money added
    result(tj, j1, "0.00", detained=2)
    _operation(courts, "已结束行动", "宁", ["宁0105"], status="ended", launched=at(2025, 6, 1))
    _operation(courts, "筹备中行动", "宁", ["宁0105"], status="planned")

    ning = get("m36").compute(courts["宁"], NOW)
    assert ning["operation"]["name"] == "雷霆2025" and ning["running"] == 1
    assert kpis(ning) == {"执行案件": 2, "当场执结": 1, "执行到位": "6500.50", "司法拘留": 2, "目标案件完成": "2/3"}
    assert ning["rows"] == [["西夏区法院", 1, 1, "6500.50", "1/2"], ["泾源县法院", 1, 0, "0.00", "1/1"]]
    # 西夏区 takes part through 银川中院: its screen shows its own share only.
    xx = get("m36").compute(courts["宁0105"], NOW)
    assert kpis(xx) == {"执行案件": 1, "当场执结": 1, "执行到位": "6500.50", "司法拘留": 0, "目标案件完成": "1/2"}
    assert xx["rows"] == [["西夏区法院", 1, 1, "6500.50", "1/2"]]
    # 石嘴山 is not in the operation at all.
    assert get("m36").compute(courts["宁02"], NOW) == {
        "operation": None,
        "running": 0,
        "items": [{"label": "进行中行动", "value": 0, "unit": "个"}],
    }


def test_operation_tally_takes_the_last_launched_of_several_running_operations(courts, make_case):
    _operation(courts, "早的行动", "宁", ["宁0105"], launched=at(2025, 6, 10))
    later = _operation(courts, "西夏区专项", "宁0105", ["宁0105"], launched=at(2025, 6, 14))
    _operation(courts, "泾源行动", "宁0424", ["宁0424"], launched=at(2025, 6, 15, 9))
    xx = get("m36").compute(courts["宁0105"], NOW)
    assert (xx["operation"]["id"], xx["running"]) == (later.pk, 2)
    assert get("m36").compute(courts["宁"], NOW)["running"] == 3
    # The all-scopes refresh gives every scope the same figures as its own computation.
    module, ctx = get("m36"), Context(NOW)
    per_court = module.gather(ctx)
    for code in ("宁", "宁01", "宁0105", "宁0424", "宁02"):
        assert ctx.finish(module, per_court, courts[code]) == module.compute(courts[code], NOW), code


def _incident(court, severity, reported, *, status="reported", closed=None, address="西夏区文昌路"):
    inc = Incident.objects.create(
        court=court,
        kind="obstruction",
        severity=severity,
        latitude=Decimal("38.48"),
        longitude=Decimal("106.13"),
        address=address,
        description="阻碍执行",
        status=status,
        closed_at=closed,
    )
    Incident.objects.filter(pk=inc.pk).update(reported_at=reported)  # reported_at is auto_now_add
    return inc


def test_field_incidents_open_by_severity_dispatched_teams_and_closed_today(courts):
    xixia, jingyuan = courts["宁0105"], courts["宁0424"]
    op = _operation(courts, "雷霆2025", "宁", ["宁0105", "宁0424"])
    t1, t2 = _team(op, xixia, "西夏一组"), _team(op, xixia, "西夏二组")
    high = _incident(xixia, "high", at(2025, 6, 15, 9), status="dispatched", address="联系人13912345678处")
    medium = _incident(xixia, "medium", at(2025, 6, 15, 9, 30))
    low = _incident(jingyuan, "low", at(2025, 6, 14, 16), status="dispatched")
    _incident(xixia, "high", at(2025, 6, 15, 7), status="closed", closed=at(2025, 6, 15, 8))  # closed today
    _incident(jingyuan, "medium", at(2025, 6, 13), status="closed", closed=at(2025, 6, 14, 20))  # closed yesterday
    Dispatch.objects.create(incident=high, team=t1)
    Dispatch.objects.create(incident=high, team=t2, police_liaison="文昌路派出所")
    Dispatch.objects.create(incident=low, police_liaison="泾源县公安局")
    assert medium.pk

    ning = get("m37").compute(courts["宁"], NOW)
    assert kpis(ning) == {"未处置": 3, "严重": 1, "较重": 1, "一般": 1, "已调度小组": 2, "今日处置完毕": 1}
    assert (ning["dispatched"], ning["police"], ning["reported_today"]) == (2, 2, 3)
    # Most severe first, with who was sent; the address (it can name a person) stays off the wall.
    assert ning["rows"] == [
        ["06-15 09:00", "西夏区法院", "暴力抗法/阻碍执行", "严重", "西夏一组、西夏二组、公安"],
        ["06-15 09:30", "西夏区法院", "暴力抗法/阻碍执行", "较重", "—"],
        ["06-14 16:00", "泾源县法院", "暴力抗法/阻碍执行", "一般", "公安"],
    ]
    assert "13912345678" not in str(ning)
    xx = get("m37").compute(xixia, NOW)
    assert kpis(xx) == {"未处置": 2, "严重": 1, "较重": 1, "一般": 0, "已调度小组": 2, "今日处置完毕": 1}
    assert kpis(get("m37").compute(jingyuan, NOW)) == {
        "未处置": 1,
        "严重": 0,
        "较重": 0,
        "一般": 1,
        "已调度小组": 0,
        "今日处置完毕": 0,
    }


def test_field_incidents_map_shows_each_teams_last_reported_position(courts):
    """Issue #15 item 6: the wall's incident module puts each dispatched team's last reported position (from the
    incident timeline's position reports) on the province map, beside the incidents listed."""
    xixia, jingyuan = courts["宁0105"], courts["宁0424"]
    op = _operation(courts, "雷霆2025", "宁", ["宁0105", "宁0424"])
    t1, t2 = _team(op, xixia, "西夏一组"), _team(op, xixia, "西夏二组")
    high = _incident(xixia, "high", at(2025, 6, 15, 9), status="dispatched")
    low = _incident(jingyuan, "low", at(2025, 6, 14, 16), status="dispatched")
    done = _incident(xixia, "medium", at(2025, 6, 15, 7), status="closed", closed=at(2025, 6, 15, 8))
    for incident, team in ((high, t1), (high, t2), (done, t1)):
        Dispatch.objects.create(incident=incident, team=team)

    def report(incident, team, lat, lng, when):
        p = TeamPosition.objects.create(incident=incident, team=team, latitude=Decimal(lat), longitude=Decimal(lng))
        TeamPosition.objects.filter(pk=p.pk).update(reported_at=when)  # auto_now_add

    report(high, t1, "38.470000", "106.100000", at(2025, 6, 15, 9, 10))
    report(high, t1, "38.481234", "106.125678", at(2025, 6, 15, 9, 40))  # the last one counts
    report(high, t2, "38.460000", "106.090000", at(2025, 6, 15, 9, 20))
    report(done, t1, "38.300000", "106.300000", at(2025, 6, 15, 7, 30))  # a closed incident is not on the wall

    ning = get("m37").compute(courts["宁"], NOW)
    assert ning["map"]["teams"] == [
        {"name": "西夏一组 09:40", "value": [106.126, 38.481]},
        {"name": "西夏二组 09:20", "value": [106.09, 38.46]},
    ]
    assert ning["map"]["incidents"] == [
        {"name": "西夏区法院 暴力抗法/阻碍执行", "severity": "high", "value": [106.13, 38.48]},
        {"name": "泾源县法院 暴力抗法/阻碍执行", "severity": "low", "value": [106.13, 38.48]},
    ]
    assert ning["rows"][0][-1] == "西夏一组 09:40、西夏二组 09:20"
    # 泾源's screen shows its own incident and no team of 西夏's.
    jy = get("m37").compute(jingyuan, NOW)
    assert jy["map"]["teams"] == [] and [i["severity"] for i in jy["map"]["incidents"]] == ["low"]
    assert low.pk


def test_refresh_computes_the_five_command_and_query_modules_for_every_scope(courts, make_case):
    from django.core.cache import cache

    from dashboards import snapshots

    op = _operation(courts, "雷霆2025", "宁", ["宁0105"])
    case = make_case()
    OperationResult.objects.create(
        operation=op, team=_team(op, courts["宁0105"], "西夏一组"), case=case, amount_recovered=Decimal("12.00")
    )
    _incident(courts["宁0105"], "high", at(2025, 6, 15, 9))
    codes = {"m13", "m19", "m20", "m36", "m37"}
    summary = snapshots.refresh(NOW, force=True, modules=codes)
    assert summary["failed"] == [] and set(summary["computed"]) == codes
    state = cache.get(snapshots.STATE_KEY)
    for code in codes:
        for court in ("宁", "宁0105", "宁0424"):
            assert state[code]["values"][court] == snapshots._jsonable(get(code).compute(courts[court], NOW)), (
                code,
                court,
            )
    assert kpis(state["m36"]["values"]["宁0105"])["执行到位"] == "12.00"
    assert kpis(state["m37"]["values"]["宁"])["严重"] == 1
