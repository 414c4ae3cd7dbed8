"""Choices of the query-and-control app (TextChoices; Chinese labels are the msgids)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# --- Institutions ---------------------------------------------------------------------------------


class InstitutionKind(models.TextChoices):
    """Who answers a network query (网络执行查控: 总对总 + 点对点 assisting institutions)."""

    BANK = "bank", _("银行")
    REAL_ESTATE = "real_estate", _("不动产登记")
    VEHICLE = "vehicle", _("车辆登记")
    SECURITIES = "securities", _("证券登记结算")
    PROVIDENT_FUND = "provident_fund", _("住房公积金")
    PAYMENT = "payment", _("网络支付")
    INSURANCE = "insurance", _("保险")
    SHIP = "ship", _("船舶登记")
    EQUITY = "equity", _("股权登记")


class InstitutionCategory(models.TextChoices):
    """Finer grouping, used for banks (big banks answer faster and hold more accounts)."""

    STATE_BANK = "state_bank", _("国有大型商业银行")
    JOINT_STOCK_BANK = "joint_stock_bank", _("股份制商业银行")
    POLICY_BANK = "policy_bank", _("政策性银行")
    PRIVATE_BANK = "private_bank", _("民营银行")
    FOREIGN_BANK = "foreign_bank", _("外资银行")
    CITY_BANK = "city_bank", _("城市商业银行")
    RURAL_COMMERCIAL_BANK = "rural_commercial_bank", _("农村商业银行")
    RURAL_COOPERATIVE_BANK = "rural_cooperative_bank", _("农村合作银行")
    CREDIT_COOPERATIVE = "credit_cooperative", _("农村信用合作联社")
    VILLAGE_BANK = "village_bank", _("村镇银行")
    NATIONAL_REGISTRY = "national_registry", _("全国性登记机构")
    LOCAL_REGISTRY = "local_registry", _("地方登记机构")
    COMPANY = "company", _("企业")


class OrderKind(models.TextChoices):
    """The five order kinds (docs/glossary.md), enumerated here and nowhere else in the product: a seal (查封) is
    the freeze of a non-cash asset; renew / unfreeze / deduct act on an earlier freeze or seal (the target)."""

    FREEZE = "freeze", _("冻结")
    RENEW = "renew", _("续冻")
    UNFREEZE = "unfreeze", _("解冻")
    DEDUCT = "deduct", _("扣划")
    SEAL = "seal", _("查封")


# Orders that control an asset (put value on hold); renew / unfreeze / deduct act on one of these (the target).
CONTROL_KINDS = [OrderKind.FREEZE, OrderKind.SEAL]

# What an institution can be asked to do: a query, or one of the order kinds (built from OrderKind, so the
# five verbs are listed once).
InstitutionAction = models.TextChoices(
    "InstitutionAction",
    [("QUERY", ("query", _("查询")))] + [(kind.name, (kind.value, kind.label)) for kind in OrderKind],
)


class AssetTermClass(models.TextChoices):
    """民诉法解释 (2022) Art. 485: the longest term of one freeze / seal, and of each renewal."""

    DEPOSIT = "deposit", _("银行存款等资金（1年）")
    MOVABLE = "movable", _("动产（2年）")
    PROPERTY = "property", _("不动产及其他财产权（3年）")


# Years per term class (民诉法解释 Art. 485): deposits 1, movables 2, real estate and other rights 3.
TERM_YEARS = {AssetTermClass.DEPOSIT: 1, AssetTermClass.MOVABLE: 2, AssetTermClass.PROPERTY: 3}

_CASH_ACTIONS = [
    InstitutionAction.QUERY,
    InstitutionAction.FREEZE,
    InstitutionAction.RENEW,
    InstitutionAction.UNFREEZE,
    InstitutionAction.DEDUCT,
]
_REGISTRY_ACTIONS = [
    InstitutionAction.QUERY,
    InstitutionAction.SEAL,
    InstitutionAction.RENEW,
    InstitutionAction.UNFREEZE,
]

# Default actions per kind: money holders freeze and deduct; registries seal (a seal is lifted by
# unfreeze and kept by renew); assets behind a seal are sold at auction, never deducted.
ACTIONS_BY_KIND = {
    InstitutionKind.BANK: _CASH_ACTIONS,
    InstitutionKind.SECURITIES: _CASH_ACTIONS,
    InstitutionKind.PROVIDENT_FUND: _CASH_ACTIONS,
    InstitutionKind.PAYMENT: _CASH_ACTIONS,
    InstitutionKind.INSURANCE: _CASH_ACTIONS,
    InstitutionKind.REAL_ESTATE: _REGISTRY_ACTIONS,
    InstitutionKind.VEHICLE: _REGISTRY_ACTIONS,
    InstitutionKind.SHIP: _REGISTRY_ACTIONS,
    InstitutionKind.EQUITY: _REGISTRY_ACTIONS,
}

# Term class per kind (Art. 485). Payment-platform balances and provident-fund balances are money
# held for the person and are frozen like deposits; vehicles and ships are movables; securities,
# insurance cash values and company shares are "other property rights".
TERM_CLASS_BY_KIND = {
    InstitutionKind.BANK: AssetTermClass.DEPOSIT,
    InstitutionKind.PAYMENT: AssetTermClass.DEPOSIT,
    InstitutionKind.PROVIDENT_FUND: AssetTermClass.DEPOSIT,
    InstitutionKind.VEHICLE: AssetTermClass.MOVABLE,
    InstitutionKind.SHIP: AssetTermClass.MOVABLE,
    InstitutionKind.REAL_ESTATE: AssetTermClass.PROPERTY,
    InstitutionKind.SECURITIES: AssetTermClass.PROPERTY,
    InstitutionKind.INSURANCE: AssetTermClass.PROPERTY,
    InstitutionKind.EQUITY: AssetTermClass.PROPERTY,
}


# --- Queries and control orders (fan-out, orders) -------------------------------------------------


class AssetKind(models.TextChoices):
    """Kinds of asset an institution reports (connectors.FoundAsset.asset_kind)."""

    DEPOSIT = "deposit", _("银行存款")
    REAL_ESTATE = "real_estate", _("不动产")
    VEHICLE = "vehicle", _("车辆")
    SECURITIES = "securities", _("证券")
    PROVIDENT_FUND = "provident_fund", _("住房公积金")
    PAYMENT = "payment", _("网络资金")
    INSURANCE = "insurance", _("保险")
    SHIP = "ship", _("船舶")
    EQUITY = "equity", _("股权")


class QueryStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("查询中")
    COMPLETE = "complete", _("已完成")
    PARTIAL = "partial", _("部分完成")
    CANCELLED = "cancelled", _("已取消")


ACTIVE_QUERY_STATUSES = [QueryStatus.QUEUED, QueryStatus.RUNNING]


class ChunkStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class QueryResultStatus(models.TextChoices):
    OK = "ok", _("已反馈")
    FAILED = "failed", _("失败")
    TIMEOUT = "timeout", _("超时")


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    SENT = "sent", _("已发送")
    DONE = "done", _("已办结")
    FAILED = "failed", _("失败")
    LAPSED = "lapsed", _("已失效")


class OrderOutcome(models.TextChoices):
    FROZEN = "frozen", _("已冻结")
    PARTIALLY_FROZEN = "partially_frozen", _("部分冻结")
    QUEUED = "queued", _("轮候冻结")
    SEALED = "sealed", _("已查封")
    RENEWED = "renewed", _("已续冻")
    DEDUCTED = "deducted", _("已扣划")
    RELEASED = "released", _("已解除")


# A freeze / seal that currently holds (or waits in line for) value on an asset.
HOLDING_OUTCOMES = [OrderOutcome.FROZEN, OrderOutcome.PARTIALLY_FROZEN, OrderOutcome.SEALED]


# Purposes offered when starting a network query (the form suggests them; any other purpose must still say
# something: querycontrol.services.queries.check_purpose refuses junk). The audit records the purpose of each query.
QUERY_PURPOSES = (
    _("执行财产调查"),
    _("核查被执行人存款"),
    _("核查被执行人不动产、车辆"),
    _("续行冻结前核查"),
    _("恢复执行财产调查"),
    _("执行和解履行核查"),
    _("终本案件定期查询"),
)
