"""Fixtures of the simulator tests: a few institutions (not the whole catalogue), respondents chosen
for what they hold, and the simulator's clock put back after each test."""

import itertools

import pytest

from querycontrol.choices import InstitutionCategory, InstitutionKind
from querycontrol.connectors import Party
from querycontrol.connectors.simulator import SimulatorConnector
from querycontrol.models import Institution
from simulator import clock
from simulator.generation import Profile, holdings
from simulator.models import SimInstitution

CASE_A = ("宁0105", "（2026）宁0105执101号")
CASE_B = ("宁0104", "（2026）宁0104执202号")


def id_number(seq: int, region: str = "640105") -> str:
    """A valid resident ID number (GB 11643 check character)."""
    body = f"{region}1985{1 + seq % 12:02d}{1 + seq % 28:02d}{seq % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]
    return body + check


def _profile(inst):
    return Profile(code=inst.code, kind=inst.kind, category=inst.category, region_code=inst.region_code)


def find_holder(inst, predicate, *, region="640105"):
    """The first generated respondent whose holdings at `inst` satisfy `predicate`."""
    for seq in itertools.count():
        number = id_number(seq, region)
        specs = holdings(number, _profile(inst), clock.today())
        if specs and predicate(specs):
            return Party(name=f"被执行人{seq}", id_number=number), specs
        assert seq < 50_000, "no such respondent"


def clean_deposit(min_balance=1000):
    """One account, no other court's freeze on it, at least `min_balance` in it."""
    return lambda specs: len(specs) == 1 and specs[0].external is None and specs[0].balance >= min_balance


@pytest.fixture(autouse=True)
def _reset_clock(settings):
    # Debtors keep still unless a test is about money moving; every draw is deterministic anyway.
    settings.SIMULATOR_BALANCE_MOVE_SECONDS = 0
    settings.SIMULATOR_LATENCY = "zero"
    clock.reset()
    yield
    clock.reset()


@pytest.fixture
def connector():
    return SimulatorConnector()


def played(**fields):
    """The simulator's own record of an institution the product has just saved (the product tells the
    simulator through the connector side on save; the simulator tests then tune its behaviour)."""
    Institution.objects.create(**fields)
    return SimInstitution.objects.get(code=fields["code"])


@pytest.fixture
def bank(db):
    inst = played(
        code="BANK-ICBC", name="中国工商银行", kind=InstitutionKind.BANK, category=InstitutionCategory.STATE_BANK
    )
    inst.latency_min_ms, inst.latency_max_ms = 20, 40
    inst.save()
    return inst


@pytest.fixture
def village_bank(db):
    return played(
        code="BANK-V6401221",
        name="宁夏贺兰回商村镇银行",
        kind=InstitutionKind.BANK,
        category=InstitutionCategory.VILLAGE_BANK,
        region_code="640122",
    )


@pytest.fixture
def registry(db):
    return played(
        code="RE-640100",
        name="银川市不动产登记中心",
        kind=InstitutionKind.REAL_ESTATE,
        category=InstitutionCategory.LOCAL_REGISTRY,
        region_code="640100",
    )


@pytest.fixture
def holder(bank, connector):
    """A respondent with one clean deposit account at the bank, already found by a query."""
    party, specs = find_holder(bank, clean_deposit(5000))
    assets = connector.query(bank.code, party, request_ref="q-holder")
    assert [a.asset_ref for a in assets] == [specs[0].asset_ref]
    return party, assets[0]


def order(case=CASE_A, key="key-1", **extra):
    court_code, case_number = case
    return dict(court_code=court_code, case_number=case_number, idempotency_key=key, **extra)
