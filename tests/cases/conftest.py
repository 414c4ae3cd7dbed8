"""Helpers for the cases tests: cases in a given state, their parties, and satisfied 终本 conditions."""

import datetime as dt

import pytest
from django.utils import timezone

from cases import deadlines
from cases.choices import CaseStatus, InvestigationMethod, MeasureKind, PartyRole
from cases.models import PropertyInvestigation
from tests.factories import CaseFactory


def respondent(case):
    return case.case_parties.get(role=PartyRole.RESPONDENT).party


def applicant(case):
    return case.case_parties.get(role=PartyRole.APPLICANT).party


def case_in(status, court=None, **kw):
    if court is not None:
        kw["court"] = court
    case = CaseFactory(status=status, **kw)
    if status == CaseStatus.SUSPENDED:
        case.status_before_suspension = CaseStatus.INVESTIGATING
        case.suspended_since = timezone.localdate()
        case.save()
    return case


def satisfy_terminate_conditions(case, judge_user=None):
    """Make every 终本 condition hold: notice, report order, restriction, network query done, > 3 months."""
    from cases import measures

    today = timezone.localdate()
    case.filed_on = deadlines.add_months(today, -4)
    case.notice_sent_on = case.filed_on + dt.timedelta(days=3)
    case.save()
    party = respondent(case)
    measures.impose_measure(
        case, MeasureKind.PROPERTY_REPORT_ORDER, party=party, ends_on=today + dt.timedelta(days=10), actor=judge_user
    )
    measures.impose_measure(case, MeasureKind.CONSUMPTION_RESTRICTION, party=party, actor=judge_user)
    PropertyInvestigation.objects.create(
        case=case,
        method=InvestigationMethod.NETWORK,
        done_on=today,
        exhausted=True,
        summary="网络查控：未发现可供执行财产",
    )
    return case


@pytest.fixture
def xixia_case(courts):
    return case_in(CaseStatus.INVESTIGATING, court=courts["宁0105"])
