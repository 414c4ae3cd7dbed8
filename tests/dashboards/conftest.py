"""Fixtures for the big-screen tests: a fixed clock and helpers that build small known data sets."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from cases.choices import CaseStatus, MoneyKind, ReceiptSource
from cases.models import Case, MoneyEntry
from tests.factories import CaseFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 2025-06-15 10:00 in Ningxia: "today" is 2025-06-15 there, while it is 02:00 UTC.
NOW = dt.datetime(2025, 6, 15, 10, 0, tzinfo=SHANGHAI)
TODAY = NOW.date()


def at(y, m, d, hh=10, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _polls_read_the_cache(settings):
    # Tests refresh and poll within the same second; the poll's per-process copy (tested on its own) would hide that.
    settings.SCREEN_POLL_LOCAL_SECONDS = 0


@pytest.fixture
def make_case(courts):
    def make(code="宁0105", filed=TODAY, status=CaseStatus.ASSIGNED, closed=None, closure="", **kw):
        case = CaseFactory(
            court=courts[code], filed_on=filed, status=CaseStatus.CLOSED if closed else status, parties=False, **kw
        )
        if closed:
            Case.objects.filter(pk=case.pk).update(closed_on=closed, closure_type=closure)
            case.refresh_from_db()
        return case

    return make


@pytest.fixture
def money_entry():
    def make(case, amount, when, kind=MoneyKind.RECEIPT, paid_out="0.00", payout_due=None):
        return MoneyEntry.objects.create(
            case=case,
            kind=kind,
            source=ReceiptSource.VOLUNTARY if kind == MoneyKind.RECEIPT else ReceiptSource.PAYOUT,
            amount=Decimal(amount),
            occurred_at=when,
            paid_out_amount=Decimal(paid_out),
            payout_due=payout_due
            if payout_due is not None
            else ((when + dt.timedelta(days=30)).date() if kind == MoneyKind.RECEIPT else None),
        )

    return make


def kpis(data):
    return {i["label"]: i["value"] for i in data["items"]}
