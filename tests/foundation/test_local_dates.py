"""Issue 13.3: every date shown, exported or compared is the Asia/Shanghai date of the event.

The issue's example: an operation that started 2026-10-01 00:30 Beijing time appeared in the October bulletin with a
start of 09-30 (`.date()` of an aware datetime is its UTC date), and the overdue-payout ledger's receipt date did the
same. Ours: an operation ending at 07:59 Beijing on the last day of a month, a payout shown on the public disclosure
page, the audit log's text, and a source scan that fails when `.date()` of a `*_at` datetime or
`date.today()` / `datetime.now()` comes back into the product's code.
"""

import ast
import datetime as dt
import pathlib
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from cases.choices import PartyRole
from cases.models import MoneyEntry
from cases.services import record_payout, record_receipt
from command import indicators as ind
from command import services
from command.bulletins import bulletin_data
from command.choices import OperationStatus
from command.models import Operation
from execcenter.models import AuditLog
from tests.command.conftest import make_case
from tests.command.test_disclosure import ask

BEIJING = ZoneInfo("Asia/Shanghai")
ROOT = pathlib.Path(__file__).resolve().parents[2]
PRODUCT = [
    p
    for p in ROOT.glob("*/**/*.py")
    if p.parts[len(ROOT.parts)] not in {"tests", "bench", "scripts", ".venv"} and "migrations" not in p.parts
]


def beijing(*args):
    return dt.datetime(*args, tzinfo=BEIJING)


@pytest.mark.django_db
def test_bulletin_shows_the_beijing_dates_of_operations_and_receipts(courts, director_high):
    case = make_case("宁0105", filed=dt.date(2026, 1, 5))
    early = services.create_operation(
        director_high.user,
        name="国庆攻坚",
        court=courts["宁"],
        courts=[courts["宁0105"]],
        starts_at=beijing(2026, 10, 1, 0, 30),
        ends_at=beijing(2026, 10, 31, 7, 59),
    )
    late = services.create_operation(
        director_high.user,
        name="月末清查",
        court=courts["宁"],
        courts=[courts["宁0105"]],
        starts_at=beijing(2026, 9, 20, 9, 0),
        ends_at=beijing(2026, 10, 1, 7, 0),
    )
    Operation.objects.filter(pk__in=[early.pk, late.pk]).update(
        status=OperationStatus.RUNNING
    )  # planned ones are left out
    entry, _ = record_receipt(case, Decimal("500.00"))
    MoneyEntry.objects.filter(pk=entry.pk).update(
        occurred_at=beijing(2026, 9, 1, 0, 30), payout_due=dt.date(2026, 10, 1)
    )

    data = bulletin_data(courts["宁"], "monthly", ind.Period.month(2026, 10))
    ops = {o["name"]: o for o in data["operations"]}
    assert (ops["国庆攻坚"]["start"], ops["国庆攻坚"]["end"]) == ("2026-10-01", "2026-10-31")  # UTC: 09-30 and 10-30
    assert ops["月末清查"]["end"] == "2026-10-01"  # UTC would say 09-30 and drop it from October
    assert data["overdue_payouts"]["rows"][0]["received"] == "2026-09-01"  # UTC: 08-31


@pytest.mark.django_db
def test_disclosure_shows_the_beijing_date_of_a_payout(courts, settings):
    settings.DISCLOSURE_MIN_SECONDS = 0  # the equal-time floor has its own test
    case = make_case("宁0105")
    applicant = case.case_parties.get(role=PartyRole.APPLICANT).party
    record_receipt(case, Decimal("900.00"))
    record_payout(case, Decimal("300.00"), applicant)
    MoneyEntry.objects.filter(case=case, kind="payout").update(occurred_at=beijing(2026, 3, 1, 6, 0))
    page = ask(Client(), case.number, applicant.id_number).content.decode()
    assert "2026年3月1日" in page or "2026-03-01" in page
    assert "2026年2月28日" not in page and "2026-02-28" not in page


def test_audit_log_text_is_in_beijing_time():
    entry = AuditLog(
        at=dt.datetime(2025, 12, 31, 16, 15, tzinfo=dt.UTC),
        actor_label="马建国",
        action="case.file",
        object_type="cases.case",
        object_id="1",
    )
    assert str(entry).startswith("2026-01-01 00:15")


def offences(source, name="<source>"):
    """Calls that give a UTC or machine-zone date: `x_at.date()`, `timezone.now().date()`, `date.today()`,
    `datetime.now()` / `datetime.utcnow()`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        func, target = node.func, ast.unparse(node.func.value)
        if (
            func.attr == "date"
            and not node.args
            and target.endswith(("_at", "now()"))
            or func.attr == "today"
            and target.split(".")[-1] in {"date", "datetime"}
            or func.attr in {"now", "utcnow"}
            and target.split(".")[-1] == "datetime"
        ):
            found.append(f"{name}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_the_source_scan_catches_each_pattern_and_spares_the_local_ones():
    bad = "op.starts_at.date()\ntimezone.now().date()\ndt.date.today()\ndatetime.datetime.now()\ndt.datetime.utcnow()\n"
    assert len(offences(bad)) == 5
    good = "timezone.localdate(op.starts_at)\ntimezone.localdate()\ntimezone.now()\ntimezone.localtime(x).date()\n"
    assert offences(good) == []
    assert len(PRODUCT) > 100  # the scan below really reads the product's modules
    assert timezone.get_default_timezone_name() == "Asia/Shanghai"


def test_no_product_code_takes_the_utc_date_of_an_aware_datetime_or_the_machines_today():
    """Use timezone.localdate(x) / timezone.localdate() / timezone.now() instead."""
    found = []
    for path in PRODUCT:
        found += offences(path.read_text(encoding="utf-8"), path.relative_to(ROOT))
    assert found == []
