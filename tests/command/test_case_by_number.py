"""Issue 13.2: one case-number normaliser, one "case by number" lookup, used by every caller.

The issue's example: `q=(2023)宁0105执` (a partial number with half-width brackets) found nothing while `（2023）宁0105执`
found the case, and four lookups in the command app skipped the normaliser. Ours: the whole number with half-width
brackets, the number in full-width digits, a number with stray spaces, and the same through the command app's forms,
pages, API and filters.
"""

import datetime as dt

import pytest
from django.http import QueryDict
from django.utils import timezone

from cases.filtersets import CaseFilterSet
from cases.models import Case
from command import services
from command.forms import OperationForm, PetitionReceiveForm
from command.models import AssistanceLetter, Incident, OperationResult

from .conftest import make_case

FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def typed_ways(number):
    """The stored `（2023）宁0105执3号` as people type it."""
    half = number.replace("（", "(").replace("）", ")")
    return [half, number.translate(FULL_WIDTH_DIGITS), " " + half.replace("执", " 执") + " "]


@pytest.fixture
def case(courts):
    return make_case("宁0105", filed=dt.date(2023, 5, 4), year=2023)


def search(text):
    return set(CaseFilterSet(QueryDict(mutable=True) | {"q": text}, queryset=Case.objects.all()).qs)


def test_partial_number_with_half_width_brackets_finds_the_case(case, courts):
    other_year = make_case("宁0105", filed=dt.date(2024, 1, 2), year=2024)
    assert case.number.startswith("（2023）宁0105执")
    assert search("(2023)宁0105执") == search("（2023）宁0105执") == {case}  # the example
    assert search("（２０２３）宁０１０５执") == {case}
    assert search("(2024)宁0105") == {other_year}


def test_every_typed_form_of_a_whole_number_is_one_lookup(case, judge_xixia):
    for typed in typed_ways(case.number):
        assert list(Case.objects.visible_to(judge_xixia.user).by_number(typed)) == [case], typed
        assert search(typed) == {case}, typed
        assert set(CaseFilterSet(QueryDict(mutable=True) | {"number": typed}, queryset=Case.objects.all()).qs) == {case}
    assert list(Case.objects.by_numbers(typed_ways(case.number))) == [case]


def test_command_forms_find_the_case_typed_with_half_width_brackets(case, courts, director_high, judge_xixia):
    half, full_digits, spaced = typed_ways(case.number)
    form = PetitionReceiveForm(
        {"petitioner": "王某", "subject": "反映", "received_on": "2025-01-02", "case_number": half},
        actor=judge_xixia.user,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["case_number"] == case
    now = timezone.now()
    op = OperationForm(
        {
            "name": "雷霆",
            "court": courts["宁"].pk,
            "courts": [courts["宁0105"].pk],
            "starts_at": now,
            "ends_at": now,
            "target_numbers": f"{full_digits}\n{spaced}\n",
        },
        actor=director_high.user,
    )
    assert op.is_valid(), op.errors
    assert op.cleaned_data["target_numbers"] == [case]


def test_operation_targets_outside_the_planners_scope_read_as_missing(case, courts, judge_jingyuan):
    form = OperationForm({"target_numbers": case.number}, actor=judge_jingyuan.user)
    form.is_valid()
    assert "target_numbers" in form.errors


def test_command_pages_find_the_case_typed_with_half_width_brackets(client, case, courts, director_high, judge_xixia):
    half, full_digits, spaced = typed_ways(case.number)
    unit = services.register_unit(name="镇北堡镇", kind="township", court=courts["宁0105"])
    client.force_login(judge_xixia.user)
    sent = client.post(
        "/command/letters/send/",
        {
            "case_number": half,
            "unit": unit.pk,
            "subject": "查询",
            "request_text": "请协助",
            "due_on": (timezone.localdate() + dt.timedelta(days=9)).isoformat(),
        },
    )
    assert sent.status_code == 302 and AssistanceLetter.objects.get().case == case
    reported = client.post(
        "/command/incidents/report/",
        {
            "kind": "injury",
            "severity": "low",
            "latitude": "38.5",
            "longitude": "106.1",
            "address": "现场",
            "case_number": full_digits,
            "description": "轻伤",
        },
    )
    assert reported.status_code == 302 and Incident.objects.get().case == case

    now = timezone.now()
    op = services.create_operation(
        director_high.user,
        name="雷霆",
        court=courts["宁"],
        courts=[courts["宁0105"]],
        starts_at=now,
        ends_at=now + dt.timedelta(days=1),
    )
    team = services.add_team(director_high.user, op, name="一组", court=courts["宁0105"], leader=judge_xixia)
    services.launch_operation(director_high.user, op)
    recorded = client.post(
        f"/command/operations/{op.pk}/field/",
        {"team": team.pk, "case_number": spaced, "amount_recovered": "0", "people_detained": "0"},
    )
    assert recorded.status_code == 302 and OperationResult.objects.get().case == case


def test_command_api_and_filters_take_the_number_as_typed(api, case, courts, judge_xixia):
    half, full_digits, _spaced = typed_ways(case.number)
    unit = services.register_unit(name="镇北堡镇", kind="township", court=courts["宁0105"])
    client = api.as_officer(judge_xixia)
    created = client.post(
        "/api/v1/assistance-letters/",
        {"case": half, "unit": unit.pk, "subject": "查询", "request_text": "请协助"},
        format="json",
    )
    assert created.status_code == 201, created.content
    listed = client.get("/api/v1/assistance-letters/", {"case": full_digits}).json()["results"]
    assert [row["id"] for row in listed] == [created.json()["id"]]
    assert client.get("/api/v1/assistance-letters/", {"case": "不是案号"}).status_code == 400


def test_unclaimed_money_match_and_statement_lines_find_the_case_as_typed(case, courts, judge_xixia):
    from cases.money_views import MatchForm
    from cases.statements import case_for_reference

    half, full_digits, _spaced = typed_ways(case.number)
    form = MatchForm({"case_number": full_digits}, user=judge_xixia.user)
    assert form.is_valid(), form.errors
    assert form.case == case
    assert case_for_reference(courts["宁0105"], f"还款 {half}") == case
