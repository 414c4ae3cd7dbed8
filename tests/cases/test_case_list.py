"""The case list at speed (issue 3: fast at 1,000,000 cases) without changing what it answers.

- The list is read as values() rows (cases.api.case_rows): each item must equal the detail view's item, masking
  and the audit of unmasked reads included, for every kind of reader.
- Deadline-state and long-pending lists are paged in their index's order, completely and without repeats.
- Next links survive a client that sends raw UTF-8 in the query string.
- The cheaper FilterSet (execcenter.filtersets.FilterSet) keeps requests apart.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.test import Client
from django.utils import timezone

from cases import deadlines
from cases.choices import CaseStatus, CaseTag, ClosureType
from cases.filtersets import CaseFilterSet
from cases.models import Case, CaseParty
from execcenter.choices import Role
from execcenter.models import AuditLog
from tests.api_mixins import as_persona, results
from tests.factories import CaseFactory, OfficerFactory, PartyFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def varied_cases(courts, judge_xixia):
    """Cases that exercise every kind of column: no judge, a judge, tags, closed, money, a linked origin case,
    an organisation respondent and a case with three parties."""
    xixia = courts["宁0105"]
    plain = CaseFactory(court=xixia, status=CaseStatus.FILED)
    judged = CaseFactory(
        court=xixia,
        assigned_judge=judge_xixia,
        responsible_officer=judge_xixia,
        leading_official=judge_xixia,
        claim_amount=Decimal("1234.56"),
        recovered_amount=Decimal("34.56"),
        outstanding_amount=Decimal("1200.00"),
    )
    judged.set_tags([CaseTag.LIVELIHOOD, CaseTag.FINANCIAL])
    judged.save()
    closed = CaseFactory(
        court=xixia,
        status=CaseStatus.CLOSED,
        closure_type=ClosureType.COMPLETED,
        closed_on=TODAY,
        origin_case=plain,
        suspended_since=TODAY - dt.timedelta(days=3),
        notice_sent_on=TODAY,
    )
    CaseParty.objects.create(case=closed, party=PartyFactory(), role="respondent")
    other_court = CaseFactory(court=courts["宁0106"])
    return [plain, judged, closed, other_court]


@pytest.mark.parametrize("persona", ["judge_xixia", "duty_yinchuan", "director_high", "case_system_partner"])
def test_every_list_item_equals_the_detail_view(api, request, varied_cases, persona):
    client = as_persona(api, request.getfixturevalue(persona))
    listed = {item["id"]: item for item in results(client.get("/api/v1/cases/", {"page_size": 500}))}
    assert {c.pk for c in varied_cases[:3]} <= set(listed)  # every persona here sees 西夏区
    for case in (c for c in varied_cases if c.pk in listed):
        detail = client.get(f"/api/v1/cases/{case.pk}/").json()
        assert listed[case.pk] == detail, case.number
    masked = persona in ("duty_yinchuan", "director_high")  # command roles see personal data masked
    id_number = listed[varied_cases[2].pk]["parties"][0]["party"]["id_number"]
    assert ("*" in id_number) is masked


def test_list_audits_unmasked_parties_and_not_masked_ones(api, varied_cases, judge_xixia, duty_yinchuan):
    api.as_officer(judge_xixia).get("/api/v1/cases/", {"page_size": 500})
    entry = AuditLog.objects.filter(action="personal_data.read", user=judge_xixia.user).latest("id")
    shown = set(CaseParty.objects.filter(case__in=varied_cases[:3]).values_list("party_id", flat=True))
    assert shown <= set(entry.details["party_ids"])
    before = AuditLog.objects.filter(action="personal_data.read").count()
    api.as_officer(duty_yinchuan).get("/api/v1/cases/", {"page_size": 500})
    assert AuditLog.objects.filter(action="personal_data.read").count() == before


def _pages(client, params):
    """Every item of a cursor-paged list, following `next`."""
    items, response = [], client.get("/api/v1/cases/", params)
    while True:
        assert response.status_code == 200, response.content
        items += results(response)
        if not response.json()["next"]:
            return items
        response = client.get(response.json()["next"])


def test_overdue_list_is_paged_most_overdue_first_completely(api, courts, director_high):
    due = [TODAY - dt.timedelta(days=d) for d in (40, 10, 10, 10, 3)]
    overdue = []
    for deadline in due:
        case = CaseFactory(court=courts["宁0105"], status=CaseStatus.INVESTIGATING)
        Case.objects.filter(pk=case.pk).update(statutory_deadline=deadline)
        overdue.append(case.pk)
    not_overdue = CaseFactory(court=courts["宁0105"], status=CaseStatus.INVESTIGATING)  # deadline months ahead
    suspended = CaseFactory(court=courts["宁0105"], status=CaseStatus.SUSPENDED)
    Case.objects.filter(pk=suspended.pk).update(statutory_deadline=TODAY - dt.timedelta(days=50))
    items = _pages(api.as_officer(director_high), {"deadline_state": "overdue", "page_size": 2})
    keys = [(item["statutory_deadline"], item["id"]) for item in items]
    assert keys == sorted(keys)  # most overdue first, ties by id: one order, so no page repeats or skips a case
    assert [i["id"] for i in items] == sorted(overdue, key=lambda pk: (Case.objects.get(pk=pk).statutory_deadline, pk))
    assert not_overdue.pk not in {i["id"] for i in items} and suspended.pk not in {i["id"] for i in items}


def test_long_pending_list_is_paged_oldest_first_and_explicit_ordering_wins(api, courts, director_high):
    cutoff = deadlines.long_pending_cutoff(TODAY)
    old = [
        CaseFactory(court=courts["宁0105"], status=CaseStatus.INVESTIGATING, filed_on=cutoff - dt.timedelta(days=d)).pk
        for d in (5, 300, 5, 60)
    ]
    CaseFactory(
        court=courts["宁0105"],
        status=CaseStatus.CLOSED,
        filed_on=cutoff - dt.timedelta(days=400),
        closure_type=ClosureType.COMPLETED,
        closed_on=TODAY,
    )
    client = api.as_officer(director_high)
    items = _pages(client, {"long_pending": "true", "page_size": 3})
    assert [i["id"] for i in items] == sorted(old, key=lambda pk: (Case.objects.get(pk=pk).filed_on, pk))
    newest_first = _pages(client, {"long_pending": "true", "ordering": "-id", "page_size": 3})
    assert [i["id"] for i in newest_first] == sorted(old, reverse=True)


def test_next_link_keeps_the_filter_when_the_query_arrives_as_raw_utf8(courts, director_high):
    ids = {CaseFactory(court=courts["宁0105"]).pk for _ in range(3)} | {CaseFactory(court=courts["宁0106"]).pk}
    CaseFactory(court=courts["宁0424"])  # outside 宁01: the filter must keep it out on page 2 too
    client = Client()
    client.force_login(director_high.user)
    # A raw (not percent-encoded) query, as curl sends what is typed: WSGI hands it over as latin-1 text.
    response = client.get("/api/v1/cases/?court=宁01&page_size=2")
    seen = [i["id"] for i in response.json()["results"]]
    while response.json()["next"]:
        response = client.get(response.json()["next"])
        assert response.status_code == 200, response.content
        seen += [i["id"] for i in response.json()["results"]]
    assert sorted(seen) == sorted(ids)


def test_browser_list_shows_a_deadline_filter_in_deadline_order(client, courts, judge_xixia):
    pks = []
    for days in (5, 30, 1):
        case = CaseFactory(court=courts["宁0105"], status=CaseStatus.INVESTIGATING)
        Case.objects.filter(pk=case.pk).update(statutory_deadline=TODAY - dt.timedelta(days=days))
        pks.append(case.pk)
    client.force_login(judge_xixia.user)
    response = client.get("/cases/", {"deadline_state": "overdue"})
    assert response.status_code == 200
    assert [c.pk for c in response.context["page"].object_list] == [pks[1], pks[0], pks[2]]
    assert response.context["sort"] == "deadline"


def test_filtersets_share_no_state_between_requests(courts, judge_xixia, director_high):
    """Filters are copied shallowly and the form class is built once: one request's choices must not reach
    another's, and `method=` filters still run against their own FilterSet."""
    other_judge = OfficerFactory(user=UserFactory(), court=courts["宁0424"], roles=[Role.JUDGE.value])
    overdue = CaseFactory(court=courts["宁0105"], status=CaseStatus.INVESTIGATING)
    Case.objects.filter(pk=overdue.pk).update(statutory_deadline=TODAY - dt.timedelta(days=2))
    running = CaseFactory(court=courts["宁0105"], status=CaseStatus.INVESTIGATING)
    old = CaseFactory(
        court=courts["宁0105"],
        status=CaseStatus.INVESTIGATING,
        filed_on=deadlines.long_pending_cutoff(TODAY) - dt.timedelta(days=1),
    )
    first = CaseFilterSet(QueryDict("deadline_state=overdue"), queryset=Case.objects.all()).limit_choices_to(
        judge_xixia.user
    )
    second = CaseFilterSet(QueryDict("long_pending=true"), queryset=Case.objects.all()).limit_choices_to(
        director_high.user
    )
    assert other_judge in second.form.fields["assigned_judge"].queryset
    assert other_judge not in first.form.fields["assigned_judge"].queryset
    assert set(first.qs.values_list("pk", flat=True)) >= {overdue.pk} and running.pk not in first.qs.values_list(
        "pk", flat=True
    )
    assert set(second.qs.values_list("pk", flat=True)) == {old.pk}
    assert (
        getattr(CaseFilterSet.base_filters["deadline_state"], "parent", None) is None
    )  # the class's own filters stay unbound


