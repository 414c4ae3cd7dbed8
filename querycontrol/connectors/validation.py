"""Every answer from outside is checked before it is believed (issue 16).

A gateway that answers one institution with a string, a list where an object belongs, a null asset list,
an asset without its kind, a balance of "一千元" or a 20-digit balance must fail that institution alone —
named, with the reason — and never the batch it came in. These parsers turn the protocol's JSON
(docs/connectors.md) into the interface's dataclasses or raise `InvalidAnswer`.

Amounts: Decimal yuan, at most 2 decimal places, 0 ≤ amount ≤ MAX_AMOUNT (what the money columns hold:
16 digits, 2 of them decimals). A JSON number is read through its decimal text (1.1 → 1.10, not the
binary float's 1.100000000000000088…).
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError

from execcenter.money import parse_amount
from querycontrol.choices import AssetKind

from .base import ControlResult, FoundAsset, PermanentConnectorError

MAX_AMOUNT = Decimal("99999999999999.99")
ASSET_KINDS = frozenset(AssetKind.values)
CONTROL_STATUSES = ("done", "partial", "queued", "rejected")
MAX_REF, MAX_DESCRIPTION = 64, 200


class InvalidAnswer(PermanentConnectorError):
    """The institution answered outside the protocol: that institution's answer is refused (never retried
    as is: the same gateway gives the same answer), the rest of its batch is kept."""


def amount(value, name, *, required=True):
    """A protocol amount → Decimal, or InvalidAnswer naming the field."""
    if value is None:
        if required:
            raise InvalidAnswer(f"缺少金额 {name} (missing {name})")
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise InvalidAnswer(f"金额 {name} 类型错误 ({name} is not a number)")
    try:
        # The product's one amount parser (execcenter.money): 2 decimals at most, never rounded away.
        number = parse_amount(value, allow_zero=True, allow_negative=True)
    except ValidationError as exc:
        raise InvalidAnswer(
            f"金额 {name} 无法识别：{str(value)[:40]}：{exc.messages[0]} ({name} is not an amount)"
        ) from None
    if number < 0 or number > MAX_AMOUNT:
        raise InvalidAnswer(f"金额 {name} 超出范围：{str(value)[:40]} ({name} out of range)")
    return number


def _text(value, name, limit, *, required=False):
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise InvalidAnswer(f"字段 {name} 缺失或不是文本 ({name} missing or not text)")
    if len(value) > limit:
        raise InvalidAnswer(f"字段 {name} 过长 ({name} longer than {limit})")
    return value


def asset(row, n=1) -> FoundAsset:
    if not isinstance(row, dict):
        raise InvalidAnswer(f"第 {n} 项财产不是对象 (asset {n} is not an object)")
    kind = row.get("asset_kind")
    if kind not in ASSET_KINDS:
        raise InvalidAnswer(f"第 {n} 项财产类别无效：{str(kind)[:30]} (asset {n}: unknown asset_kind)")
    details = row.get("details")
    if details is not None and not isinstance(details, dict):
        raise InvalidAnswer(f"第 {n} 项财产详情不是对象 (asset {n}: details is not an object)")
    balance = amount(row.get("balance"), "balance")
    frozen = amount(row.get("frozen_by_others", "0"), "frozen_by_others")
    return FoundAsset(
        asset_ref=_text(row.get("asset_ref"), "asset_ref", MAX_REF, required=True).strip(),
        asset_kind=kind,
        description=_text(row.get("description"), "description", MAX_DESCRIPTION),
        balance=balance,
        frozen_by_others=frozen,
        details=details or {},
    )


def assets(rows) -> list[FoundAsset]:
    """The `assets` array of one institution's answer (an empty array: nothing found)."""
    if not isinstance(rows, list):
        raise InvalidAnswer("财产列表缺失或不是数组 (assets missing or not a list)")
    out = [asset(row, n) for n, row in enumerate(rows, 1)]
    refs = [a.asset_ref for a in out]
    if len(set(refs)) != len(refs):
        raise InvalidAnswer("同一账号重复出现 (the same asset_ref twice)")
    return out


def query_answer(item) -> list[FoundAsset]:
    """One institution's answer object {"assets": [...]} (an {"error": …} object is the caller's to read)."""
    if not isinstance(item, dict):
        raise InvalidAnswer("答复不是对象 (answer is not an object)")
    return assets(item.get("assets"))


def control_result(data) -> ControlResult:
    """The answer to freeze / renew / unfreeze / deduct / seal, checked for shape and known status."""
    if not isinstance(data, dict):
        raise InvalidAnswer("答复不是对象 (answer is not an object)")
    status = data.get("status")
    if status not in CONTROL_STATUSES:
        raise InvalidAnswer(f"未知的办理状态：{str(status)[:30]} (unknown status)")
    expires_on = data.get("expires_on")
    if expires_on is not None:
        try:
            datetime.date.fromisoformat(expires_on)
        except (TypeError, ValueError):
            raise InvalidAnswer(f"到期日无效：{str(expires_on)[:30]} (expires_on is not a date)") from None
    position = data.get("queue_position")
    if position is not None and (isinstance(position, bool) or not isinstance(position, int) or position < 1):
        raise InvalidAnswer("轮候顺位无效 (queue_position is not a positive integer)")
    return ControlResult(
        status=status,
        requested_amount=amount(data.get("requested_amount"), "requested_amount"),
        effective_amount=amount(data.get("effective_amount"), "effective_amount"),
        expires_on=expires_on,
        queue_position=position,
        institution_ref=_text(data.get("institution_ref"), "institution_ref", MAX_REF),
        message=_text(data.get("message"), "message", 2000)[:200],
    )
