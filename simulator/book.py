"""The freeze book of one account, as a bank or registry keeps it. Every function here expects the
account row to be locked (select_for_update) by the caller, inside a transaction.

Bank-side rules enforced here, whatever the court asks:
- a freeze takes at most the available balance (partial freeze, the actual amount reported);
- when the money is already frozen by someone else the new freeze waits in line (轮候冻结) and takes
  effect, in arrival order, once funds are released;
- a deduction takes only funds frozen for the same case (and ends that much of the freeze);
- a renewal is accepted only while the freeze is still in force; a lapsed freeze stops counting
  (民诉法解释 Art. 485).
"""

import datetime
from decimal import Decimal

from django.conf import settings

from .generation import CENT, money, unit
from .models import SimAccount, SimFreeze

ZERO = Decimal("0.00")
S = SimFreeze.Status
MOVING_KINDS = {"deposit", "payment"}  # money a debtor can move at will


def _result(status, requested, effective, *, freeze=None, expires_on=None, position=None, message=""):
    return {
        "status": status,
        "requested_amount": str(Decimal(requested).quantize(CENT)),
        "effective_amount": str(Decimal(effective).quantize(CENT)),
        "expires_on": expires_on.isoformat() if expires_on else None,
        "queue_position": position,
        "institution_ref": f"SIM{freeze.pk:010d}" if freeze is not None else "",
        "message": message,
    }


def _queue_position(freeze) -> int:
    return freeze.account.freezes.filter(status=S.QUEUED, pk__lte=freeze.pk).count()


def _activate(freeze, amount, starts_on):
    freeze.status = S.ACTIVE
    freeze.frozen_amount = amount
    freeze.starts_on = starts_on
    freeze.expires_on = starts_on + datetime.timedelta(days=freeze.term_days - 1)
    freeze.save()


# --- Time passing ------------------------------------------------------------------------------


def sweep(account: SimAccount, now: datetime.datetime, today: datetime.date) -> None:
    """Bring the account up to `now`: lapsed terms end, the debtor moves money, the queue moves up."""
    expire(account, today)
    apply_movement(account, now)
    promote(account, today)


def expire(account: SimAccount, today: datetime.date) -> None:
    # Oldest expiry first: a queued freeze promoted by one lapse may itself have lapsed since.
    while True:
        lapsed = account.freezes.filter(status=S.ACTIVE, expires_on__lt=today).order_by("expires_on", "pk").first()
        if lapsed is None:
            return
        lapsed.status = S.EXPIRED
        lapsed.save(update_fields=["status", "updated_at"])
        promote(account, lapsed.expires_on + datetime.timedelta(days=1))


def apply_movement(account: SimAccount, now: datetime.datetime) -> None:
    """Debtors move money between looks: when SIMULATOR_BALANCE_MOVE_SECONDS have passed since the
    last look, one withdrawal of part of the unfrozen balance (frozen money cannot leave) or one
    small deposit. The n-th move of an account is fixed by (account, n), so reruns agree."""
    interval = int(settings.SIMULATOR_BALANCE_MOVE_SECONDS)
    if account.asset_kind not in MOVING_KINDS or interval <= 0:
        return
    if account.moved_at is not None and (now - account.moved_at).total_seconds() < interval:
        return
    n = account.moves + 1
    u, v = unit(account.asset_ref, n, "move"), unit(account.asset_ref, n, "size")
    available = account.available()
    delta = ZERO
    if u < 0.5 and available > 0:
        delta = -(available * Decimal(str(0.2 + 0.8 * v))).quantize(CENT)
    elif u < 0.7:
        delta = money(10, 20_000, v)
    account.balance += delta
    account.moves = n
    account.moved_at = now
    account.details = {**account.details, "last_movement": str(delta)}
    account.save(update_fields=["balance", "moves", "moved_at", "details"])


def promote(account: SimAccount, effective_on: datetime.date) -> None:
    """轮候冻结: queued freezes take effect in arrival order while there is something to freeze."""
    for queued in account.freezes.filter(status=S.QUEUED).order_by("pk"):
        if queued.kind == SimFreeze.Kind.SEAL:
            if account.freezes.filter(status=S.ACTIVE).exists():
                return
            _activate(queued, account.balance, effective_on)
            continue
        available = account.available()
        if available <= 0:
            return
        _activate(queued, min(available, queued.requested_amount), effective_on)


# --- Orders ------------------------------------------------------------------------------------


def place(account, kind, requested, *, term_days, court_code, case_number, today) -> dict:
    """A freeze (money, by amount) or a seal (the whole asset)."""
    freeze = SimFreeze(
        account=account,
        kind=kind,
        court_code=court_code,
        case_number=case_number,
        requested_amount=requested,
        term_days=term_days,
    )
    in_line = account.freezes.filter(status=S.QUEUED).exists()
    if kind == SimFreeze.Kind.SEAL:
        held = in_line or account.freezes.filter(status=S.ACTIVE).exists()
        available = ZERO if held else account.balance
    else:
        available = account.available()
        held = in_line or (available <= 0 and account.freezes.filter(status=S.ACTIVE).exists())
    if held:
        freeze.status = S.QUEUED
        freeze.save()
        position = _queue_position(freeze)
        return _result(
            "queued",
            requested,
            ZERO,
            freeze=freeze,
            position=position,
            message=f"已有在先冻结/查封，轮候第{position}位 (queued behind earlier freezes, position {position})",
        )
    amount = min(available, requested)
    _activate(freeze, amount, today)
    if amount < requested:
        return _result(
            "partial",
            requested,
            amount,
            freeze=freeze,
            expires_on=freeze.expires_on,
            message=f"可用余额不足，实际冻结{amount}元 (insufficient balance: froze {amount})",
        )
    return _result("done", requested, amount, freeze=freeze, expires_on=freeze.expires_on)


