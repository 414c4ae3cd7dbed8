"""Entry points of the simulated banks and registries: query, and the five orders.

Answers are JSON-ready dicts (the same shape the HTTP server sends); refusals and faults are the
exceptions in `exceptions.py`. The connectors in querycontrol/connectors/ are the only callers
besides the HTTP server and the tests.
"""

import hashlib
import json
import time
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction

from . import book, clock, faults, institutions
from .exceptions import IdempotencyConflict, SimulatedNotFound, SimulatedRefusal, SimulatorError
from .generation import CENT, Profile, holdings
from .models import SimAccount, SimFreeze, SimInstitution, SimRequest

# The orders a simulated institution carries out: the simulator's side of the wire, listed once (its HTTP routes
# follow it); tests/simulator/test_boundary.py checks it against the product's OrderKind.
ACTIONS = ("freeze", "renew", "unfreeze", "deduct", "seal")


# --- Institutions --------------------------------------------------------------------------------

# The simulator's own records of the institutions it plays (simulator/institutions.py), never the product's.
_institutions = institutions.active
_institution = institutions.get


def _profile(inst: SimInstitution) -> Profile:
    return Profile(code=inst.code, kind=inst.kind, category=inst.category, region_code=inst.region_code)


# --- Query ---------------------------------------------------------------------------------------


def _held(codes, id_number: str) -> dict[str, dict[str, int]]:
    """{institution code: {asset_ref: account pk}} of what the institutions already hold for `id_number`
    (one query for a whole batch: most institutions hold nothing for a given person)."""
    held = {code: {} for code in codes}
    rows = SimAccount.objects.filter(institution_code__in=list(codes), holder_id_number=id_number)
    for code, ref, pk in rows.values_list("institution_code", "asset_ref", "pk"):
        held[code][ref] = pk
    return held


def _materialise(inst: SimInstitution, id_number: str, name: str, today, known=None) -> list[int]:
    """Persist the generated holdings on first look, so later orders act on stored balances. Accounts the
    holder opened later (`open_account`) are stored only and answered as well. `known`: {asset_ref: pk}
    already stored for the holder at `inst`, when the caller read it (query_many, for the whole batch)."""
    specs = holdings(id_number, _profile(inst), today)
    known = dict(known) if known is not None else _held([inst.code], id_number)[inst.code]
    if not specs:
        return sorted(known.values())
    for spec in specs:
        if spec.asset_ref in known:
            continue
        with transaction.atomic():
            account, created = SimAccount.objects.get_or_create(
                institution_code=inst.code,
                asset_ref=spec.asset_ref,
                defaults=dict(
                    holder_id_number=id_number,
                    holder_name=name,
                    asset_kind=spec.asset_kind,
                    description=spec.description,
                    balance=spec.balance,
                    is_cash=spec.is_cash,
                    details=spec.details,
                    moved_at=clock.now(),
                ),
            )
            if created and spec.external:
                ext = spec.external
                SimFreeze.objects.create(
                    account=account,
                    kind=SimFreeze.Kind.FREEZE if spec.is_cash else SimFreeze.Kind.SEAL,
                    court_code=ext.court_code,
                    case_number=ext.case_number,
                    is_external=True,
                    status=SimFreeze.Status.ACTIVE,
                    requested_amount=ext.amount,
                    frozen_amount=ext.amount,
                    term_days=ext.term_days,
                    starts_on=ext.starts_on,
                    expires_on=ext.expires_on,
                )
        known[spec.asset_ref] = account.pk
    generated = [known[s.asset_ref] for s in specs]
    return generated + sorted(set(known.values()) - set(generated))


def _look(inst: SimInstitution, id_number: str, name: str, known=None) -> list[dict]:
    now, today = clock.now(), clock.today()
    pks = _materialise(inst, id_number, name, today, known)
    if not pks:
        return []
    answers = []
    with transaction.atomic():
        for account in SimAccount.objects.select_for_update().filter(pk__in=pks).order_by("pk"):
            book.sweep(account, now, today)
            answers.append(book.describe(account))
    return answers


def query(code: str, id_number: str, name: str, *, request_ref: str, attempt: int = 1) -> list[dict]:
    inst = _institution(code)
    fault = faults.plan(inst, request_ref, attempt)
    fault.sleep()
    fault.raise_timeout()
    fault.raise_failure()
    return _look(inst, id_number, name)


def query_many(codes, id_number: str, name: str, *, request_ref: str, attempt: int = 1) -> dict:
    """{code: [asset dicts] or a SimulatorError}. The institutions answer in parallel, as a gateway
    would: the batch takes as long as its slowest member, not the sum."""
    codes = list(dict.fromkeys(codes))
    insts = _institutions(codes)
    held = _held(insts, id_number)
    results, slowest = {}, 0.0
    for code in codes:
        inst = insts.get(code)
        if inst is None:
            results[code] = SimulatedNotFound(f"未知或已停用的机构 {code} (unknown or inactive institution)")
            continue
        fault = faults.plan(inst, request_ref, attempt)
        slowest = max(slowest, fault.latency_s)
        try:
            fault.raise_timeout()
            fault.raise_failure()
            garbage = faults.garbage_for(code)
            results[code] = _look(inst, id_number, name, held[code]) if garbage is faults.PROPER else garbage
        except SimulatorError as exc:
            results[code] = exc
    if slowest:
        time.sleep(slowest)
    return results


