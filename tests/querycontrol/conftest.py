"""Fixtures of the query-and-control tests: a small set of institutions, a case whose respondent holds
money at them (found through the simulator's own deterministic generation, used here in tests only),
and helpers that run a fan-out and send orders in-process (the worker tests run them for real)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.choices import PartyRole
from cases.models import CaseParty
from execcenter.choices import Role
from querycontrol.models import FoundAsset, Institution, QueryChunk
from querycontrol.ratelimit import get_rate_limiter
from querycontrol.services import queries as query_services
from querycontrol.services import sending
from simulator import clock
from simulator.generation import Profile, holdings
from tests.factories import CaseFactory, OfficerFactory, PartyFactory, UserFactory, make_resident_id

BANKS = [
    ("BANK-ICBC", "中国工商银行", "state_bank"),
    ("BANK-ABC", "中国农业银行", "state_bank"),
    ("BANK-BOC", "中国银行", "state_bank"),
    ("BANK-CCB", "中国建设银行", "state_bank"),
    ("BANK-BOCOM", "交通银行", "state_bank"),
    ("BANK-PSBC", "中国邮政储蓄银行", "state_bank"),
    ("BANK-CMB", "招商银行", "joint_stock_bank"),
    ("BANK-CIB", "兴业银行", "joint_stock_bank"),
]
REGISTRIES = [
    ("RE-6401", "银川市不动产登记中心", "real_estate", "local_registry", "640100"),
    ("VEH-64", "宁夏公安厅交通管理局", "vehicle", "local_registry", "640000"),
    ("PAY-ALIPAY", "支付宝（中国）网络技术有限公司", "payment", "company", ""),
]


def make_institutions():
    out = [
        Institution.objects.create(code=c, name=n, kind="bank", category=cat, rate_per_second=1000, max_in_flight=50)
        for c, n, cat in BANKS
    ]
    out += [
        Institution.objects.create(
            code=c, name=n, kind=k, category=cat, region_code=r, rate_per_second=1000, max_in_flight=50
        )
        for c, n, k, cat, r in REGISTRIES
    ]
    get_rate_limiter().reset([i.code for i in out])
    return out


@pytest.fixture(autouse=True)
def _simulator_clock():
    clock.reset()
    yield
    clock.reset()


@pytest.fixture
def institutions(db):
    return make_institutions()


def rich_id_number(codes=("BANK-ICBC",), start=0):
    """A resident ID whose holder has money (> 50,000, nobody else's freeze) at every bank in `codes`."""
    for n in range(start, start + 20000):
        id_number = make_resident_id(n, division="640105", born=dt.date(1975, 5, 5))
        ok = True
        for code in codes:
            specs = holdings(id_number, Profile(code=code, kind="bank", category="state_bank"), dt.date.today())
            if not any(s.is_cash and s.balance > 50000 and s.external is None for s in specs):
                ok = False
                break
        if ok:
            return id_number
    raise AssertionError("no suitable respondent in range")


def make_case(court_code="宁0105", *, claim=Decimal("100000.00"), id_number=None, courts=None):
    from execcenter.models import Court

    case = CaseFactory(
        court=Court.objects.get(code=court_code), claim_amount=claim, outstanding_amount=claim, parties=False
    )
    CaseParty.objects.create(case=case, party=PartyFactory(), role=PartyRole.APPLICANT)
    respondent = PartyFactory(id_number=id_number or rich_id_number(), name="王富贵")
    CaseParty.objects.create(case=case, party=respondent, role=PartyRole.RESPONDENT)
    case.respondent = respondent
    return case


@pytest.fixture
def case(courts, institutions):
    """西夏区法院's case against 王富贵, who holds more than 50,000 yuan at 工商银行; claim 100,000."""
    return make_case()


@pytest.fixture
def approver_judge_xixia(courts):
    """An approver of 西夏区法院 who also files orders (to test that nobody approves their own)."""
    from execcenter.models import Court

    return OfficerFactory(
        user=UserFactory(username="approver_judge_xixia"),
        court=Court.objects.get(code="宁0105"),
        roles=[Role.JUDGE.value, Role.APPROVER.value],
        name="吴双",
    )


@pytest.fixture
def approver_yinchuan(courts):
    from execcenter.models import Court

    return OfficerFactory(
        user=UserFactory(username="approver_yinchuan"),
        court=Court.objects.get(code="宁01"),
        roles=[Role.APPROVER.value],
        name="孙立",
    )


def run_fanout(qr, *, attempts=1):
    """Run every chunk of `qr` in-process, as the worker would (attempt 1 .. attempts, last one final)."""
    for attempt in range(1, attempts + 1):
        for chunk_id in QueryChunk.objects.filter(request=qr, status="pending").values_list("pk", flat=True):
            query_services.process_chunk(chunk_id, attempt=attempt, final_attempt=attempt == attempts)
    qr.refresh_from_db()
    return qr


def query_case(case, judge, django_capture_on_commit_callbacks, **kw):
    with django_capture_on_commit_callbacks():
        qr, _created = query_services.submit_query(judge.user, case, purpose="财产调查", **kw)
    return run_fanout(qr)


def deposit(case, code="BANK-ICBC"):
    """The respondent's biggest deposit account at `code`, as the query found it."""
    return (
        FoundAsset.objects.filter(case=case, institution__code=code, kind="deposit")
        .order_by("frozen_by_others", "-balance")
        .first()
    )


def send_now(order):
    """Send an approved order in-process (the worker tests send through Celery)."""
    sending.send(order.pk)
    order.refresh_from_db()
    return order


@pytest.fixture(autouse=True)
def _queries_in_this_thread(settings):
    # In-process tests run inside a transaction that pool threads (own connections) cannot see; the
    # worker tests use the real thread pool.
    settings.QUERYCONTROL_QUERY_THREADS = 1
    # Debtors move money once per period; a period boundary inside a test would change balances under it.
    settings.SIMULATOR_BALANCE_MOVE_SECONDS = 10**9


def propertied_id_number(start=0):
    """A resident ID whose holder has registered real estate at 银川市不动产登记中心 and > 50,000 at 工商银行."""
    registry = Profile(code="RE-6401", kind="real_estate", category="local_registry", region_code="640100")
    for n in range(start, start + 20000):
        id_number = make_resident_id(n, division="640105", born=dt.date(1971, 7, 7))
        flats = holdings(id_number, registry, dt.date.today())
        cash = holdings(id_number, Profile(code="BANK-ICBC", kind="bank", category="state_bank"), dt.date.today())
        if (
            flats
            and all(s.external is None for s in flats)
            and any(s.is_cash and s.balance > 50000 and s.external is None for s in cash)
        ):
            return id_number
    raise AssertionError("no suitable respondent in range")


def holding_seal(case, *, value=Decimal("600000.00")):
    """A seal in force on a flat of `case`'s respondent, written as rows (for tests of what follows a seal, e.g. the
    auction API; the seal's own filing, approval and sending are tested in test_orders)."""
    from cases.models import CaseParty
    from querycontrol.models import ControlOrder, QueryRequest

    inst = Institution.objects.get_or_create(
        code="RE-6401",
        defaults=dict(name="银川市不动产登记中心", kind="real_estate", category="local_registry", region_code="640100"),
    )[0]
    respondent = CaseParty.objects.filter(case=case, role=PartyRole.RESPONDENT).first().party
    qr = QueryRequest.objects.create(
        case=case, court=case.court, purpose="财产调查", requested_by_label="test", status="complete"
    )
    asset = FoundAsset.objects.create(
        request=qr,
        case=case,
        court=case.court,
        respondent=respondent,
        institution=inst,
        kind="real_estate",
        asset_ref=f"宁(2020)银川市不动产权第{case.pk:07d}号",
        balance=value,
        found_at=timezone.now(),
    )
    return ControlOrder.objects.create(
        case=case,
        court=case.court,
        kind="seal",
        status="done",
        outcome="sealed",
        asset=asset,
        institution=inst,
        respondent=respondent,
        requested_amount=value,
        effective_amount=value,
        held_amount=value,
        term_days=1095,
        expires_on=timezone.localdate() + dt.timedelta(days=1095),
        filed_by_label="test",
    )
