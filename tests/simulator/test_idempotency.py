"""An idempotency key seen before returns the first answer unchanged, and nothing happens twice."""

from decimal import Decimal

import pytest

from querycontrol.connectors import ConnectorTimeout, PermanentConnectorError
from simulator import faults
from simulator.models import SimAccount, SimFreeze, SimRequest
from tests.simulator.conftest import CASE_A, order

pytestmark = pytest.mark.django_db


def test_repeated_freeze_with_the_same_key_returns_the_first_answer_and_freezes_once(bank, holder, connector):
    _, asset = holder
    first = connector.freeze(bank.code, asset.asset_ref, Decimal("700.00"), term_days=365, **order(key="k"))
    again = connector.freeze(bank.code, asset.asset_ref, Decimal("700.00"), term_days=365, **order(key="k"), attempt=2)
    assert again == first
    assert SimFreeze.objects.filter(is_external=False).count() == 1
    assert SimAccount.objects.get(asset_ref=asset.asset_ref).frozen_total() == Decimal("700.00")


def test_repeated_deduction_with_the_same_key_moves_money_once(bank, holder, connector):
    _, asset = holder
    connector.freeze(bank.code, asset.asset_ref, Decimal("700.00"), term_days=365, **order(key="f"))
    first = connector.deduct(bank.code, asset.asset_ref, Decimal("300.00"), **order(key="d"))
    for attempt in (2, 3):
        assert (
            connector.deduct(bank.code, asset.asset_ref, Decimal("300.00"), **order(key="d"), attempt=attempt) == first
        )
    account = SimAccount.objects.get(asset_ref=asset.asset_ref)
    assert account.balance == asset.balance - Decimal("300.00")
    assert account.frozen_total() == Decimal("400.00")


def test_the_first_answer_stands_even_after_the_account_changed(bank, holder, connector):
    _, asset = holder
    first = connector.freeze(bank.code, asset.asset_ref, asset.balance, term_days=365, **order(key="k"))
    connector.unfreeze(bank.code, asset.asset_ref, None, **order(key="u"))
    assert connector.freeze(bank.code, asset.asset_ref, asset.balance, term_days=365, **order(key="k")) == first
    assert SimAccount.objects.get(asset_ref=asset.asset_ref).frozen_total() == 0


def test_the_same_key_for_a_different_request_is_refused(bank, holder, connector):
    _, asset = holder
    connector.freeze(bank.code, asset.asset_ref, Decimal("100.00"), term_days=365, **order(key="k"))
    with pytest.raises(PermanentConnectorError):
        connector.freeze(bank.code, asset.asset_ref, Decimal("200.00"), term_days=365, **order(key="k"))
    assert SimAccount.objects.get(asset_ref=asset.asset_ref).frozen_total() == Decimal("100.00")


def test_a_timeout_after_acting_is_answered_from_the_stored_result_on_retry(bank, holder, connector, settings):
    """The dangerous case: the bank froze, the answer was lost. The retry must not freeze again."""
    _, asset = holder
    settings.SIMULATOR_LATENCY = "failures"
    bank.timeout_rate = 0.5
    bank.save()
    key = next(
        k
        for k in (f"order-{i}" for i in range(1000))
        if faults.plan(bank, k, 1).timeout
        and not faults.plan(bank, k, 2).timeout
        and not faults.plan(bank, k, 2).failure
    )
    with pytest.raises(ConnectorTimeout):
        connector.freeze(bank.code, asset.asset_ref, Decimal("250.00"), term_days=365, **order(key=key))
    assert SimAccount.objects.get(asset_ref=asset.asset_ref).frozen_total() == Decimal("250.00")  # it did act
    retry = connector.freeze(bank.code, asset.asset_ref, Decimal("250.00"), term_days=365, **order(key=key), attempt=2)
    assert retry.status == "done" and retry.effective_amount == Decimal("250.00")
    assert SimAccount.objects.get(asset_ref=asset.asset_ref).frozen_total() == Decimal("250.00")
    assert SimRequest.objects.filter(key=key).count() == 1


def test_keys_are_per_institution(bank, holder, connector, village_bank):
    _, asset = holder
    connector.freeze(bank.code, asset.asset_ref, Decimal("100.00"), term_days=365, **order(key="shared"))
    # The same key at another institution is another request (and here: an unknown account there).
    with pytest.raises(PermanentConnectorError):
        connector.freeze(village_bank.code, asset.asset_ref, Decimal("100.00"), term_days=365, **order(key="shared"))


@pytest.mark.django_db(transaction=True)
def test_concurrent_orders_neither_double_a_key_nor_overdraw_the_account(bank, connector):
    """Workers racing on one account: the account lock serialises them (PostgreSQL row lock,
    SQLite's single writer), so one key acts once and all freezes together stay within the balance."""
    import threading

    from django.db import connections

    from tests.simulator.conftest import CASE_B, clean_deposit, find_holder

    party, _ = find_holder(bank, clean_deposit(5000))
    asset = connector.query(bank.code, party, request_ref="r")[0]
    share = (asset.balance * Decimal("0.3")).quantize(Decimal("0.01"))
    same_key, own_keys, errors = [], [], []

    def worker(i):
        try:
            same_key.append(connector.freeze(bank.code, asset.asset_ref, share, term_days=365, **order(key="same")))
            court, case = CASE_B
            own_keys.append(
                connector.freeze(
                    bank.code,
                    asset.asset_ref,
                    share,
                    term_days=365,
                    court_code=court,
                    case_number=f"{case}-{i}",
                    idempotency_key=f"k{i}",
                )
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert SimFreeze.objects.filter(case_number=CASE_A[1]).count() == 1
    assert len(same_key) == 6 and all(a == same_key[0] for a in same_key)
    account = SimAccount.objects.get(asset_ref=asset.asset_ref)
    assert account.frozen_total() == asset.balance  # 7 freezes of 30% each: capped at the balance
    effective = same_key[0].effective_amount + sum(a.effective_amount for a in own_keys)
    assert effective == asset.balance
    assert sorted(a.status for a in own_keys).count("queued") >= 2
