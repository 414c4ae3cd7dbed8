"""The invariants every fault run checks once the sweeps have had their turn (issue 16).

- every query request final, every institution answered exactly once per respondent;
- every order applied once at the bank (one SimRequest per idempotency key, one freeze per order);
- for every simulated account, money frozen ≤ balance;
- case-ledger receipts = the deductions the bank made;
- nothing left in an intermediate state (no approved / sent order, no pending chunk, no outbox backlog);
- no alert lost (every order whose answer was refused has its critical alert).

The bank side is read from the simulator's own tables: the run is the one place besides the simulator's tests
allowed to (it checks what the outside world did, not what the product believes it did).
"""

from collections import Counter
from decimal import Decimal

from django.db.models import Q

from execcenter.money import MoneySum


def queries(query_ids):
    from querycontrol.choices import ACTIVE_QUERY_STATUSES
    from querycontrol.models import QueryChunk, QueryRequest, QueryResult

    expected = present = duplicates = 0
    problems = []
    for qr in QueryRequest.objects.filter(pk__in=query_ids):
        rows = QueryResult.objects.filter(request=qr)
        n = rows.count()
        distinct = rows.values("respondent", "institution").distinct().count()
        expected += qr.total
        present += distinct
        duplicates += n - distinct
        if qr.status in ACTIVE_QUERY_STATUSES:
            problems.append(f"query #{qr.pk} still {qr.status}")
        if distinct != qr.total or qr.done + qr.failed != qr.total:
            problems.append(f"query #{qr.pk}: {distinct}/{qr.total} answered, counters {qr.done}+{qr.failed}")
        if QueryChunk.objects.filter(request=qr, status="pending").exists():
            problems.append(f"query #{qr.pk} has a pending chunk")
    return {"expected": expected, "present": present, "duplicates": duplicates, "problems": problems}


def orders(order_ids, *, allow_failed=False):
    from cases.models import MoneyEntry
    from execcenter.models import Alert
    from querycontrol.models import ControlOrder
    from simulator.models import SimAccount, SimFreeze, SimRequest

    problems = []
    qs = ControlOrder.objects.filter(pk__in=order_ids).select_related("case", "asset")
    keys = Counter(SimRequest.objects.filter(key__in=[str(o.uuid) for o in qs]).values_list("key", flat=True))
    duplicates = sum(n - 1 for n in keys.values() if n > 1)
    done = 0
    for o in qs:
        if o.status in ("approved", "sent"):
            problems.append(f"order #{o.pk} still {o.status}")
        elif o.status in ("submitted", "draft"):
            continue  # waiting for a person (an approver, its judge), not for the machinery
        elif o.status == "done":
            done += 1
            if keys.get(str(o.uuid), 0) != 1:
                problems.append(f"order #{o.pk} seen {keys.get(str(o.uuid), 0)} times at the bank")
        elif not allow_failed:
            problems.append(f"order #{o.pk} {o.status}: {o.message}")
        if o.kind == "freeze" and o.status == "done":
            n = SimFreeze.objects.filter(account__asset_ref=o.asset.asset_ref, case_number=o.case.number).count()
            if n != 1:
                problems.append(f"freeze #{o.pk}: {n} freezes at the bank")
        if (
            o.status == "failed"
            and o.message.startswith("协助单位答复无效")
            and not Alert.objects.filter(dedup_key=f"order-bad-answer:{o.uuid}").exists()
        ):
            problems.append(f"order #{o.pk}: refused answer without its alert")
    # Frozen ≤ balance on every simulated account any order touched.
    refs = set(qs.values_list("asset__asset_ref", flat=True))
    for acc in SimAccount.objects.filter(asset_ref__in=refs):
        frozen = acc.freezes.filter(status="active").aggregate(s=MoneySum("frozen_amount"))["s"] or Decimal("0")
        if frozen > acc.balance:
            problems.append(f"account {acc.asset_ref}: frozen {frozen} > balance {acc.balance}")
    deducts = qs.filter(kind="deduct", status="done")
    booked = MoneyEntry.objects.filter(reference__in=[f"deduct:{d.uuid}" for d in deducts])
    if booked.count() != deducts.filter(effective_amount__gt=0).count():
        problems.append(f"{booked.count()} receipts for {deducts.count()} deductions")
    paid = deducts.aggregate(s=MoneySum("effective_amount"))["s"] or Decimal("0")
    received = booked.aggregate(s=MoneySum("amount"))["s"] or Decimal("0")
    if paid != received:
        problems.append(f"receipts {received} ≠ deductions {paid}")
    return {"expected": qs.count(), "present": done, "duplicates": duplicates, "problems": problems}


def nothing_in_between():
    from execcenter.models import OutboxMessage
    from querycontrol.models import ControlOrder, QueryChunk

    problems = []
    n = ControlOrder.objects.filter(status__in=["approved", "sent"]).count()
    if n:
        problems.append(f"{n} orders approved/sent")
    n = QueryChunk.objects.filter(status="pending").count()
    if n:
        problems.append(f"{n} chunks pending")
    n = OutboxMessage.objects.count()
    if n:
        problems.append(f"{n} outbox messages unsent")
    return problems


def active_work(query_ids=(), order_ids=()):
    """Work still moving (what 'settled' waits for)."""
    from querycontrol.choices import ACTIVE_QUERY_STATUSES
    from querycontrol.models import ControlOrder, QueryRequest

    return (
        QueryRequest.objects.filter(pk__in=query_ids, status__in=ACTIVE_QUERY_STATUSES).count()
        + ControlOrder.objects.filter(pk__in=order_ids, status__in=["approved", "sent"]).count()
    )


def answered(query_ids):
    from querycontrol.models import QueryResult

    return QueryResult.objects.filter(request_id__in=query_ids).count()


def count_status(order_ids, status):
    from querycontrol.models import ControlOrder

    return ControlOrder.objects.filter(Q(pk__in=order_ids) & Q(status=status)).count()
