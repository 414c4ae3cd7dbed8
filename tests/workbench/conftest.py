"""Fixtures for the workbench and early-warning tests: a fixed local date and small known data sets."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from cases.choices import CaseStatus, MoneyKind, ReceiptSource
from cases.models import Case, CaseEvent, MoneyEntry
from querycontrol.choices import AssetKind, AssetTermClass, InstitutionKind, QueryStatus
from querycontrol.models import FoundAsset, Institution, QueryRequest
from tests.factories import CaseFactory, PartyFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2025, 6, 15, 10, 0, tzinfo=SHANGHAI)
TODAY = NOW.date()


def at(day, hh=10, mm=0):
    return dt.datetime(day.year, day.month, day.day, hh, mm, tzinfo=SHANGHAI)


def days(n):
    return dt.timedelta(days=n)


@pytest.fixture
def make_case(courts):
    def make(
        judge=None, deadline=None, status=CaseStatus.ASSIGNED, code="宁0105", filed=None, last_event=NOW - days(1), **kw
    ):
        """A case of `judge` with its statutory deadline; its last timeline event at `last_event` (None: no event)."""
        filed = filed or TODAY - days(60)
        extra = {"statutory_deadline": deadline} if deadline is not None else {}
        case = CaseFactory(
            court=courts[code],
            filed_on=filed,
            status=status,
            assigned_judge=judge,
            parties=False,
            notice_sent_on=kw.pop("notice_sent_on", filed + days(2)),
            **extra,
            **kw,
        )
        if status == CaseStatus.CLOSED:
            Case.objects.filter(pk=case.pk).update(closed_on=TODAY - days(1), closure_type="completed")
        if last_event is not None:
            CaseEvent.objects.create(case=case, kind="note", actor_label="test", summary="办理")
            CaseEvent.objects.filter(case=case).update(at=last_event)
        return case

    return make


@pytest.fixture
def receipt():
    def make(case, amount, when, paid_out="0.00"):
        return MoneyEntry.objects.create(
            case=case,
            kind=MoneyKind.RECEIPT,
            source=ReceiptSource.VOLUNTARY,
            amount=Decimal(amount),
            occurred_at=when,
            paid_out_amount=Decimal(paid_out),
            payout_due=(when + days(30)).date(),
        )

    return make


@pytest.fixture
def found_asset():
    def make(case, ref, when):
        bank = Institution.objects.get_or_create(
            code="B-WB",
            defaults={"name": "工商银行", "kind": InstitutionKind.BANK, "asset_term_class": AssetTermClass.DEPOSIT},
        )[0]
        request = QueryRequest.objects.create(
            case=case, court=case.court, purpose="查询", requested_by_label="张伟", status=QueryStatus.COMPLETE
        )
        return FoundAsset.objects.create(
            request=request,
            case=case,
            court=case.court,
            respondent=PartyFactory(),
            institution=bank,
            kind=AssetKind.DEPOSIT,
            asset_ref=ref,
            balance=Decimal("5000.00"),
            found_at=when,
        )

    return make


@pytest.fixture
def enqueued(monkeypatch):
    """The outbox rows handed to the worker after commit (instead of a broker): tests deliver them themselves."""
    from execcenter import notify

    pks = []
    monkeypatch.setattr(notify, "_enqueue", pks.append)
    return pks


@pytest.fixture
def email_only():
    """Give an officer an e-mail address and e-mail as their only channel."""
    from execcenter.models import NotificationPreference

    def make(officer, address=None):
        officer.user.email = address or f"{officer.user.username}@court.example"
        officer.user.save()
        NotificationPreference.objects.update_or_create(officer=officer, defaults={"channels": ["email"]})
        return officer

    return make
