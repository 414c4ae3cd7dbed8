"""Holdings are a function of (respondent, institution): the same person always has the same accounts."""

import pytest

from simulator.generation import Profile, holdings
from simulator.models import SimAccount
from tests.simulator.conftest import find_holder, id_number

STATE = Profile(code="BANK-ICBC", kind="bank", category="state_bank")
VILLAGE_FAR = Profile(code="BANK-V4501021", kind="bank", category="village_bank", region_code="450102")


def test_holdings_are_identical_for_the_same_respondent_and_institution():
    import datetime

    day = datetime.date(2026, 1, 1)
    for seq in range(50):
        number = id_number(seq)
        assert holdings(number, STATE, day) == holdings(number, STATE, day)


def test_most_institutions_hold_nothing_and_big_banks_more_often_than_far_away_village_banks():
    import datetime

    day = datetime.date(2026, 1, 1)
    people = [id_number(seq) for seq in range(2000)]
    state_hits = sum(1 for p in people if holdings(p, STATE, day))
    village_hits = sum(1 for p in people if holdings(p, VILLAGE_FAR, day))
    assert 0.45 * 2000 < state_hits < 0.65 * 2000
    assert village_hits < 0.01 * 2000
    assert village_hits < state_hits


def test_local_banks_hold_accounts_of_local_people_more_often():
    import datetime

    day = datetime.date(2026, 1, 1)
    helan = Profile(code="BANK-V6401221", kind="bank", category="village_bank", region_code="640122")
    locals_ = sum(1 for s in range(1000) if holdings(id_number(s, "640122"), helan, day))
    strangers = sum(1 for s in range(1000) if holdings(id_number(s, "450102"), helan, day))
    assert locals_ > 10 * max(strangers, 1)


@pytest.mark.django_db
def test_query_answers_the_same_accounts_each_time_and_persists_them_once(bank, connector):
    party, specs = find_holder(bank, lambda s: len(s) >= 2)
    first = connector.query(bank.code, party, request_ref="r1")
    second = connector.query(bank.code, party, request_ref="r2")
    assert [a.asset_ref for a in first] == [a.asset_ref for a in second] == [s.asset_ref for s in specs]
    assert [a.balance for a in first] == [s.balance for s in specs]
    assert SimAccount.objects.filter(institution_code=bank.code, holder_id_number=party.id_number).count() == len(specs)


@pytest.mark.django_db
def test_a_respondent_without_holdings_gets_an_empty_answer_and_no_rows(bank, connector):
    party, _ = find_holder(bank, lambda s: True)  # someone with holdings exists ...
    nobody = next(
        id_number(s) for s in range(1000) if not holdings(id_number(s), STATE, __import__("datetime").date.today())
    )
    from querycontrol.connectors import Party

    assert connector.query(bank.code, Party("某某", nobody), request_ref="r") == []
    assert not SimAccount.objects.filter(holder_id_number=nobody).exists()


@pytest.mark.django_db
def test_some_accounts_start_with_another_courts_freeze(bank, connector):
    party, specs = find_holder(bank, lambda s: len(s) == 1 and s[0].external is not None)
    asset = connector.query(bank.code, party, request_ref="r")[0]
    ext = specs[0].external
    assert asset.frozen_by_others == ext.amount
    assert asset.details["freezes"][0]["court_code"] == ext.court_code
    assert asset.details["available"] == str(asset.balance - ext.amount)


@pytest.mark.django_db
def test_query_many_reports_an_unknown_institution_without_failing_the_batch(bank, connector):
    from querycontrol.connectors import PermanentConnectorError

    party, specs = find_holder(bank, lambda s: True)
    results = connector.query_many([bank.code, "BANK-NOPE"], party, request_ref="r")
    assert [a.asset_ref for a in results[bank.code]] == [s.asset_ref for s in specs]
    assert isinstance(results["BANK-NOPE"], PermanentConnectorError)
