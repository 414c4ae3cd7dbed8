"""Debtors move money between looks; institutions are slow, busy or silent as their profile says."""

import time
from decimal import Decimal

import pytest

from querycontrol.connectors import ConnectorTimeout, TransientConnectorError
from simulator import clock, faults
from simulator.models import SimAccount
from tests.simulator.conftest import clean_deposit, find_holder, order

pytestmark = pytest.mark.django_db


def test_balances_move_when_time_has_passed_since_the_last_look(bank, connector, settings):
    settings.SIMULATOR_BALANCE_MOVE_SECONDS = 3600
    moved = 0
    for seq in range(12):
        party, _ = find_holder(bank, lambda s, seq=seq: clean_deposit(1000)(s) and s[0].balance > seq)
        before = connector.query(bank.code, party, request_ref="a")[0].balance
        assert connector.query(bank.code, party, request_ref="b")[0].balance == before  # no time passed
        clock.advance(hours=2)
        after = connector.query(bank.code, party, request_ref="c")[0].balance
        moved += after != before
        clock.reset()
        SimAccount.objects.all().delete()
    assert moved >= 6


def test_frozen_money_never_leaves_the_account(bank, holder, connector, settings):
    settings.SIMULATOR_BALANCE_MOVE_SECONDS = 3600
    _, asset = holder
    connector.freeze(bank.code, asset.asset_ref, Decimal("1000.00"), term_days=365, **order())
    for _ in range(30):
        clock.advance(hours=2)
        seen = connector.query(bank.code, holder[0], request_ref="r")[0]
        assert seen.balance >= Decimal("1000.00")
        assert seen.frozen_by_others == Decimal("1000.00")


def test_the_same_movements_happen_on_a_rerun(bank, connector, settings):
    settings.SIMULATOR_BALANCE_MOVE_SECONDS = 3600
    party, _ = find_holder(bank, clean_deposit(1000))

    def history():
        balances = []
        for _ in range(5):
            clock.advance(hours=2)
            balances.append(connector.query(bank.code, party, request_ref="r")[0].balance)
        clock.reset()
        SimAccount.objects.all().delete()
        return balances

    assert history() == history()


def test_a_freeze_after_the_debtor_withdrew_is_partial(bank, connector, settings):
    """Query shows a balance; by the time the freeze arrives the debtor has moved money."""
    settings.SIMULATOR_BALANCE_MOVE_SECONDS = 3600
    for seq in range(200):
        party, _ = find_holder(
            bank, lambda s, seq=seq: clean_deposit(1000)(s) and int(s[0].asset_ref[-4:]) % 200 == seq
        )
        shown = connector.query(bank.code, party, request_ref="q")[0]
        clock.advance(hours=2)
        result = connector.freeze(bank.code, shown.asset_ref, shown.balance, term_days=365, **order(key=f"k{seq}"))
        account = SimAccount.objects.get(asset_ref=shown.asset_ref)
        assert result.effective_amount <= account.balance
        if account.balance < shown.balance:
            assert result.status == "partial" and result.effective_amount == account.balance
            return
        clock.reset()
    pytest.fail("no debtor ever withdrew money")


def test_failure_injection_follows_the_profile_and_is_deterministic(bank, holder, connector, settings):
    settings.SIMULATOR_LATENCY = "failures"
    bank.failure_rate, bank.timeout_rate = 0.3, 0.1
    bank.save()
    party, _ = holder
    outcomes = []
    for i in range(300):
        try:
            connector.query(bank.code, party, request_ref=f"r{i}")
            outcomes.append("ok")
        except ConnectorTimeout:
            outcomes.append("timeout")
        except TransientConnectorError:
            outcomes.append("failure")
    assert 40 < outcomes.count("failure") < 130
    assert 10 < outcomes.count("timeout") < 60
    # Same reference and attempt: same outcome; the plan is what the connector saw.
    for i in range(50):
        plan = faults.plan(bank, f"r{i}", 1)
        expected = "timeout" if plan.timeout else "failure" if plan.failure else "ok"
        assert outcomes[i] == expected


def test_zero_latency_mode_never_fails(bank, holder, connector):
    bank.failure_rate = bank.timeout_rate = 1.0
    bank.save()
    assert connector.query(bank.code, holder[0], request_ref="r")


def test_realistic_mode_sleeps_within_the_latency_profile(bank, holder, connector, settings):
    settings.SIMULATOR_LATENCY = "realistic"
    started = time.monotonic()
    connector.query(bank.code, holder[0], request_ref="r")
    elapsed = time.monotonic() - started
    assert bank.latency_min_ms / 1000 <= elapsed < 1.0


def test_batch_takes_as_long_as_its_slowest_member_not_the_sum(bank, holder, connector, settings, village_bank):
    settings.SIMULATOR_LATENCY = "realistic"
    started = time.monotonic()
    connector.query_many([bank.code, village_bank.code], holder[0], request_ref="r")
    elapsed = time.monotonic() - started
    slowest = max(faults.plan(i, "r", 1).latency_s for i in (bank, village_bank))
    assert slowest <= elapsed < slowest + 0.5
