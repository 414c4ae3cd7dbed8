"""The bank-side rules of the simulated freeze book."""

import datetime
from decimal import Decimal

import pytest

from querycontrol.connectors import PermanentConnectorError
from simulator import clock
from simulator.models import SimAccount, SimFreeze
from tests.simulator.conftest import CASE_A, CASE_B, find_holder, order

pytestmark = pytest.mark.django_db


def account_of(asset):
    return SimAccount.objects.get(asset_ref=asset.asset_ref)


def test_freeze_within_the_balance_freezes_the_requested_amount(bank, holder, connector):
    _, asset = holder
    result = connector.freeze(bank.code, asset.asset_ref, Decimal("1000.00"), term_days=365, **order())
    assert result.status == "done"
    assert result.effective_amount == Decimal("1000.00")
    assert result.expires_on == (clock.today() + datetime.timedelta(days=364)).isoformat()


def test_partial_freeze_takes_only_the_available_balance_and_reports_it(bank, holder, connector):
    _, asset = holder
    result = connector.freeze(bank.code, asset.asset_ref, asset.balance * 3, term_days=365, **order())
    assert result.status == "partial"
    assert result.requested_amount == asset.balance * 3
    assert result.effective_amount == asset.balance
    assert account_of(asset).available() == 0


def test_freezes_of_several_cases_never_exceed_the_balance(bank, holder, connector):
    _, asset = holder
    share = (asset.balance * Decimal("0.6")).quantize(Decimal("0.01"))
    first = connector.freeze(bank.code, asset.asset_ref, share, term_days=365, **order(CASE_A, "a"))
    second = connector.freeze(bank.code, asset.asset_ref, share, term_days=365, **order(CASE_B, "b"))
    assert first.effective_amount == share
    assert second.status == "partial"
    assert first.effective_amount + second.effective_amount == asset.balance
    assert account_of(asset).frozen_total() == asset.balance


def test_freeze_term_beyond_one_year_for_deposits_is_refused(bank, holder, connector):
    _, asset = holder
    with pytest.raises(PermanentConnectorError):
        connector.freeze(bank.code, asset.asset_ref, Decimal("10"), term_days=367, **order())
    assert not SimFreeze.objects.filter(is_external=False).exists()


def test_deduct_takes_only_funds_frozen_for_the_same_case(bank, holder, connector):
    _, asset = holder
    connector.freeze(bank.code, asset.asset_ref, Decimal("1000.00"), term_days=365, **order(CASE_A, "f"))
    other_case = connector.deduct(bank.code, asset.asset_ref, Decimal("500.00"), **order(CASE_B, "d-b"))
    assert other_case.status == "rejected" and other_case.effective_amount == 0
    too_much = connector.deduct(bank.code, asset.asset_ref, Decimal("1500.00"), **order(CASE_A, "d-a"))
    assert too_much.status == "partial"
    assert too_much.effective_amount == Decimal("1000.00")
    account = account_of(asset)
    assert account.balance == asset.balance - Decimal("1000.00")  # the money left the account
    assert account.frozen_total() == 0
    again = connector.deduct(bank.code, asset.asset_ref, Decimal("1.00"), **order(CASE_A, "d-a2"))
    assert again.status == "rejected"  # nothing frozen for the case any more


def test_deduct_without_any_freeze_is_rejected_and_moves_no_money(bank, holder, connector):
    _, asset = holder
    result = connector.deduct(bank.code, asset.asset_ref, Decimal("10.00"), **order())
    assert result.status == "rejected"
    assert account_of(asset).balance == asset.balance


def test_queued_freezes_take_effect_in_order_when_the_earlier_freeze_is_released(bank, holder, connector):
    _, asset = holder
    third_case = ("宁0106", "（2026）宁0106执303号")
    connector.freeze(bank.code, asset.asset_ref, asset.balance, term_days=365, **order(CASE_A, "a"))
    second = connector.freeze(bank.code, asset.asset_ref, Decimal("800.00"), term_days=180, **order(CASE_B, "b"))
    third = connector.freeze(bank.code, asset.asset_ref, asset.balance, term_days=365, **order(third_case, "c"))
    assert (second.status, second.queue_position, second.effective_amount) == ("queued", 1, 0)
    assert (third.status, third.queue_position) == ("queued", 2)

    released = connector.unfreeze(bank.code, asset.asset_ref, None, **order(CASE_A, "u"))
    assert released.effective_amount == asset.balance
    book = {f.case_number: f for f in SimFreeze.objects.all()}
    assert book[CASE_B[1]].status == "active" and book[CASE_B[1]].frozen_amount == Decimal("800.00")
    assert book[CASE_B[1]].expires_on == clock.today() + datetime.timedelta(days=179)  # term starts now
    assert book[third_case[1]].status == "active"
    assert book[third_case[1]].frozen_amount == asset.balance - Decimal("800.00")


