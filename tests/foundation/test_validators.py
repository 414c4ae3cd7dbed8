import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from execcenter.validators import (
    USCC_CHARS,
    credit_code_check_char,
    parse_case_number,
    resident_id_check_char,
    validate_credit_code,
    validate_resident_id,
)

# Published examples: GB 11643's sample number and a real, published unified social credit code.
KNOWN_ID = "11010519491231002X"
KNOWN_USCC = "91350100M000100Y43"


def test_known_resident_id_is_valid():
    assert validate_resident_id(KNOWN_ID.lower()) == KNOWN_ID


def test_known_credit_code_is_valid():
    assert validate_credit_code(KNOWN_USCC) == KNOWN_USCC


@pytest.mark.parametrize(
    "value, code",
    [
        ("11010519491231002", "id_format"),  # 17 digits
        ("01010519491231002X", "id_format"),  # leading zero
        ("110105194912310021", "id_checksum"),
        ("110105194902300028", "id_birth_date"),  # 30 February
        ("110105299912310023", "id_birth_date"),  # born in the future
    ],
)
def test_bad_resident_ids_are_rejected_with_a_reason(value, code):
    with pytest.raises(ValidationError) as err:
        validate_resident_id(value)
    assert err.value.code == code
    assert err.value.messages[0]  # a clear Chinese message


@pytest.mark.parametrize(
    "value, code",
    [
        ("91350100M000100Y4", "uscc_format"),
        ("91350100M000100Y44", "uscc_checksum"),
        ("91350100M0001OOY43", "uscc_format"),
    ],
)
def test_bad_credit_codes_are_rejected_with_a_reason(value, code):
    with pytest.raises(ValidationError) as err:
        validate_credit_code(value)
    assert err.value.code == code


@given(
    division=st.sampled_from(["640105", "640424", "110105", "650102"]),
    born=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
    seq=st.integers(0, 999),
)
def test_any_id_with_its_checksum_validates_and_any_other_check_char_fails(division, born, seq):
    first17 = f"{division}{born:%Y%m%d}{seq:03d}"
    good = first17 + resident_id_check_char(first17)
    assert validate_resident_id(good) == good
    for wrong in set("0123456789X") - {good[-1]}:
        with pytest.raises(ValidationError):
            validate_resident_id(first17 + wrong)


@given(st.text(alphabet=USCC_CHARS, min_size=9, max_size=9), st.sampled_from(["640105", "640100", "110000"]))
def test_any_credit_code_with_its_checksum_validates(org, division):
    first17 = f"91{division}{org}"
    code = first17 + credit_code_check_char(first17)
    assert validate_credit_code(code) == code
    wrong = USCC_CHARS[(USCC_CHARS.index(code[-1]) + 1) % 31]
    with pytest.raises(ValidationError):
        validate_credit_code(first17 + wrong)


def test_case_number_is_parsed_into_its_parts(courts):
    n = parse_case_number("（2024）宁0105执123号")
    assert (n.year, n.court_code, n.type_code, n.sequence) == (2024, "宁0105", "执", 123)
    assert str(parse_case_number("(2023)宁01执恢7号")) == "（2023）宁01执恢7号"
    assert parse_case_number("（2022）宁执监3号").type_code == "执监"


@pytest.mark.parametrize(
    "value, code",
    [
        ("2024宁0105执123号", "case_number_format"),
        ("（2024）宁0105民初123号", "case_number_format"),
        ("（2024）宁0105执0号", "case_number_format"),
        ("（2024）宁0105执123", "case_number_format"),
        ("（1980）宁0105执1号", "case_number_year"),
        ("（2024）宁0199执1号", "case_number_court"),
        ("（2024）京0105执1号", "case_number_court"),
    ],
)
def test_malformed_case_numbers_are_rejected_with_a_reason(courts, value, code):
    with pytest.raises(ValidationError) as err:
        parse_case_number(value)
    assert err.value.code == code
