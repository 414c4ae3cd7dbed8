import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cases import closure, deadlines, measures
from cases.choices import CaseStatus, ClosureType, MeasureKind, MeasureStatus
from cases.models import Measure
from execcenter.exceptions import InvalidTransition, RuleViolation
from tests.cases.conftest import applicant, case_in, respondent
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def case(courts):
    return case_in(CaseStatus.INVESTIGATING)


def test_dishonest_listing_runs_two_years_and_extends_by_at_most_three(case):
    start = dt.date(2024, 2, 29)
    m = measures.impose_measure(
        case, MeasureKind.DISHONEST, party=respondent(case), legal_ground="breaches_report", decided_on=start
    )
    assert m.ends_on == dt.date(2026, 2, 28)
    measures.extend_dishonest(m, 2)
    assert Measure.objects.get(pk=m.pk).ends_on == dt.date(2028, 2, 29)
    with pytest.raises(RuleViolation):
        measures.extend_dishonest(m, 2)  # 2 + 2 > 3


def test_dishonest_listing_for_able_but_refusing_lasts_until_performance(case):
    m = measures.impose_measure(case, MeasureKind.DISHONEST, party=respondent(case), legal_ground="able_but_refuses")
    assert m.ends_on is None
    with pytest.raises(InvalidTransition):
        measures.extend_dishonest(m, 1)


def test_dishonest_listing_needs_a_legal_ground_and_a_respondent(case):
    with pytest.raises(RuleViolation):
        measures.impose_measure(case, MeasureKind.DISHONEST, party=respondent(case))
    with pytest.raises(RuleViolation):
        measures.impose_measure(case, MeasureKind.DISHONEST, party=applicant(case), legal_ground="obstructs")
    assert not Measure.objects.exists()


def test_the_same_respondent_cannot_be_listed_twice_at_once(case):
    measures.impose_measure(case, MeasureKind.DISHONEST, party=respondent(case), legal_ground="obstructs")
    with pytest.raises(InvalidTransition):
        measures.impose_measure(case, MeasureKind.DISHONEST, party=respondent(case), legal_ground="obstructs")


def test_performance_sets_removal_within_three_working_days_for_listing_and_restriction(case):
    party = respondent(case)
    listing = measures.impose_measure(case, MeasureKind.DISHONEST, party=party, legal_ground="obstructs")
    restriction = measures.impose_measure(case, MeasureKind.CONSUMPTION_RESTRICTION, party=party)
    friday = dt.date(2024, 5, 10)
    assert measures.mark_performed(case, friday) == 2
    for m in (listing, restriction):
        m.refresh_from_db()
        assert (m.performed_on, m.removal_due) == (friday, dt.date(2024, 5, 15))  # Mon, Tue, Wed
    measures.end_measure(listing, MeasureStatus.REMOVED)
    assert Measure.objects.get(pk=listing.pk).status == MeasureStatus.REMOVED


def test_completing_a_case_starts_the_removal_clock(case):
    case.outstanding_amount = 0
    case.save()
    m = measures.impose_measure(case, MeasureKind.CONSUMPTION_RESTRICTION, party=respondent(case))
    closure.close(case, ClosureType.COMPLETED)
    m.refresh_from_db()
    assert m.removal_due == deadlines.add_working_days(timezone.localdate(), 3)


@pytest.mark.parametrize("days, ok", [(0, False), (1, True), (15, True), (16, False)])
def test_detention_is_one_to_fifteen_days(case, days, ok):
    def call():
        return measures.impose_measure(
            case, MeasureKind.DETENTION, party=respondent(case), days=days, decided_on=dt.date(2024, 6, 1)
        )

    if ok:
        assert call().ends_on == dt.date(2024, 6, days)
    else:
        with pytest.raises(RuleViolation):
            call()


def test_fines_respect_the_statutory_ranges_for_persons_and_organisations(case):
    person = respondent(case)
    measures.impose_measure(case, MeasureKind.FINE, party=person, amount="100000.00")
    with pytest.raises(RuleViolation):
        measures.impose_measure(case, MeasureKind.FINE, party=person, amount="100000.01")
    org = OrganisationFactory()
    case.case_parties.create(party=org, role="respondent")
    with pytest.raises(RuleViolation):
        measures.impose_measure(case, MeasureKind.FINE, party=org, amount="49999.99")
    measures.impose_measure(case, MeasureKind.FINE, party=org, amount="50000.00")


def test_investigation_order_needs_a_lawyer_and_a_validity_date_and_expires(case):
    with pytest.raises(RuleViolation):
        measures.impose_measure(case, MeasureKind.INVESTIGATION_ORDER, ends_on=timezone.localdate())
    order = measures.impose_measure(
        case,
        MeasureKind.INVESTIGATION_ORDER,
        holder="李律师",
        ends_on=timezone.localdate() - dt.timedelta(days=1),
        decided_on=timezone.localdate() - dt.timedelta(days=20),
    )
    assert measures.expire_measures() == 1
    assert Measure.objects.get(pk=order.pk).status == MeasureStatus.EXPIRED
    assert measures.expire_measures() == 0


