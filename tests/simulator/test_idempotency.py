"""An idempotency key seen before returns the first answer unchanged, and nothing happens twice."""
from decimal import Decimal

import pytest

from querycontrol.connectors import ConnectorTimeout, PermanentConnectorError
from simulator import faults
from simulator.models import SimAccount, SimFreeze, SimRequest
from tests.simulator.conftest import order

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
        assert connector.deduct(bank.code, asset.asset_ref, Decimal("300.00"), **order(key="d"), attempt=attempt) == first
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
        k for k in (f"order-{i}" for i in range(1000))
        if faults.plan(bank, k, 1).timeout and not faults.plan(bank, k, 2).timeout and not faults.plan(bank, k, 2).failure
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
