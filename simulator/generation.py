"""Deterministic holdings: what a person or company holds at one institution, derived from a hash of
(ID number, institution code). The same respondent always has the same accounts, most institutions
hold nothing for a given person, big and local banks are likelier, and a fraction of accounts start
with another court's freeze. Nothing here touches the database.
"""

import datetime
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

CENT = Decimal("0.01")

# Kinds whose assets are frozen and deducted by amount (money); the rest are sealed as a whole.
CASH_KINDS = {"bank", "securities", "provident_fund", "payment", "insurance"}
# Institution kind -> asset kind reported in FoundAsset.asset_kind.
ASSET_KIND = {
    "bank": "deposit",
    "securities": "securities",
    "provident_fund": "provident_fund",
    "payment": "payment",
    "insurance": "insurance",
    "real_estate": "real_estate",
    "vehicle": "vehicle",
    "ship": "ship",
    "equity": "equity",
}
OTHER_COURTS = ["京0105", "沪0115", "粤0304", "陕0113", "甘0102", "蒙0105", "宁0104", "宁0202", "宁0302", "新0102"]
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
NINGXIA_PLATES = {"6401": "宁A", "6402": "宁B", "6403": "宁C", "6404": "宁D", "6405": "宁E"}
CITY_NAMES = {"6401": "银川市", "6402": "石嘴山市", "6403": "吴忠市", "6404": "固原市", "6405": "中卫市"}
LARGE_PAYMENT = {"PAY-ALIPAY", "PAY-TENPAY"}


