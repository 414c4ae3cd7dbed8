"""Modules 24, 25 (money), 38 (map), 40 (alert ticker) against known data."""

import datetime as dt

from cases.choices import MoneyKind
from dashboards.registry import get
from execcenter.choices import AlertSeverity, AlertStatus
from execcenter.models import Alert
from execcenter.services import raise_alert

from .conftest import NOW, TODAY, at, kpis


def test_money_recovered_uses_shanghai_days_months_and_years(courts, make_case, money_entry):
    a, b = make_case(), make_case(code="宁0424")
    money_entry(a, "100.00", at(2025, 6, 15, 0, 30))  # today in Ningxia (still 14 June in UTC)
    money_entry(a, "50.25", at(2025, 6, 14, 23, 59))  # yesterday
    money_entry(a, "10.00", at(2025, 1, 2))  # this year
    money_entry(a, "999.00", at(2024, 12, 31, 23, 0))  # last year: nowhere
    money_entry(b, "7.00", at(2025, 6, 15, 9))
    money_entry(a, "30.00", at(2025, 6, 15, 9), kind=MoneyKind.PAYOUT)
    assert kpis(get("m24").compute(courts["宁0105"], NOW)) == {
        "今日到位": "100.00",
        "本月到位": "150.25",
        "本年到位": "160.25",
        "今日发放": "30.00",
        "本月发放": "30.00",
        "本年发放": "30.00",
    }
    assert kpis(get("m24").compute(courts["宁"], NOW))["今日到位"] == "107.00"


def test_pending_and_overdue_payouts(courts, make_case, money_entry):
    case = make_case()
    money_entry(case, "100.00", at(2025, 6, 1), payout_due=TODAY + dt.timedelta(days=16))  # pending
    money_entry(case, "80.00", at(2025, 4, 1), paid_out="30.00", payout_due=dt.date(2025, 5, 1))  # overdue, 50 unpaid
    money_entry(case, "20.00", at(2025, 4, 1), paid_out="20.00", payout_due=dt.date(2025, 5, 1))  # fully paid: neither
    assert kpis(get("m25").compute(courts["宁"], NOW)) == {
        "待发放笔数": 2,
        "待发放金额": "150.00",
        "超期未发放笔数": 1,
        "超期未发放金额": "50.00",
    }
    assert kpis(get("m25").compute(courts["宁0424"], NOW))["待发放笔数"] == 0


def test_map_shows_every_basic_court_with_cases_and_money(courts, make_case, money_entry):
    case = make_case()
    make_case()
    make_case(code="宁01")
    money_entry(case, "12.00", at(2025, 3, 1))
    data = get("m38").compute(courts["宁"], NOW)
    assert len(data["items"]) == 22
    xixia = next(i for i in data["items"] if i["court_code"] == "宁0105")
    assert xixia == {"court_code": "宁0105", "name": courts["宁0105"].short_name, "open": 2, "recovered": "12.00"}
    assert next(i for i in data["others"] if i["court_code"] == "宁01")["open"] == 1
    assert data["open"] == 3 and data["recovered"] == "12.00"
    yinchuan = get("m38").compute(courts["宁01"], NOW)
    assert {i["court_code"] for i in yinchuan["items"]} == {
        c.code for c in courts.values() if c.code.startswith("宁01") and c.level == "basic"
    } and len(yinchuan["items"]) == 6


def test_alert_ticker_counts_and_masks_personal_data(courts):
    raise_alert(
        kind="payout_overdue",
        court=courts["宁0105"],
        title="案款超期未发放 640105199001011234 13912345678",
        dedup_key="t1",
        severity=AlertSeverity.CRITICAL,
    )
    raise_alert(kind="x", court=courts["宁0424"], title="泾源预警", dedup_key="t2")
    done, _ = raise_alert(kind="x", court=courts["宁0105"], title="已解除", dedup_key="t3")
    Alert.objects.filter(pk=done.pk).update(status=AlertStatus.RESOLVED)
    data = get("m40").compute(courts["宁01"], NOW)
    assert data["open"] == {"info": 0, "warning": 0, "critical": 1}
    assert [r["title"] for r in data["rows"]] == ["案款超期未发放 640105********1234 139****5678"]
    high = get("m40").compute(courts["宁"], NOW)
    assert high["open"]["warning"] == 1 and len(high["rows"]) == 2
