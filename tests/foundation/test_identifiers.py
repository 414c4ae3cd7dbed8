"""Issue 13.1: identifiers typed in any digits are folded to ASCII once, where they enter, and validated as ASCII.

The issue's example is `6４０１０４１９８５０３１２１０８X` (full-width digits, check character X): it passed the check,
was stored as typed and made a second party record for one person. The others are ours: the same number in
Arabic-Indic digits, one with a digit check character (refused with a misleading "check digit wrong"), one typed
with spaces and a zero-width space, a credit code in full-width letters and phone numbers typed the same ways.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.test import Client

from cases import services
from cases.choices import PartyKind, PartyRole
from cases.filtersets import CaseFilterSet, PartyFilterSet
from cases.models import Case, Party
from execcenter.identifiers import fold, normalise_case_number, normalise_id_number
from execcenter.validators import validate_credit_code, validate_phone, validate_resident_id
from tests.command.test_disclosure import ask

ISSUE_ID = "64010419850312108X"  # check character X
ISSUE_TYPED = "6４０１０４１９８５０３１２１０８X"
ARABIC_INDIC = "٦٤٠١٠٤١٩٨٥٠٣١٢١٠٨X"
DIGIT_CHECK = "640105199003071232"  # check character 2: the same typing was refused as "check digit wrong"
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
CREDIT_CODE = "91350100M000100Y43"


def test_fold_turns_full_width_and_other_script_digits_into_ascii_and_drops_spaces():
    assert fold(ISSUE_TYPED) == ISSUE_ID
    assert fold(ARABIC_INDIC) == ISSUE_ID
    assert fold("६४०१") == "6401"  # Devanagari
    assert fold(" 640\u3000104\u200b19850312108x\n") == "64010419850312108x"
    assert normalise_id_number("６４０１０４１９８５０３１２１０８ｘ") == ISSUE_ID
    assert fold(None) == ""


@pytest.mark.parametrize(
    "typed",
    [
        ISSUE_TYPED,
        ARABIC_INDIC,
        DIGIT_CHECK.translate(FULL_WIDTH),
        "640105 19900307 1232",
        "６４０１０５\u200b１９９００３０７１２３２",
    ],
)
def test_resident_id_typed_in_any_digits_validates_to_its_ascii_form(typed):
    assert validate_resident_id(typed) == fold(typed).upper()
    assert validate_resident_id(typed).isascii()


def test_a_wrong_check_character_is_still_refused_whatever_the_digits():
    with pytest.raises(ValidationError) as err:
        validate_resident_id("6４０１０４１９８５０３１２１０８１")  # ...1 instead of X
    assert err.value.code == "id_checksum"
    with pytest.raises(ValidationError) as err:
        validate_resident_id("6４０１０４１９８５０３１２１０８")  # 17 characters
    assert err.value.code == "id_format"


def test_credit_code_typed_full_width_validates_to_its_ascii_form():
    typed = CREDIT_CODE.translate(str.maketrans("0123456789MY", "０１２３４５６７８９ＭＹ"))
    assert validate_credit_code(typed) == CREDIT_CODE
    assert validate_credit_code(CREDIT_CODE.lower()) == CREDIT_CODE


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("１３９５１００００００", "13951000000"),
        ("0951－6012345", "0951-6012345"),
        ("139 5100 0000", "13951000000"),
        ("", ""),
    ],
)
def test_phone_typed_full_width_or_spaced_is_stored_ascii(typed, stored):
    assert validate_phone(typed) == stored


@pytest.mark.parametrize("bad", ["电话13951000000", "1395", "13951000000" * 2, "139a5100000"])
def test_phone_with_anything_but_digits_and_hyphens_is_refused(bad):
    with pytest.raises(ValidationError) as err:
        validate_phone(bad)
    assert err.value.code == "phone_format"


def test_case_number_typed_full_width_or_with_half_width_brackets_normalises_to_the_stored_form():
    assert normalise_case_number("(2023)宁0105执") == "（2023）宁0105执"
    assert normalise_case_number("（２０２４）宁０１０５执１２号") == "（2024）宁0105执12号"
    assert normalise_case_number(" (2024) 宁0105执12号 ") == "（2024）宁0105执12号"


def _file(court, id_number, phone=""):
    return services.file_case(
        court=court,
        cause="民间借贷纠纷",
        filed_on=dt.date(2025, 3, 1),
        claim_amount=Decimal("1000.00"),
        parties=[
            {
                "kind": PartyKind.PERSON,
                "role": PartyRole.APPLICANT,
                "name": "王芳",
                "id_number": id_number,
                "phone": phone,
            },
            {"kind": PartyKind.ORGANISATION, "role": PartyRole.RESPONDENT, "name": "某公司", "id_number": CREDIT_CODE},
        ],
    )


@pytest.mark.django_db
def test_one_person_typed_three_ways_is_one_party_found_by_an_ascii_search(courts):
    cases = [
        _file(courts["宁0105"], typed, phone)
        for typed, phone in ((ISSUE_TYPED, "１３９５１００００００"), (ARABIC_INDIC, ""), (ISSUE_ID.lower(), ""))
    ]
    assert Party.objects.filter(kind=PartyKind.PERSON).count() == 1
    party = Party.objects.get(kind=PartyKind.PERSON)
    assert party.id_number == ISSUE_ID
    assert cases[0].case_parties.get(party=party).phone == "13951000000"

    def found(filterset, **params):
        return set(filterset(QueryDict(mutable=True) | params, queryset=filterset._meta.model.objects.all()).qs)

    assert found(CaseFilterSet, q=ISSUE_ID) == found(CaseFilterSet, q=ISSUE_TYPED) == set(cases)
    assert found(CaseFilterSet, q=ARABIC_INDIC) == set(cases)
    assert found(PartyFilterSet, id_number=ISSUE_TYPED) == found(PartyFilterSet, id_number=ISSUE_ID) == {party}
    assert found(PartyFilterSet, phone="139 5100 0000") == {party}


@pytest.mark.django_db
def test_api_filing_folds_the_id_number_as_typed(api, courts, judge_xixia):
    body = {
        "court": "宁0105",
        "cause": "民间借贷纠纷",
        "filed_on": "2025-03-01",
        "claim_amount": "1000.00",
        "parties": [
            {
                "kind": "person",
                "role": "applicant",
                "name": "王芳",
                "id_number": "６４０１０５ １９９００３０７ １２３２",
                "phone": "０９５１－６０１２３４５",
            },
            {"kind": "organisation", "role": "respondent", "name": "某公司", "id_number": CREDIT_CODE},
        ],
    }
    response = api.as_officer(judge_xixia).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 201, response.content
    assert Party.objects.filter(id_number=DIGIT_CHECK, case_parties__phone="0951-6012345").count() == 1
    bad = dict(body, parties=[dict(body["parties"][0], phone="电话"), body["parties"][1]])
    refused = api.as_officer(judge_xixia).post("/api/v1/cases/", bad, format="json")
    assert refused.status_code == 400 and "phone" in str(refused.json())
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_disclosure_lookup_accepts_the_id_number_typed_full_width(courts, settings):
    settings.DISCLOSURE_MIN_SECONDS = 0  # the equal-time floor has its own test
    case = _file(courts["宁0105"], ISSUE_ID)
    number = case.number.replace("（", "(").replace("）", ")")
    assert case.number in ask(Client(), number, ISSUE_TYPED).content.decode()
