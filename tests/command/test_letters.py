"""Assistance letters to linkage units and townships: send, answer (partner key or form), overdue alerts, counts."""

import datetime as dt

import pytest
from django.utils import timezone

from command import services
from command.choices import AnswerChannel
from command.models import AssistanceLetter
from execcenter.choices import PartnerAction, PartnerKind
from execcenter.exceptions import InvalidTransition, PermissionDenied, RuleViolation
from execcenter.models import Alert
from execcenter.org import create_demo_partner

from .conftest import make_case

TODAY = timezone.localdate


@pytest.fixture
def units(courts):
    police_key, raw = create_demo_partner(
        "公安厅联动", PartnerKind.LINKAGE, "宁", [PartnerAction.READ, PartnerAction.ANSWER]
    )
    police_key.raw_key = raw
    police = services.register_unit(name="宁夏公安厅", kind="public_security", court=courts["宁"], partner=police_key)
    town = services.register_unit(name="镇北堡镇", kind="township", court=courts["宁0105"])
    far = services.register_unit(name="泾源县住建局", kind="housing", court=courts["宁0424"])
    return {"police": police, "town": town, "far": far, "police_key": police_key}


def send(actor, case, unit, days=10):
    return services.send_letter(
        actor,
        case,
        unit,
        subject="查询户籍及车辆",
        request_text="请协助查询被执行人户籍",
        due_on=TODAY() + dt.timedelta(days=days),
    )


def test_letter_from_case_is_numbered_and_answered_by_the_units_key(units, judge_xixia):
    case = make_case("宁0105")
    letter = send(judge_xixia.user, case, units["police"])
    second = send(judge_xixia.user, case, units["town"])
    year = TODAY().year
    assert letter.number == f"（{year}）宁0105执协查1号" and second.number == f"（{year}）宁0105执协查2号"
    services.answer_letter(
        units["police_key"],
        letter,
        answer_text="户籍在西夏区，名下无车辆",
        answered_by="张警官",
        channel=AnswerChannel.PARTNER_API,
    )
    letter.refresh_from_db()
    assert letter.status == "answered" and letter.answered_via == "partner_api"
    with pytest.raises(InvalidTransition):
        services.answer_letter(
            units["police_key"], letter, answer_text="again", answered_by="x", channel=AnswerChannel.PARTNER_API
        )
    services.close_letter(judge_xixia.user, letter, "已核实")
    assert AssistanceLetter.objects.get(pk=letter.pk).status == "closed"


def test_a_linkage_key_cannot_answer_another_units_letter(units, judge_xixia):
    letter = send(judge_xixia.user, make_case("宁0105"), units["town"])
    with pytest.raises(PermissionDenied):
        services.answer_letter(
            units["police_key"], letter, answer_text="x", answered_by="x", channel=AnswerChannel.PARTNER_API
        )


def test_unit_not_registered_for_the_case_court_is_refused(units, judge_xixia):
    with pytest.raises(RuleViolation):
        send(judge_xixia.user, make_case("宁0105"), units["far"])


def test_judge_cannot_send_from_a_case_outside_scope(units, judge_jingyuan):
    with pytest.raises(Exception) as exc:
        send(judge_jingyuan.user, make_case("宁0105"), units["police"])
    assert exc.value.status == 404


def test_form_token_finds_its_letter_and_forged_token_finds_none(units, judge_xixia):
    letter = send(judge_xixia.user, make_case("宁0105"), units["town"])
    token = services.answer_token(letter)
    assert services.letter_from_token(token) == letter
    assert services.letter_from_token(token[:-2] + "xx") is None


def test_overdue_letters_raise_one_alert_each_and_answer_resolves_it(units, judge_xixia):
    letter = send(judge_xixia.user, make_case("宁0105"), units["town"], days=3)
    later = TODAY() + dt.timedelta(days=5)
    assert services.raise_overdue_letter_alerts(later) == 1
    assert services.raise_overdue_letter_alerts(later) == 0
    alert = Alert.objects.get(kind="letter_overdue")
    assert alert.court.code == "宁0105"
    services.answer_letter(None, letter, answer_text="已查", answered_by="镇司法所", channel=AnswerChannel.FORM)
    alert.refresh_from_db()
    assert alert.status == "resolved"


def test_counts_per_unit_and_townships_apart(units, judge_xixia, courts):
    case = make_case("宁0105")
    a, b, c = (send(judge_xixia.user, case, units["police"]) for _ in range(3))
    t = send(judge_xixia.user, case, units["town"], days=1)
    services.answer_letter(units["police_key"], a, answer_text="ok", answered_by="x", channel=AnswerChannel.PARTNER_API)
    services.answer_letter(units["police_key"], b, answer_text="ok", answered_by="x", channel=AnswerChannel.PARTNER_API)
    services.close_letter(judge_xixia.user, a)
    services.withdraw_letter(judge_xixia.user, c)
    later = TODAY() + dt.timedelta(days=2)
    rows = services.unit_counts(courts["宁01"], townships=False, today=later)
    assert [(r["name"], r["pushed"], r["answered"], r["closed"], r["pending"], r["overdue"]) for r in rows] == [
        ("宁夏公安厅", 2, 2, 1, 0, 0)
    ]
    towns = services.unit_counts(courts["宁01"], townships=True, today=later)
    assert [(r["name"], r["pushed"], r["pending"], r["overdue"]) for r in towns] == [("镇北堡镇", 1, 1, 1)]
    assert services.unit_counts(courts["宁0424"]) == []
    assert t.unit.is_township
