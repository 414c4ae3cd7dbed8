"""Issue 13.9: one money module (execcenter/money.py): field, parser, totals and formatting, used everywhere.

The issue's examples: module 32 showed `212710879.120000010` (a float sum on SQLite) with no unit, and amounts were
parsed four ways (one refused 3 decimals, one rounded them silently, one answered 500). Ours: amounts typed with
full-width digits, thousands separators and a 元, the same refusals through a form, the API and a service, sums of
awkward amounts that a float cannot hold, and the 元 / 万元 / screen formatting of 212,710,879.12.
"""

import ast
import datetime as dt
import pathlib
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from cases.choices import CaseStatus, ClosureType, MoneyKind, ReceiptSource
from cases.forms import ReceiptForm
from cases.models import Case, MoneyEntry
from cases.services import record_receipt
from dashboards.registry import get, kpi
from execcenter.exceptions import RuleViolation
from execcenter.money import MoneySum, format_wan, format_yuan, parse_amount, screen_figure
from querycontrol.connectors import validation
from tests.factories import CaseFactory

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    "typed, amount",
    [
        ("1234.5", "1234.50"),
        ("１，２３４．５０", "1234.50"),
        ("1 234.50元", "1234.50"),
        ("¥1,234.50", "1234.50"),
        ("￥１０００", "1000.00"),
        (Decimal("7"), "7.00"),
        (12, "12.00"),
        (0.1, "0.10"),
    ],
)
def test_amounts_as_typed_parse_to_the_fen(typed, amount):
    assert parse_amount(typed) == Decimal(amount)
    assert parse_amount(typed).as_tuple().exponent == -2


@pytest.mark.parametrize(
    "bad, code",
    [
        ("1234.567", "amount_precision"),  # the "rounds silently"
        ("1.005", "amount_precision"),
        ("abc", "amount_invalid"),
        ("一千元", "amount_invalid"),
        ("NaN", "amount_invalid"),
        ("1e20", "amount_too_large"),
        ("1E+100000", "amount_too_large"),
        ("-5", "amount_negative"),
        ("0", "amount_not_positive"),
        ("", "amount_invalid"),
    ],
)
def test_bad_amounts_are_refused_with_a_reason_never_rounded(bad, code):
    with pytest.raises(ValidationError) as err:
        parse_amount(bad)
    assert err.value.code == code and "(" in err.value.messages[0]  # Chinese, then English


@pytest.mark.django_db
def test_form_api_and_service_refuse_and_accept_the_same_amounts(api, courts, judge_xixia):
    case = CaseFactory(court=courts["宁0105"], status=CaseStatus.CONTROLLING)
    url = f"/api/v1/cases/{case.pk}/receipt/"
    client = api.as_officer(judge_xixia)
    for bad in ("1234.567", "abc", "1,2,3x"):
        assert not ReceiptForm({"amount": bad, "source": ReceiptSource.VOLUNTARY}).is_valid()
        answer = client.post(url, {"amount": bad, "source": "voluntary"}, format="json")
        assert answer.status_code == 400, (bad, answer.content)  # never 500, never rounded
        with pytest.raises(RuleViolation):
            record_receipt(case, bad)
    assert not MoneyEntry.objects.exists()
    form = ReceiptForm({"amount": "１，２３４.５０元", "source": ReceiptSource.VOLUNTARY})
    assert form.is_valid() and form.cleaned_data["amount"] == Decimal("1234.50")
    assert client.post(url, {"amount": "1,000.10", "source": "voluntary"}, format="json").status_code == 201
    assert MoneyEntry.objects.get().amount == Decimal("1000.10")
    with pytest.raises(validation.InvalidAnswer):
        validation.amount("1.005", "balance")
    assert validation.amount("1234.5", "balance") == Decimal("1234.50")


AWKWARD = ["0.10", "0.20", "0.70", "99999999.99", "12345.67", "0.01", "33.33"]


