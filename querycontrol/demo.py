"""Demo data of network query and control, for `manage.py seed_demo` (found by name: querycontrol.demo).

Through the services, with the in-process simulator: a few finished query requests with their
results, one still running, control orders in every state, freezes expiring within 7 / 15 / 30 days
(alerts raised by the expiry watch). Idempotent: a second run finds the demo requests and stops.
"""
import datetime
from decimal import Decimal
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from cases.choices import OPEN_STATUSES, PartyRole
from cases.models import Case
from execcenter.rounding import to_cents
from querycontrol.choices import OrderStatus
from querycontrol.connectors import ControlResult
from querycontrol.models import ControlOrder, FoundAsset, Institution, QueryChunk, QueryRequest
from querycontrol.services import orders as order_services
from querycontrol.services import queries as query_services
from querycontrol.services import sending

PURPOSE = "执行财产调查（演示）"


def _user(username):
    return get_user_model().objects.filter(username=username).select_related("officer").first()


def _cases(court_code, count, rng):
    ids = list(Case.objects.filter(court__code=court_code, status__in=OPEN_STATUSES,
                                   case_parties__role=PartyRole.RESPONDENT).values_list("pk", flat=True)[:200])
    rng.shuffle(ids)
    return list(Case.objects.filter(pk__in=ids[:count]))


def _run(qr, chunks=None):
    ids = list(QueryChunk.objects.filter(request=qr, status="pending").order_by("seq").values_list("pk", flat=True))
    for chunk_id in ids[:chunks] if chunks is not None else ids:
        query_services.process_chunk(chunk_id)
    qr.refresh_from_db()
    return qr


def _file(judge, approver, kind, *, approve=True, send=True, **kw):
    order = order_services.file_order(judge, kind, **kw)
    if approve:
        # Sent right here (in-process), not by the worker, so the demo shows finished orders at once.
        with mock.patch("querycontrol.services.orders.enqueue_send"):
            order = order_services.approve_order(approver, order)
        if send:
            order = sending.send(order.pk)
    return order


def enrich(rng, stdout):
    if QueryRequest.objects.filter(purpose=PURPOSE).exists():
        stdout.write("网络查控：演示数据已存在")
        return
    if Institution.objects.count() < 3800:
        from querycontrol.management.commands.load_institutions import load_institutions

        load_institutions()
    judge, approver = _user("xixia_judge"), _user("xixia_approver")
    if judge is None or approver is None:
        stdout.write("网络查控：缺少演示账号，跳过")
        return
    cases = _cases("宁0105", 6, rng)
    if len(cases) < 4:
        stdout.write("网络查控：西夏区法院可用案件不足，跳过")
        return
    # Fast and deterministic: no simulated latency, one thread, and nothing handed to a worker.
    with override_settings(SIMULATOR_LATENCY="zero", QUERYCONTROL_QUERY_THREADS=1), \
            mock.patch("querycontrol.services.queries.enqueue_chunks"):
        finished = []
        for case in cases[:4]:
            qr, _ = query_services.submit_query(judge, case, purpose=PURPOSE)
            finished.append(_run(qr))
        running, _ = query_services.submit_query(judge, cases[4], purpose=PURPOSE, kinds=["bank"])
        _run(running, chunks=max(1, running.chunks_total // 2))  # half answered: progress on the screen
        _orders(judge, approver, finished, stdout)
    stdout.write(f"网络查控：{len(finished) + 1} 个查询请求，{ControlOrder.objects.count()} 项控制措施")


def _cash(case, n):
    return list(FoundAsset.objects.filter(case=case, kind="deposit", balance__gt=2000, frozen_by_others=0)
                .order_by("-balance")[:n])


def _orders(judge, approver, requests, stdout):
    today = timezone.localdate()
    made = []
    for i, qr in enumerate(requests):
        case = qr.case
        accounts = _cash(case, 4)
        if not accounts:
            continue
        allowance = order_services.rules.freeze_allowance(case)
        share = to_cents(allowance / 4)
        if share <= 0:
            continue
        # A freeze that is done, then a deduction from it into the case account.
        frozen = _file(judge, approver, "freeze", asset=accounts[0], amount=min(share, accounts[0].available))
        made.append(frozen)
        if frozen.status == OrderStatus.DONE and frozen.held_amount > 0:
            made.append(_file(judge, approver, "deduct", target=frozen,
                              amount=to_cents(frozen.held_amount / 2)))
        if len(accounts) > 1:
            # Short terms, so that the expiry watch has something to warn about (7 / 15 / 30 days).
            term = (5, 12, 25, 200)[i % 4]
            made.append(_file(judge, approver, "freeze", asset=accounts[1], amount=min(share, accounts[1].available),
                              term_days=term))
        if len(accounts) > 2:
            state = i % 4
            kw = dict(asset=accounts[2], amount=min(share, accounts[2].available))
            if state == 0:
                made.append(_file(judge, approver, "freeze", approve=False, submit=False, **kw))  # draft
            elif state == 1:
                made.append(_file(judge, approver, "freeze", approve=False, **kw))  # submitted: the approval queue
            elif state == 2:
                order = order_services.file_order(judge, "freeze", **kw)
                made.append(order_services.reject_order(approver, order, note="请先核实账户余额"))
            else:
                with mock.patch("querycontrol.services.orders.enqueue_send"):
                    made.append(order_services.approve_order(approver, order_services.file_order(judge, "freeze", **kw)))
        if len(accounts) > 3 and i == 0:
            # The bank refuses (its answer through the gateway path): a failed order.
            order = _file(judge, approver, "freeze", send=False, asset=accounts[3], amount=min(share, accounts[3].available))
            ControlOrder.objects.filter(pk=order.pk).update(status=OrderStatus.SENT)
            made.append(sending.apply_result(order.pk, ControlResult("rejected", order.requested_amount, Decimal("0.00"),
                                                                     message="账户已销户 (account closed)")))
    # One freeze whose term ran out unrenewed: its expiry moved into the past to stand for time passing.
    old = next((o for o in made if o.kind == "freeze" and o.status == OrderStatus.DONE and o.held_amount > 0), None)
    if old is not None:
        with transaction.atomic():
            ControlOrder.objects.filter(pk=old.pk).update(expires_on=today - datetime.timedelta(days=1))
        sending.lapse_expired(today)
    sending.watch_expiry(today)
    if getattr(settings, "DEBUG", False):
        stdout.write(f"网络查控：控制措施状态 {sorted(set(ControlOrder.objects.values_list('status', flat=True)))}")
