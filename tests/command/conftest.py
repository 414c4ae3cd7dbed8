"""Fixtures of the command tests: cases with exact dates, 终本 evidence, petitions."""

import datetime as dt
from decimal import Decimal

import pytest

from cases.choices import CaseStatus, CaseType, MeasureKind, PartyRole
from cases.models import Measure
from execcenter.models import Court
from querycontrol.choices import QueryStatus
from querycontrol.models import QueryRequest
from tests.factories import CaseFactory

D = dt.date


def make_case(
    code="宁0105",
    filed=D(2025, 1, 1),
    closed=None,
    closure="",
    case_type=CaseType.FIRST,
    claim="100000.00",
    recovered="0.00",
    **kw,
):
    claim, recovered = Decimal(claim), Decimal(recovered)
    return CaseFactory(
        court=Court.objects.get(code=code),
        filed_on=filed,
        case_type=case_type,
        claim_amount=claim,
        recovered_amount=recovered,
        outstanding_amount=max(claim - recovered, Decimal("0")),
        status=CaseStatus.CLOSED if closed else CaseStatus.CONTROLLING,
        closed_on=closed,
        closure_type=closure,
        **kw,
    )


def give_terminate_evidence(case, on=None):
    """Everything 法〔2016〕373号 Art. 1 asks for, except the three-month wait which depends on dates."""
    on = on or case.filed_on
    case.notice_sent_on = on
    case.save(update_fields=["notice_sent_on"])
    for cp in case.case_parties.filter(role=PartyRole.RESPONDENT):
        for kind in (MeasureKind.PROPERTY_REPORT_ORDER, MeasureKind.CONSUMPTION_RESTRICTION):
            Measure.objects.create(case=case, kind=kind, party=cp.party, decided_on=on, starts_on=on)
    request = QueryRequest.objects.create(
        case=case, court=case.court, purpose="终本前财产调查", requested_by_label="test", status=QueryStatus.COMPLETE
    )
    request.respondents.set(case.case_parties.filter(role=PartyRole.RESPONDENT).values_list("party_id", flat=True))


@pytest.fixture
def make():
    return make_case