def test_text_search_finds_by_name_prefix_id_number_part_of_a_number_or_the_whole_number(courts):
    """One search box, four kinds of text, each answered by its own index (cases.filtersets.filter_text)."""
    xixia = courts["宁0105"]
    cases = [CaseFactory(court=xixia, status=CaseStatus.INVESTIGATING) for _ in range(12)]
    target = cases[10]  # sequence 11: "执1" is part of its number and of case 1's, "执11" of its alone
    person = PartyFactory(name="欧阳明月")
    organisation = PartyFactory(kind="organisation", name="宁夏某某建设有限公司", id_number="91640100MA76X1234D")
    CaseParty.objects.create(case=target, party=person, role="respondent")
    CaseParty.objects.create(case=cases[3], party=organisation, role="respondent")

    def found(text):
        return set(
            CaseFilterSet(QueryDict(mutable=True) | {"q": text}, queryset=Case.objects.all()).qs.values_list(
                "pk", flat=True
            )
        )

    assert found("欧阳") == found("欧阳明月") == {target.pk}
    assert found("明月") == set()  # a name is searched from its start
    assert found(person.id_number) == found(person.id_number.lower()) == {target.pk}
    assert found("91640100ma76x1234d") == {cases[3].pk}
    assert found(f"{xixia.code}执11") == {target.pk}
    assert found(f"{xixia.code}执1") == {cases[0].pk, cases[9].pk, cases[10].pk, cases[11].pk}
    assert found(target.number) == {target.pk}
    assert found("  ") == {c.pk for c in cases}