def unit(*parts) -> float:
    """A number in [0, 1) fixed by `parts` (the simulator's only source of 'randomness')."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def digits(n: int, *parts) -> str:
    return str(int(hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest(), 16))[-n:].zfill(n)


def money(low: float, high: float, u: float) -> Decimal:
    """Log-uniform amount between low and high yuan: many small balances, a few large ones."""
    value = low * (high / low) ** u
    return Decimal(str(value)).quantize(CENT)


def region_of(id_number: str) -> str:
    """Division code a holder belongs to: resident ID digits 1-6, credit code characters 3-8."""
    if len(id_number) == 18 and id_number[:17].isdigit():
        return id_number[:6]
    return id_number[2:8] if len(id_number) == 18 else ""


@dataclass
class Profile:
    """What generation needs to know about an institution (read from the simulator's SimInstitution)."""

    code: str
    kind: str
    category: str = ""
    region_code: str = ""


@dataclass
class ExternalFreeze:
    court_code: str
    case_number: str
    amount: Decimal
    starts_on: datetime.date
    expires_on: datetime.date
    term_days: int


@dataclass
class AccountSpec:
    asset_ref: str
    asset_kind: str
    description: str
    balance: Decimal
    is_cash: bool
    details: dict = field(default_factory=dict)
    external: ExternalFreeze | None = None


def hit_probability(inst: Profile, holder_region: str) -> float:
    same_city = bool(inst.region_code) and holder_region[:4] == inst.region_code[:4]
    same_province = bool(inst.region_code) and holder_region[:2] == inst.region_code[:2]
    if inst.kind == "bank":
        return {
            "state_bank": 0.55,
            "joint_stock_bank": 0.15,
            "private_bank": 0.04,
            "policy_bank": 0.002,
            "foreign_bank": 0.004,
        }.get(inst.category) or (0.25 if same_city else 0.04 if same_province else 0.0004)
    if inst.kind in ("real_estate", "provident_fund"):
        return 0.45 if same_city else 0.04 if same_province else 0.005
    if inst.kind == "payment":
        return 0.7 if inst.code in LARGE_PAYMENT else 0.06
    return {"vehicle": 0.35, "securities": 0.15, "insurance": 0.05, "ship": 0.01, "equity": 0.06}.get(inst.kind, 0.02)


def holdings(id_number: str, inst: Profile, created: datetime.date) -> list[AccountSpec]:
    """The accounts / assets `id_number` holds at `inst` (usually none). Pure and deterministic;
    `created` only dates pre-existing freezes of other courts relative to the first look."""
    seed = (id_number, inst.code)
    region = region_of(id_number)
    if unit(*seed, "hit") >= hit_probability(inst, region):
        return []
    u = unit(*seed, "count")
    count = 1 if u < 0.72 else 2 if u < 0.93 else 3
    if inst.kind not in ("bank", "real_estate", "vehicle"):
        count = 1
    return [_account(id_number, inst, region, i, created) for i in range(count)]


def _account(id_number, inst, region, i, created) -> AccountSpec:
    seed = (id_number, inst.code, i)
    u = unit(*seed, "value")
    kind = inst.kind
    city = CITY_NAMES.get((inst.region_code or region)[:4], "")
    details = {}
    if kind == "bank":
        ref = "62" + digits(17, *seed, "ref")
        # One account in six is practically empty: the classic 'found but nothing to take'.
        balance = money(0.5, 200, u) if unit(*seed, "empty") < 0.17 else money(200, 2_000_000, u)
        desc = ("活期储蓄账户", "定期存款账户", "个人结算账户")[i % 3]
    elif kind == "payment":
        ref = digits(16, *seed, "ref")
        balance = money(1, 80_000, u)
        desc = "网络支付账户余额"
    elif kind == "provident_fund":
        ref = "GJJ" + digits(12, *seed, "ref")
        balance = money(3_000, 180_000, u)
        desc = "住房公积金个人账户"
    elif kind == "securities":
        ref = "A" + digits(9, *seed, "ref")
        balance = money(1_000, 3_000_000, u)
        desc = "证券账户（持仓市值及交易结算资金）"
    elif kind == "insurance":
        ref = "P" + digits(15, *seed, "ref")
        balance = money(2_000, 300_000, u)
        desc = "人身保险保单现金价值"
    elif kind == "real_estate":
        year = 2008 + int(unit(*seed, "year") * 16)
        ref = f"{city or '宁'}不动产权第{digits(7, *seed, 'ref')}号({year})"
        balance = money(150_000, 3_500_000, u)
        building, unit_no, room = 1 + int(unit(*seed, "b") * 30), 1 + int(unit(*seed, "u") * 4), digits(3, *seed, "r")
        desc = f"{city}住宅 {building}号楼{unit_no}单元{room}室"
        details = {"area_m2": str(Decimal(str(60 + unit(*seed, "area") * 120)).quantize(CENT))}
    elif kind == "vehicle":
        prefix = NINGXIA_PLATES.get(region[:4], "宁" + PLATE_LETTERS[int(unit(*seed, "p") * 24)])
        ref = f"{prefix}{digits(5, *seed, 'ref')}"
        balance = money(15_000, 450_000, u)
        desc = "小型普通客车"
    elif kind == "ship":
        ref = "CN" + digits(11, *seed, "ref")
        balance = money(200_000, 6_000_000, u)
        desc = "内河货船"
    else:  # equity
        ref = "91" + digits(16, *seed, "ref")
        balance = money(50_000, 10_000_000, u)
        desc = f"有限责任公司股权 {1 + int(unit(*seed, 'pct') * 99)}%"
    is_cash = kind in {"bank", "securities", "provident_fund", "payment", "insurance"}
    return AccountSpec(
        asset_ref=ref,
        asset_kind=ASSET_KIND[kind],
        description=desc,
        balance=balance,
        is_cash=is_cash,
        details=details,
        external=_external_freeze(seed, balance, is_cash, created),
    )


def _external_freeze(seed, balance, is_cash, created) -> ExternalFreeze | None:
    """About one account in eight starts frozen (or sealed) by another court, part-way through its term."""
    if balance < 1000 or unit(*seed, "ext") >= 0.12:
        return None
    court = OTHER_COURTS[int(unit(*seed, "court") * len(OTHER_COURTS))]
    year = created.year - (1 if unit(*seed, "cy") < 0.5 else 0)
    term_days = 365 if is_cash else 1095
    remaining = 10 + int(unit(*seed, "left") * (term_days - 20))
    expires_on = created + datetime.timedelta(days=remaining)
    amount = (balance * Decimal(str(0.3 + 0.7 * unit(*seed, "share")))).quantize(CENT) if is_cash else balance
    return ExternalFreeze(
        court_code=court,
        case_number=f"（{year}）{court}执{100 + int(unit(*seed, 'seq') * 9000)}号",
        amount=amount,
        starts_on=expires_on - datetime.timedelta(days=term_days - 1),
        expires_on=expires_on,
        term_days=term_days,
    )
