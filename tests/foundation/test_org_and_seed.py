from django.core.management import call_command

from cases.models import Case, CaseParty, Party
from execcenter.models import Court, Officer, PartnerClient
from execcenter.org import load_courts
from execcenter.validators import parse_case_number, validate_credit_code, validate_resident_id


def test_loading_courts_twice_changes_nothing(courts):
    before = list(Court.objects.values_list("pk", "code", "parent__code"))
    load_courts()
    assert list(Court.objects.values_list("pk", "code", "parent__code")) == before
    assert Court.objects.count() == 28
    assert Court.objects.get(code="宁0105").parent.code == "宁01"


def test_seed_demo_builds_valid_cases_and_is_idempotent(db):
    call_command("seed_demo", cases=300, skip_enrich=True, verbosity=0)
    counts = (
        Case.objects.count(),
        Party.objects.count(),
        CaseParty.objects.count(),
        Officer.objects.count(),
        PartnerClient.objects.count(),
    )
    call_command("seed_demo", cases=300, skip_enrich=True, verbosity=0)
    assert (
        Case.objects.count(),
        Party.objects.count(),
        CaseParty.objects.count(),
        Officer.objects.count(),
        PartnerClient.objects.count(),
    ) == counts
    assert counts[0] == 300
    for case in Case.objects.all()[:50]:
        parse_case_number(case.number)
        assert (
            case.case_parties.filter(role="respondent").exists() and case.case_parties.filter(role="applicant").exists()
        )
        assert case.outstanding_amount == case.claim_amount - case.recovered_amount
    for party in Party.objects.all()[:200]:
        (validate_resident_id if party.kind == "person" else validate_credit_code)(party.id_number)


def test_the_same_seed_gives_the_same_data(db):
    call_command("seed_demo", cases=120, skip_enrich=True, seed=7, verbosity=0)
    first = list(Case.objects.order_by("number").values_list("number", "claim_amount", "status"))
    assert len(first) == 120
    from cases.models import CaseEvent, CaseSequence, MoneyEntry

    CaseParty.objects.all().delete()
    CaseEvent.objects.all().delete()
    MoneyEntry.objects.all().delete()
    Case.objects.all().delete()
    Party.objects.all().delete()
    CaseSequence.objects.all().delete()
    call_command("seed_demo", cases=120, skip_enrich=True, seed=7, verbosity=0)
    assert list(Case.objects.order_by("number").values_list("number", "claim_amount", "status")) == first