@pytest.mark.django_db
def test_sums_of_money_are_decimal_to_the_fen_on_every_backend(courts):
    case = CaseFactory(court=courts["宁0105"], status=CaseStatus.CONTROLLING)
    at = dt.datetime(2025, 6, 1, 10, tzinfo=SHANGHAI)
    amounts = [Decimal(a) for a in AWKWARD * 30]
    MoneyEntry.objects.bulk_create(
        MoneyEntry(
            case=case,
            court=case.court,
            kind=MoneyKind.RECEIPT,
            source=ReceiptSource.VOLUNTARY,
            amount=a,
            occurred_at=at,
        )
        for a in amounts
    )
    total = MoneyEntry.objects.aggregate(t=MoneySum("amount"))["t"]
    assert total == sum(amounts) and total.as_tuple().exponent == -2
    assert MoneyEntry.objects.filter(pk=0).aggregate(t=MoneySum("amount"))["t"] is None


@pytest.mark.django_db
def test_module_32_shows_the_recovered_money_to_the_fen_in_yuan(courts):
    xixia = courts["宁0105"]
    today = dt.date(2025, 6, 15)
    for recovered in ("212710000.10", "879.01", "0.01"):
        CaseFactory(
            court=xixia,
            status=CaseStatus.CLOSED,
            filed_on=dt.date(2025, 1, 2),
            closed_on=dt.date(2025, 6, 1),
            closure_type=ClosureType.COMPLETED,
            claim_amount=Decimal("300000000.00"),
            recovered_amount=Decimal(recovered),
            outstanding_amount=Decimal("0.00"),
            parties=False,
        )
    assert Case.objects.count() == 3
    items = {
        i["label"]: i for i in get("m32").compute(xixia, dt.datetime.combine(today, dt.time(10), SHANGHAI))["items"]
    }
    assert items["分子"]["value"] == "212710879.12" and items["分子"]["unit"] == "元"
    assert items["分母"]["value"] == "900000000.00" and items["分母"]["display"] == "9.00亿"


def test_money_formatting_in_yuan_wan_and_on_the_screen():
    value = Decimal("212710879.12")
    assert format_yuan(value) == "212,710,879.12元" and format_yuan("0.5", unit=False) == "0.50"
    assert format_wan(value) == "21,271.09万元" and format_wan("125", 2) == "0.01万元"
    assert (
        screen_figure(value) == "2.13亿" and screen_figure("14500") == "1.5万" and screen_figure("9999.5") == "9999.50"
    )
    assert kpi(("到位", "14500.00", "元"), ("件数", 3, "件"))["items"] == [
        {"label": "到位", "value": "14500.00", "unit": "元", "display": "1.5万"},
        {"label": "件数", "value": 3, "unit": "件"},
    ]


MONEY_WORDS = ("amount", "price", "balance", "value", "deposit", "recovered", "outstanding", "claim")


def float_sums_of_money(source, name="<source>"):
    """`Sum(...)` over a money column (by its name) instead of execcenter.money.MoneySum."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Sum" and node.args:
            text = ast.unparse(node.args[0])
            if any(word in text for word in MONEY_WORDS) or text in ("unpaid",):
                found.append(f"{name}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_the_scan_finds_a_plain_sum_of_money():
    assert len(float_sums_of_money('Sum("amount")\nSum(F("deal_price") - F("start_price"))\nSum(unpaid)\n')) == 3
    assert float_sums_of_money('MoneySum("amount")\nSum("people_detained")\nSum("suspended_days")\n') == []


def test_no_product_code_sums_money_as_float():
    product = [
        p
        for p in ROOT.glob("*/**/*.py")
        if p.parts[len(ROOT.parts)] not in {"tests", "bench", "scripts", ".venv", "simulator"}
        and "migrations" not in p.parts
    ]
    assert len(product) > 100
    found = [hit for p in product for hit in float_sums_of_money(p.read_text(encoding="utf-8"), p.relative_to(ROOT))]
    assert found == []