def renew(account, *, term_days, max_term_days, court_code, case_number, today) -> dict:
    mine = [f for f in account.freezes.all() if f.matches_case(court_code, case_number)]
    active = [f for f in mine if f.status == S.ACTIVE]
    if not active:
        if any(f.status == S.EXPIRED for f in mine):
            reason = "冻结期限已届满，不能续冻 (the freeze has lapsed; renew only before expiry)"
        elif any(f.status == S.QUEUED for f in mine):
            reason = "轮候冻结尚未生效，无需续冻 (a queued freeze has no term to renew yet)"
        else:
            reason = "本案在该账户无生效的冻结 (no freeze of this case on the account)"
        return _result("rejected", ZERO, ZERO, message=reason)
    for freeze in active:
        # Each renewal ≤ the term of its class, counted from the day after the current expiry (Art. 485).
        if term_days > max_term_days(freeze.expires_on + datetime.timedelta(days=1)):
            return _result(
                "rejected", ZERO, ZERO, message="续冻期限超过法定最长期限 (renewal term exceeds the legal maximum)"
            )
    for freeze in active:
        freeze.expires_on += datetime.timedelta(days=term_days)
        freeze.term_days += term_days
        freeze.save(update_fields=["expires_on", "term_days", "updated_at"])
    total = sum((f.frozen_amount for f in active), ZERO)
    latest = max(f.expires_on for f in active)
    return _result("done", total, total, freeze=active[-1], expires_on=latest)


def unfreeze(account, amount, *, court_code, case_number, today) -> dict:
    """Release `amount` (None: everything) of this case's freezes; cancels its queued ones too."""
    mine = [
        f for f in account.freezes.filter(status__in=[S.ACTIVE, S.QUEUED]) if f.matches_case(court_code, case_number)
    ]
    if not mine:
        return _result(
            "rejected", amount or ZERO, ZERO, message="本案在该账户无冻结 (no freeze of this case on the account)"
        )
    active = [f for f in mine if f.status == S.ACTIVE]
    held = sum((f.frozen_amount for f in active), ZERO)
    to_release = held if amount is None or account.is_cash is False else min(amount, held)
    left = to_release
    for freeze in sorted(active, key=lambda f: -f.pk):  # the latest freeze gives way first
        take = min(left, freeze.frozen_amount)
        freeze.frozen_amount -= take
        freeze.released_amount += take
        left -= take
        if freeze.frozen_amount <= 0:
            freeze.status = S.RELEASED
        freeze.save()
    if amount is None or not active:
        for freeze in mine:
            if freeze.status == S.QUEUED:
                freeze.status = S.RELEASED
                freeze.save(update_fields=["status", "updated_at"])
    promote(account, today)
    return _result("done", amount if amount is not None else to_release, to_release, freeze=mine[-1])


def deduct(account, amount, *, court_code, case_number, today) -> dict:
    """Transfer out only what is frozen for this same case (扣划以本案冻结款项为限)."""
    active = [f for f in account.freezes.filter(status=S.ACTIVE) if f.matches_case(court_code, case_number)]
    frozen = sum((f.frozen_amount for f in active), ZERO)
    if frozen <= 0:
        return _result(
            "rejected", amount, ZERO, message="本案在该账户无冻结款项，不能扣划 (no funds frozen for this case)"
        )
    take_total = min(amount, frozen)
    left = take_total
    for freeze in active:  # the earliest freeze is spent first
        take = min(left, freeze.frozen_amount)
        freeze.frozen_amount -= take
        freeze.deducted_amount += take
        left -= take
        if freeze.frozen_amount <= 0:
            freeze.status = S.DEDUCTED
        freeze.save()
    account.balance -= take_total
    account.save(update_fields=["balance"])
    promote(account, today)
    if take_total < amount:
        return _result(
            "partial",
            amount,
            take_total,
            freeze=active[0],
            message=f"本案冻结款项仅{take_total}元，已全部扣划 (only {take_total} frozen for this case; all deducted)",
        )
    return _result("done", amount, take_total, freeze=active[0])


def describe(account: SimAccount) -> dict:
    """The account as a query answer (FoundAsset JSON), with its freeze book as the bank shows it."""
    book = [
        {
            "court_code": f.court_code,
            "case_number": f.case_number,
            "kind": f.kind,
            "status": f.status,
            "requested_amount": str(f.requested_amount),
            "frozen_amount": str(f.frozen_amount),
            "expires_on": f.expires_on.isoformat() if f.expires_on else None,
        }
        for f in account.freezes.filter(status__in=[S.ACTIVE, S.QUEUED]).order_by("pk")
    ]
    frozen = sum((Decimal(f["frozen_amount"]) for f in book if f["status"] == S.ACTIVE), ZERO)
    return {
        "asset_ref": account.asset_ref,
        "asset_kind": account.asset_kind,
        "description": account.description,
        "balance": str(account.balance),
        "frozen_by_others": str(frozen),
        "details": {
            **account.details,
            "holder_name": account.holder_name,
            "available": str(max(account.balance - frozen, ZERO)),
            "freezes": book,
        },
    }