def test_queued_freeze_takes_effect_when_the_earlier_one_lapses(bank, connector):
    party, specs = find_holder(bank, lambda s: len(s) == 1 and s[0].external is not None and s[0].balance > 2000)
    asset = connector.query(bank.code, party, request_ref="r")[0]
    ext = specs[0].external
    # Freeze more than is free: part is taken now, and the next order waits behind the other court.
    connector.freeze(bank.code, asset.asset_ref, asset.balance, term_days=365, **order(CASE_A, "a"))
    queued = connector.freeze(bank.code, asset.asset_ref, Decimal("100.00"), term_days=365, **order(CASE_B, "b"))
    assert queued.status == "queued"
    clock.advance(days=(ext.expires_on - clock.today()).days + 1)
    assets = connector.query(bank.code, party, request_ref="r2")
    freezes = {f["case_number"]: f for f in assets[0].details["freezes"]}
    assert ext.case_number not in freezes  # lapsed: no longer counts
    assert freezes[CASE_B[1]]["status"] == "active"
    assert freezes[CASE_B[1]]["frozen_amount"] == "100.00"


def test_renewal_before_expiry_extends_the_term(bank, holder, connector):
    _, asset = holder
    first = connector.freeze(bank.code, asset.asset_ref, Decimal("100"), term_days=365, **order(CASE_A, "f"))
    clock.advance(days=300)
    renewed = connector.renew(bank.code, asset.asset_ref, term_days=365, **order(CASE_A, "r"))
    assert renewed.status == "done"
    assert (
        renewed.expires_on == (datetime.date.fromisoformat(first.expires_on) + datetime.timedelta(days=365)).isoformat()
    )
    clock.advance(days=400)  # within the renewed term
    assert account_of(asset).freezes.get(case_number=CASE_A[1]).status == "active"


def test_renewal_after_expiry_is_rejected_and_the_lapsed_freeze_stops_counting(bank, holder, connector):
    _, asset = holder
    connector.freeze(bank.code, asset.asset_ref, asset.balance, term_days=30, **order(CASE_A, "f"))
    clock.advance(days=31)
    late = connector.renew(bank.code, asset.asset_ref, term_days=30, **order(CASE_A, "r"))
    assert late.status == "rejected"
    assert "lapsed" in late.message
    # The money it held is free again: another case can freeze it (balance may have moved meanwhile).
    other = connector.freeze(bank.code, asset.asset_ref, Decimal("1.00"), term_days=30, **order(CASE_B, "g"))
    assert other.status == "done"
    assert SimFreeze.objects.get(case_number=CASE_A[1]).status == "expired"


def test_renewal_longer_than_the_legal_term_is_rejected(bank, holder, connector):
    _, asset = holder
    connector.freeze(bank.code, asset.asset_ref, Decimal("100"), term_days=365, **order(CASE_A, "f"))
    result = connector.renew(bank.code, asset.asset_ref, term_days=800, **order(CASE_A, "r"))
    assert result.status == "rejected"


def test_partial_unfreeze_releases_only_that_amount(bank, holder, connector):
    _, asset = holder
    connector.freeze(bank.code, asset.asset_ref, Decimal("1000.00"), term_days=365, **order(CASE_A, "f"))
    result = connector.unfreeze(bank.code, asset.asset_ref, Decimal("400.00"), **order(CASE_A, "u"))
    assert result.effective_amount == Decimal("400.00")
    assert account_of(asset).frozen_total() == Decimal("600.00")


def test_registry_seals_assets_and_a_second_seal_waits_in_line(registry, connector):
    party, specs = find_holder(registry, lambda s: s[0].external is None)
    asset = connector.query(registry.code, party, request_ref="r")[0]
    first = connector.seal(registry.code, asset.asset_ref, term_days=1095, **order(CASE_A, "s1"))
    assert first.status == "done" and first.effective_amount == asset.balance
    second = connector.seal(registry.code, asset.asset_ref, term_days=1095, **order(CASE_B, "s2"))
    assert second.status == "queued" and second.queue_position == 1
    connector.unfreeze(registry.code, asset.asset_ref, None, **order(CASE_A, "u1"))
    assert SimFreeze.objects.get(case_number=CASE_B[1]).status == "active"


def test_registry_refuses_deductions_and_freezes(registry, connector):
    party, _ = find_holder(registry, lambda s: True)
    asset = connector.query(registry.code, party, request_ref="r")[0]
    with pytest.raises(PermanentConnectorError):
        connector.deduct(registry.code, asset.asset_ref, Decimal("10"), **order(CASE_A, "d"))
    with pytest.raises(PermanentConnectorError):
        connector.freeze(registry.code, asset.asset_ref, Decimal("10"), term_days=30, **order(CASE_A, "f"))


def test_order_on_an_unknown_account_is_refused(bank, connector):
    with pytest.raises(PermanentConnectorError):
        connector.freeze(bank.code, "6200000000000000000", Decimal("10"), term_days=30, **order())
