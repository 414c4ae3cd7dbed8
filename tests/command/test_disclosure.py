"""Public disclosure: a party sees their own case only; every wrong combination looks the same; rate-limited; audited.
(The attacks on it — scripted guessing, forged addresses, timing — are in tests/security/test_disclosure_abuse.py.)"""

import re
from decimal import Decimal

import pytest
from captcha.models import CaptchaStore
from django.test import Client

from cases.choices import PartyRole
from cases.services import record_payout, record_receipt
from execcenter.models import AuditLog

from .conftest import make_case

URL = "/command/disclosure/"


@pytest.fixture
def case(courts):
    case = make_case("宁0105")
    applicant = case.case_parties.get(role=PartyRole.APPLICANT).party
    record_receipt(case, Decimal("3000.00"))
    record_payout(case, Decimal("1200.00"), applicant)
    case.refresh_from_db()
    return case


@pytest.fixture(autouse=True)
def _no_time_floor(settings):
    settings.DISCLOSURE_MIN_SECONDS = 0  # the equal-time floor has its own test


def captcha(client):
    """The key the page hands out and the answer drawn in its image (read from the store, as a person reads it)."""
    key = re.search(r'name="captcha_key" value="(\w+)"', client.get(URL).content.decode()).group(1)
    return key, CaptchaStore.objects.get(hashkey=key).response


def ask(client, number, id_number, answer=None):
    key, expected = captcha(client)
    return client.post(
        URL,
        {
            "case_number": number,
            "id_number": id_number,
            "captcha_key": key,
            "challenge": expected if answer is None else answer,
        },
    )


def test_applicant_sees_progress_and_their_payouts_but_no_other_party(case):
    applicant = case.case_parties.get(role=PartyRole.APPLICANT).party
    respondent_link = case.case_parties.get(role=PartyRole.RESPONDENT)
    respondent = respondent_link.party
    body = ask(Client(), case.number, applicant.id_number).content.decode()
    assert case.number in body and "1200.00" in body and "3000.00" in body
    for secret in (
        respondent.name,
        respondent.id_number,
        respondent.id_number[-4:] + "<",
        respondent_link.address,
        applicant.id_number,
    ):
        assert secret not in body


def test_half_width_brackets_are_accepted(case):
    applicant = case.case_parties.get(role=PartyRole.APPLICANT).party
    number = case.number.replace("（", "(").replace("）", ")")
    assert case.number in ask(Client(), number, applicant.id_number.lower()).content.decode()


def test_every_wrong_combination_gets_the_identical_answer(case, courts):
    applicant = case.case_parties.get(role=PartyRole.APPLICANT).party
    other = make_case("宁0105").case_parties.get(role=PartyRole.APPLICANT).party
    attempts = [
        (case.number, other.id_number, None),  # existing case, someone else's valid ID
        (case.number, "640105199001011235", None),  # existing case, unknown ID
        ("（2024）宁0105执99999号", applicant.id_number, None),  # unknown case, real party's ID
        ("not a case number", "x", None),  # malformed
        (case.number, applicant.id_number, "999"),  # right pair, wrong challenge
    ]
    responses = [ask(Client(), *a) for a in attempts]
    assert {r.status_code for r in responses} == {200}
    assert len({r.content for r in responses}) == 1


def test_challenge_is_single_use(case):
    applicant = case.case_parties.get(role=PartyRole.APPLICANT).party
    client = Client()
    key, answer = captcha(client)
    data = {"case_number": case.number, "id_number": applicant.id_number, "captcha_key": key, "challenge": answer}
    assert case.number in client.post(URL, data).content.decode()
    assert case.number not in client.post(URL, data).content.decode()


def test_lookups_are_rate_limited_per_client_ip(case, settings):
    limit = settings.DISCLOSURE_LIMIT_PER_IP
    client = Client(REMOTE_ADDR="203.0.113.9")
    # Other case numbers and IDs each time: only the address's own limit is reached.
    codes = [ask(client, f"（2024）宁0105执{9000 + i}号", f"x{i}").status_code for i in range(limit + 1)]
    assert codes[:-1] == [200] * limit and codes[-1] == 429
    assert ask(Client(REMOTE_ADDR="203.0.113.10"), case.number, "x").status_code == 200


def test_every_lookup_is_audited_with_the_id_masked(case):
    applicant = case.case_parties.get(role=PartyRole.APPLICANT).party
    ask(Client(), case.number, applicant.id_number)
    ask(Client(), case.number, "640105199001011235")
    entries = list(AuditLog.objects.filter(action="disclosure.lookup").order_by("id"))
    assert [e.details["outcome"] for e in entries] == ["ok", "no_match"]
    assert entries[0].object_id == str(case.pk) and entries[1].object_id == ""
    assert all(applicant.id_number not in str(e.details) for e in entries)
    assert entries[0].details["id_number"] == applicant.id_number[:6] + "********" + applicant.id_number[-4:]