def test_reward_notice_and_referral_and_report_order_each_record_their_dates(case):
    party = respondent(case)
    reward = measures.impose_measure(case, MeasureKind.REWARD_NOTICE, party=party, amount="5000.00")
    referral = measures.impose_measure(case, MeasureKind.CRIMINAL_REFERRAL, party=party, document_no="宁0105执移1号")
    report = measures.impose_measure(
        case, MeasureKind.PROPERTY_REPORT_ORDER, party=party, ends_on=timezone.localdate() + dt.timedelta(days=5)
    )
    assert reward.amount == D("5000.00") and referral.ends_on is None and report.ends_on > report.starts_on
    with pytest.raises(RuleViolation):
        measures.impose_measure(case, MeasureKind.REWARD_NOTICE, party=party, amount="-1")


@pytest.mark.parametrize("kind", MeasureKind.values)
@pytest.mark.parametrize("to_status", [s for s in MeasureStatus.values if s != MeasureStatus.ACTIVE])
def test_each_measure_ends_only_the_ways_its_kind_allows_and_only_once(case, kind, to_status):
    party = respondent(case)
    extra = {
        MeasureKind.DISHONEST: {"legal_ground": "obstructs"},
        MeasureKind.DETENTION: {"days": 5},
        MeasureKind.FINE: {"amount": "100.00"},
        MeasureKind.REWARD_NOTICE: {"amount": "100.00"},
        MeasureKind.PROPERTY_REPORT_ORDER: {"ends_on": timezone.localdate()},
        MeasureKind.INVESTIGATION_ORDER: {"ends_on": timezone.localdate(), "holder": "李律师"},
    }.get(kind, {})
    m = measures.impose_measure(case, kind, party=party, **extra)
    if to_status in measures.END_STATES[kind]:
        measures.end_measure(m, to_status)
        assert Measure.objects.get(pk=m.pk).status == to_status
        with pytest.raises(InvalidTransition):
            measures.end_measure(m, to_status)
    else:
        with pytest.raises(InvalidTransition):
            measures.end_measure(m, to_status)
        assert Measure.objects.get(pk=m.pk).status == MeasureStatus.ACTIVE


def test_no_measures_on_a_closed_case(courts):
    case = case_in(CaseStatus.CLOSED, closure_type=ClosureType.TERMINATED)
    with pytest.raises(InvalidTransition):
        measures.impose_measure(case, MeasureKind.CONSUMPTION_RESTRICTION, party=respondent(case))


def test_consumption_restriction_and_dishonest_listing_issue_numbered_decision_documents_once(courts, judge_xixia):
    """限制消费令 and 纳入失信名单决定书 are records: numbered in the court's series, stored with their hash, never redone."""
    import io

    from docx import Document

    from cases import documents as issued
    from cases.measure_documents import issue_decision
    from cases.models import IssuedDocument

    case = case_in(CaseStatus.INVESTIGATING, court=courts["宁0105"])
    party = respondent(case)
    restriction = measures.impose_measure(
        case, MeasureKind.CONSUMPTION_RESTRICTION, party=party, actor=judge_xixia.user
    )
    listing = measures.impose_measure(
        case, MeasureKind.DISHONEST, party=party, legal_ground="able_but_refuses", actor=judge_xixia.user
    )
    year = timezone.localdate().year
    restriction.refresh_from_db()
    listing.refresh_from_db()
    assert (restriction.document_no, listing.document_no) == (f"（{year}）宁0105执限1号", f"（{year}）宁0105执失1号")
    doc = IssuedDocument.objects.get(source_type="cases.measure", source_id=str(restriction.pk))
    text = "\n".join(p.text for p in Document(io.BytesIO(issued.read(doc))).paragraphs)
    assert "限制消费令" in text and party.name in text and case.number in text and doc.number == restriction.document_no
    assert issue_decision(restriction).pk == doc.pk and IssuedDocument.objects.filter(kind="decision").count() == 2
    fine = measures.impose_measure(case, MeasureKind.FINE, party=party, amount="1000.00")
    assert not IssuedDocument.objects.filter(source_id=str(fine.pk), source_type="cases.measure").exists()


def test_measures_are_ended_and_extended_from_the_case_page_with_refusals_in_their_row(client, courts, judge_xixia):
    from django.urls import reverse

    case = case_in(CaseStatus.INVESTIGATING, court=courts["宁0105"])
    party = respondent(case)
    listing = measures.impose_measure(case, MeasureKind.DISHONEST, party=party, legal_ground="breaches_report")
    restriction = measures.impose_measure(case, MeasureKind.CONSUMPTION_RESTRICTION, party=party)
    client.force_login(judge_xixia.user)
    step = lambda m, s: reverse("cases:measure-step", args=[case.pk, m.pk, s])  # noqa: E731
    too_long = client.post(step(listing, "extend"), {"years": "5"})
    assert too_long.status_code == 400 and "一至三年" in too_long.content.decode()
    assert client.post(step(listing, "extend"), {"years": "1"}).status_code == 302
    listing.refresh_from_db()
    assert listing.extension_years == 1
    wrong = client.post(step(restriction, "end"), {"to_status": "completed"})
    assert wrong.status_code == 409
    assert client.post(step(restriction, "end"), {"to_status": "removed", "note": "已履行"}).status_code == 302
    restriction.refresh_from_db()
    assert restriction.status == MeasureStatus.REMOVED
