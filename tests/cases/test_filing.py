import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from cases import deadlines, services
from cases.choices import CaseStatus, CaseType, PartyKind, PartyRole
from cases.models import Case, CaseEvent, CaseParty, Party
from execcenter.models import AuditLog
from tests.concurrency import run_together
from tests.factories import make_credit_code, make_resident_id

pytestmark = pytest.mark.django_db


def _parties(applicant_id=None, respondent_id=None):
    return [
        {
            "kind": PartyKind.PERSON,
            "role": PartyRole.APPLICANT,
            "name": "王芳",
            "id_number": applicant_id or make_resident_id(1),
        },
        {
            "kind": PartyKind.ORGANISATION,
            "role": PartyRole.RESPONDENT,
            "name": "宁夏某建设有限公司",
            "id_number": respondent_id or make_credit_code(7),
        },
    ]


def _file(court, judge_user=None, **kw):
    args = {
        "court": court,
        "cause": "买卖合同纠纷",
        "filed_on": dt.date(2024, 3, 1),
        "claim_amount": Decimal("50000.00"),
        "parties": _parties(),
    }
    args.update(kw)
    return services.file_case(actor=judge_user, **args)


def test_filing_numbers_cases_per_court_type_and_year_without_gaps(courts, judge_xixia):
    xixia, jinfeng = courts["宁0105"], courts["宁0106"]
    a = _file(xixia, judge_xixia.user)
    b = _file(xixia, judge_xixia.user)
    c = _file(jinfeng)  # 金凤区法院's own filing (a judge files only in their own court: test below)
    d = _file(xixia, judge_xixia.user, case_type=CaseType.PRESERVATION)
    e = _file(xixia, judge_xixia.user, filed_on=dt.date(2025, 1, 2))
    assert [a.number, b.number] == ["（2024）宁0105执1号", "（2024）宁0105执2号"]
    assert c.number == "（2024）宁0106执1号"
    assert d.number == "（2024）宁0105执保1号"
    assert e.number == "（2025）宁0105执1号"


def test_filing_derives_assignment_due_and_six_month_deadline_and_records_event_and_audit(courts, judge_xixia):
    case = _file(courts["宁0105"], judge_xixia.user, filed_on=dt.date(2024, 8, 31))
    assert case.status == CaseStatus.FILED
    assert case.assignment_due == dt.date(2024, 9, 7)
    assert case.statutory_deadline == dt.date(2025, 2, 28)  # 6 months, clipped to the month's end
    assert case.outstanding_amount == Decimal("50000.00")
    assert CaseEvent.objects.filter(case=case, kind="status").count() == 1
    assert AuditLog.objects.filter(action="case.file", object_id=str(case.pk), user=judge_xixia.user).exists()


def test_same_real_world_party_is_one_record_across_cases(courts):
    first = _file(courts["宁0105"])
    second = _file(
        courts["宁0105"],
        parties=[
            {
                "kind": PartyKind.PERSON,
                "role": PartyRole.APPLICANT,
                "name": "王芳（改名）",
                "id_number": make_resident_id(1),
                "phone": "13900001111",
            },
            {
                "kind": PartyKind.ORGANISATION,
                "role": PartyRole.RESPONDENT,
                "name": "宁夏某建设有限公司",
                "id_number": make_credit_code(7),
            },
        ],
    )
    assert Party.objects.count() == 2
    p1 = first.case_parties.get(role=PartyRole.APPLICANT).party
    p2 = second.case_parties.get(role=PartyRole.APPLICANT).party
    assert p1.pk == p2.pk
    assert p2.name == "王芳"  # the record of origin keeps its name
    # contacts are the case's own: the second filing's phone is on its link, the first case keeps none
    assert second.case_parties.get(role=PartyRole.APPLICANT).phone == "13900001111"
    assert first.case_parties.get(role=PartyRole.APPLICANT).phone == ""


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"parties": _parties(applicant_id="640105198001010011")}, "parties"),  # wrong checksum
        ({"parties": _parties(respondent_id="91640105ABCDEFGHI0")}, "parties"),  # I is not in the USCC alphabet
        ({"parties": _parties()[:1]}, "parties"),  # no respondent
        ({"claim_amount": Decimal("-1.00")}, "claim_amount"),
        ({"claim_amount": Decimal("1.001")}, "claim_amount"),
        ({"case_type": "民初"}, "case_type"),
        ({"tags": ["nonsense"]}, "tags"),
        ({"filed_on": dt.date.today() + dt.timedelta(days=1)}, "filed_on"),
    ],
)
def test_invalid_filing_is_refused_with_a_field_error_and_nothing_saved(courts, bad, field):
    with pytest.raises(ValidationError) as exc:
        _file(courts["宁0105"], **bad)
    assert field in exc.value.message_dict
    assert not CaseEvent.objects.exists()
    assert not Party.objects.exists()


def test_refused_filing_leaves_no_gap_in_numbering(courts):
    with pytest.raises(ValidationError):
        _file(courts["宁0105"], parties=_parties()[:1])
    assert _file(courts["宁0105"]).sequence == 1


def test_statutory_deadline_excludes_suspension_and_adds_extensions():
    filed = dt.date(2024, 1, 15)
    assert deadlines.statutory_deadline(filed) == dt.date(2024, 7, 15)
    assert deadlines.statutory_deadline(filed, suspended_days=20, extension_days=30) == dt.date(
        2024, 7, 15
    ) + dt.timedelta(days=50)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_filings_are_numbered_without_gaps_or_duplicates_and_share_their_parties(courts, judge_xixia):
    """Ten clerks file at the same instant for the same court, type and year, all naming the same new bank as
    applicant and the same new debtor: ten numbers 1..10, and each real-world party is still one record."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks under real concurrency (SQLite serialises every writer)")
    xixia = courts["宁0105"]
    outcomes = run_together(
        10, lambda: _file(xixia, judge_xixia.user, parties=_parties(make_resident_id(41), make_credit_code(42)))
    )
    assert sorted(case.sequence for case in outcomes) == list(range(1, 11))  # an exception has no .sequence
    cases = Case.objects.filter(court=xixia, case_type=CaseType.FIRST, year=2024)
    assert sorted(cases.values_list("sequence", flat=True)) == list(range(1, 11))
    assert Party.objects.filter(id_number__in=[make_resident_id(41), make_credit_code(42)]).count() == 2
    assert CaseParty.objects.filter(case__in=cases).count() == 20


def test_a_judge_files_cases_only_in_their_own_court(courts, judge_xixia):
    from execcenter.policy import NotFound

    with pytest.raises(NotFound):
        _file(courts["宁0106"], judge_xixia.user)  # a sibling court: outside the judge's scope
    assert not Case.objects.filter(court=courts["宁0106"]).exists()
