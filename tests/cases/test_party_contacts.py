"""A party is one record across courts (found by ID number), but its phone and address are the case's own, entered
by the case's court (issue #10): filing a case with an ID number another court already has must not show that
court's contact details, on the case page, in the API, in the filing look-up or through a search."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from tests.factories import make_credit_code, make_resident_id

pytestmark = pytest.mark.django_db

DEBTOR = make_resident_id(42)
XIXIA_PHONE, XIXIA_ADDRESS = "13912345678", "银川市西夏区怀远路88号3单元501室"
JINGYUAN_PHONE, JINGYUAN_ADDRESS = "13698765432", "固原市泾源县香水镇某村7号"


def filing(phone="", address="", applicant=7):
    return {
        "cause": "买卖合同纠纷",
        "filed_on": timezone.localdate().isoformat(),
        "claim_amount": "250000.00",
        "p0-role": "applicant",
        "p0-kind": "organisation",
        "p0-id_number": make_credit_code(applicant),
        "p0-name": "宁夏某商贸有限公司",
        "p1-role": "respondent",
        "p1-kind": "person",
        "p1-id_number": DEBTOR,
        "p1-name": "王五",
        "p1-phone": phone,
        "p1-address": address,
    }


def _file(client, officer, **kw):
    client.force_login(officer.user)
    response = client.post(reverse("cases:case-new"), filing(**kw))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Case.objects.get(court=officer.court)


def test_another_courts_phone_and_address_do_not_show_on_a_case_filed_with_the_same_id_number(
    client, api, judge_xixia, judge_jingyuan
):
    _file(client, judge_xixia, phone=XIXIA_PHONE, address=XIXIA_ADDRESS)
    theirs = _file(client, judge_jingyuan, applicant=8)  # same debtor, no contacts entered by 泾源
    page = client.get(reverse("cases:case-detail", args=[theirs.pk])).content.decode()
    assert "王五" in page
    for secret in (XIXIA_PHONE, XIXIA_ADDRESS, XIXIA_PHONE[-4:], "怀远路"):
        assert secret not in page
    detail = api.as_officer(judge_jingyuan).get(f"/api/v1/cases/{theirs.pk}/").content.decode()
    listed = api.as_officer(judge_jingyuan).get("/api/v1/cases/").content.decode()
    party_id = theirs.case_parties.get(role="respondent").party_id
    party = api.as_officer(judge_jingyuan).get(f"/api/v1/parties/{party_id}/").content.decode()
    for body in (detail, listed, party):
        assert DEBTOR in body  # a judge reads full ID numbers of their own cases
        for secret in (XIXIA_PHONE, XIXIA_ADDRESS, "怀远路"):
            assert secret not in body


def test_each_court_sees_the_contacts_it_entered_for_its_own_case(client, api, judge_xixia, judge_jingyuan):
    ours = _file(client, judge_xixia, phone=XIXIA_PHONE, address=XIXIA_ADDRESS)
    theirs = _file(client, judge_jingyuan, phone=JINGYUAN_PHONE, address=JINGYUAN_ADDRESS, applicant=8)
    for officer, case, shown, hidden in (
        (judge_xixia, ours, (XIXIA_PHONE, XIXIA_ADDRESS), (JINGYUAN_PHONE, JINGYUAN_ADDRESS)),
        (judge_jingyuan, theirs, (JINGYUAN_PHONE, JINGYUAN_ADDRESS), (XIXIA_PHONE, XIXIA_ADDRESS)),
    ):
        client.force_login(officer.user)
        page = client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()
        detail = api.as_officer(officer).get(f"/api/v1/cases/{case.pk}/").content.decode()
        for body in (page, detail):
            assert all(value in body for value in shown)
            assert not any(value in body for value in hidden)
    link = theirs.case_parties.get(role="respondent")
    assert (link.phone, link.address, link.contact_court.code) == (JINGYUAN_PHONE, JINGYUAN_ADDRESS, "宁0424")


def test_the_filing_look_up_gives_no_contact_details_and_names_only_a_party_already_seen(
    client, judge_xixia, judge_jingyuan
):
    """The name on record is another court's too until the party is in one of the reader's own cases
    (tests/permissions/test_filing_reveals_no_party.py)."""
    _file(client, judge_xixia, phone=XIXIA_PHONE, address=XIXIA_ADDRESS)
    client.force_login(judge_jingyuan.user)
    found = client.get(reverse("cases:party-lookup"), {"id_number": DEBTOR})
    assert found.json() == {"found": False}
    _file(client, judge_jingyuan, applicant=8)  # 泾源 files against 王五 by ID number and the right name
    found = client.get(reverse("cases:party-lookup"), {"id_number": DEBTOR})
    assert found.json() == {"found": True, "name": "王五", "kind": "person"}


def test_a_search_by_phone_or_address_finds_only_what_the_readers_own_courts_entered(
    client, api, judge_xixia, judge_jingyuan
):
    _file(client, judge_xixia, phone=XIXIA_PHONE, address=XIXIA_ADDRESS)
    _file(client, judge_jingyuan, applicant=8)  # the party is now visible to 泾源 through its own case
    theirs = api.as_officer(judge_jingyuan)
    for params in ({"phone": XIXIA_PHONE}, {"address__icontains": "怀远路"}):
        assert theirs.get("/api/v1/parties/", params).json()["results"] == [], params
    ours = api.as_officer(judge_xixia)
    for params in ({"phone": XIXIA_PHONE}, {"address__icontains": "怀远路"}):
        assert [p["name"] for p in ours.get("/api/v1/parties/", params).json()["results"]] == ["王五"], params


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_contacts_only_on_the_links_of_the_court_that_entered_them(courts):
    """Migration 0017: a party's old contacts go onto its links in the court of its first link, nowhere else."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("cases", "0016_lawyer_orders")], [("cases", "0017_party_contacts_per_case")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    Party, Case, CaseParty = (apps.get_model("cases", m) for m in ("Party", "Case", "CaseParty"))
    xixia, jingyuan = (apps.get_model("execcenter", "Court").objects.get(code=c) for c in ("宁0105", "宁0424"))
    debtor = Party.objects.create(
        kind="person", name="王五", id_number=DEBTOR, phone=XIXIA_PHONE, address=XIXIA_ADDRESS
    )
    quiet = Party.objects.create(kind="organisation", name="某公司", id_number=make_credit_code(7))

    def case(court, n):
        return Case.objects.create(
            number=f"（2024）{court.code}执{n}号", court=court, year=2024, case_type="执", sequence=n,
            cause="买卖合同纠纷", filed_on="2024-03-01", claim_amount="1.00", outstanding_amount="1.00",
            assignment_due="2024-03-08", statutory_deadline="2024-09-01",
        )  # fmt: skip

    first, again, other = case(xixia, 1), case(xixia, 2), case(jingyuan, 1)
    for c in (first, again, other):
        CaseParty.objects.create(case=c, party=debtor, role="respondent")
        CaseParty.objects.create(case=c, party=quiet, role="applicant")

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    CaseParty = executor.loader.project_state(after).apps.get_model("cases", "CaseParty")
    found = {
        (link.case_id, link.party_id): (link.phone, link.address, link.contact_court_id)
        for link in CaseParty.objects.all()
    }
    for c in (first, again):
        assert found[(c.pk, debtor.pk)] == (XIXIA_PHONE, XIXIA_ADDRESS, xixia.pk)
    assert found[(other.pk, debtor.pk)] == ("", "", None)
    assert all(found[(c.pk, quiet.pk)] == ("", "", None) for c in (first, again, other))
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