def open_account(code: str, id_number: str, name: str, balance, *, asset_ref: str = "") -> SimAccount:
    """The outside world moves on: the holder opens a deposit account at bank `code` holding `balance` yuan
    (e.g. a 终本 debtor who is paid again). Found by the next query like any generated account. Idempotent
    per (code, asset_ref)."""
    inst = _institution(code)
    balance = _amount(balance, required=True)
    asset_ref = asset_ref or f"{inst.code}-NEW-{hashlib.sha256(f'{id_number}|{balance}'.encode()).hexdigest()[:12]}"
    account, _created = SimAccount.objects.get_or_create(
        institution_code=inst.code,
        asset_ref=asset_ref,
        defaults=dict(
            holder_id_number=id_number,
            holder_name=name,
            asset_kind="deposit",
            description="活期存款（新开户）",
            balance=balance,
            is_cash=True,
            moved_at=clock.now(),
        ),
    )
    return account


# --- Orders --------------------------------------------------------------------------------------


def _amount(value, *, required: bool) -> Decimal | None:
    if value is None and not required:
        return None
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, TypeError, ValueError):
        raise SimulatedRefusal(f"金额无效 {value!r} (invalid amount)") from None
    if amount <= 0:
        raise SimulatedRefusal("金额必须大于零 (amount must be positive)")
    return amount


def _fingerprint(action, asset_ref, amount, term_days, case_number, court_code) -> str:
    body = json.dumps(
        [action, asset_ref, str(amount) if amount is not None else None, term_days, case_number, court_code],
        ensure_ascii=False,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _stored(code, key, fingerprint):
    prior = SimRequest.objects.filter(institution_code=code, key=key).first()
    if prior is not None and prior.fingerprint != fingerprint:
        raise IdempotencyConflict("幂等键已用于不同的请求 (idempotency key already used for a different request)")
    return prior.response if prior is not None else None


def control(
    action: str,
    code: str,
    asset_ref: str,
    *,
    amount=None,
    term_days: int | None = None,
    case_number: str,
    court_code: str,
    idempotency_key: str,
    attempt: int = 1,
) -> dict:
    """Apply one order exactly once per idempotency key; a key seen before returns its first answer."""
    if action not in ACTIONS:
        raise SimulatedRefusal(f"不支持的措施 {action} (unsupported action)")
    if not idempotency_key:
        raise SimulatedRefusal("缺少幂等键 (Idempotency-Key is required)")
    inst = _institution(code)
    if not inst.supports(action):
        raise SimulatedRefusal(f"{inst.name}不办理{action} (institution does not support {action})")
    amount = _amount(amount, required=action in ("freeze", "deduct"))
    if action in ("freeze", "renew", "seal"):
        if not isinstance(term_days, int) or term_days <= 0:
            raise SimulatedRefusal("期限天数无效 (term_days must be a positive integer)")
    else:
        term_days = None
    fingerprint = _fingerprint(action, asset_ref, amount, term_days, case_number, court_code)

    fault = faults.plan(inst, idempotency_key, attempt)
    fault.sleep()
    fault.raise_failure()  # 'busy': nothing was done
    response = _stored(inst.code, idempotency_key, fingerprint)
    if response is None:
        try:
            response = _apply(
                inst, action, asset_ref, amount, term_days, case_number, court_code, idempotency_key, fingerprint
            )
        except IntegrityError:
            # A concurrent call with the same key won the race; its answer is the answer.
            response = _stored(inst.code, idempotency_key, fingerprint)
            if response is None:
                raise
    fault.raise_timeout()  # acted, but the answer was lost on the way back: a retry must not act again
    return response


def _apply(inst, action, asset_ref, amount, term_days, case_number, court_code, key, fingerprint) -> dict:
    now, today = clock.now(), clock.today()
    with transaction.atomic():
        account = SimAccount.objects.select_for_update().filter(institution_code=inst.code, asset_ref=asset_ref).first()
        if account is None:
            raise SimulatedNotFound(f"账户或财产不存在 {asset_ref} (unknown account or asset)")
        # Re-read under the account lock: a same-key call that held the lock has committed by now.
        prior = _stored(inst.code, key, fingerprint)
        if prior is not None:
            return prior
        if action in ("freeze", "seal") and term_days > inst.max_term_days(today):
            raise SimulatedRefusal(
                f"期限超过法定最长期限{inst.max_term_days(today)}天 (term exceeds the legal maximum)"
            )
        if action == "freeze" and not account.is_cash:
            raise SimulatedRefusal("该财产应查封而非冻结 (seal this asset, do not freeze it)")
        if action == "seal" and account.is_cash:
            raise SimulatedRefusal("资金账户应冻结而非查封 (freeze this account, do not seal it)")
        book.sweep(account, now, today)
        who = dict(court_code=court_code, case_number=case_number)
        if action == "freeze":
            response = book.place(account, SimFreeze.Kind.FREEZE, amount, term_days=term_days, today=today, **who)
        elif action == "seal":
            response = book.place(
                account, SimFreeze.Kind.SEAL, account.balance, term_days=term_days, today=today, **who
            )
        elif action == "renew":
            response = book.renew(account, term_days=term_days, max_term_days=inst.max_term_days, today=today, **who)
        elif action == "unfreeze":
            response = book.unfreeze(account, amount, today=today, **who)
        else:
            response = book.deduct(account, amount, today=today, **who)
        SimRequest.objects.create(
            institution_code=inst.code, key=key, action=action, fingerprint=fingerprint, response=response
        )
    return response


# --- Housekeeping --------------------------------------------------------------------------------


def sweep_all() -> int:
    """Let every account with a freeze catch up with time (terms lapse, queues move). Returns count."""
    now, today = clock.now(), clock.today()
    ids = (
        SimFreeze.objects.filter(status__in=[SimFreeze.Status.ACTIVE, SimFreeze.Status.QUEUED])
        .values_list("account_id", flat=True)
        .distinct()
    )
    count = 0
    for pk in list(ids):
        with transaction.atomic():
            account = SimAccount.objects.select_for_update().get(pk=pk)
            book.sweep(account, now, today)
            count += 1
    return count
