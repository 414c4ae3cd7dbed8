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
from cases.models import Case, CaseParty
from execcenter.rounding import to_cents
from querycontrol.choices import OrderStatus, QueryStatus
from querycontrol.connectors import ControlResult
from querycontrol.models import ControlOrder, FoundAsset, Institution, QueryChunk, QueryRequest
from querycontrol.services import orders as order_services
from querycontrol.services import queries as query_services
from querycontrol.services import sending

PURPOSE = "执行财产调查（演示）"
CST = datetime.timezone(datetime.timedelta(hours=8))  # Asia/Shanghai has no DST


def _user(username):
    return get_user_model().objects.filter(username=username).select_related("officer").first()


def _cases(court_code, count, rng):
    ids = list(
        Case.objects.filter(
            court__code=court_code, status__in=OPEN_STATUSES, case_parties__role=PartyRole.RESPONDENT
        ).values_list("pk", flat=True)[:200]
    )
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
    stdout.write(f"网络查控：今年终本案件的结案前查询 {_terminated_queries(timezone.localdate())} 个")
    judge, approver = _user("xixia_judge"), _user("xixia_approver")
    if judge is None or approver is None:
        stdout.write("网络查控：缺少演示账号，跳过")
        return
    cases = _cases("宁0105", 6, rng)
    if len(cases) < 4:
        stdout.write("网络查控：西夏区法院可用案件不足，跳过")
        return
    # Fast and deterministic: no simulated latency, one thread, and nothing handed to a worker.
    with (
        override_settings(SIMULATOR_LATENCY="zero", QUERYCONTROL_QUERY_THREADS=1),
        mock.patch("querycontrol.services.queries.enqueue_chunks"),
    ):
        finished = []
        for case in cases[:4]:
            qr, _ = query_services.submit_query(judge, case, purpose=PURPOSE)
            finished.append(_run(qr))
        running, _ = query_services.submit_query(judge, cases[4], purpose=PURPOSE, kinds=["bank"])
        _run(running, chunks=max(1, running.chunks_total // 2))  # half answered: progress on the screen
        _orders(judge, approver, finished, stdout)
    stdout.write(f"网络查控：{len(finished) + 1} 个查询请求，{ControlOrder.objects.count()} 项控制措施")


TERMINATED_PURPOSE = "终本前财产调查（演示）"


def _terminated_queries(today):
    """A finished network query covering every respondent of each of this year's 终本 cases (法〔2016〕373号 Art.
    1(3): investigation exhausted before closing), as rows: the fan-out itself would take hours at a million cases.
    Without them the screen's headline 终本合格率 read 0.00 %."""
    from cases.demo import terminated_this_year

    cases = list(
        terminated_this_year(today)
        .exclude(query_requests__status__in=[QueryStatus.COMPLETE, QueryStatus.PARTIAL])
        .values_list("id", "court_id", "closed_on")
    )
    respondents = {}
    for case_id, party_id in CaseParty.objects.filter(
        case_id__in=[c[0] for c in cases], role=PartyRole.RESPONDENT
    ).values_list("case_id", "party_id"):
        respondents.setdefault(case_id, []).append(party_id)
    total = Institution.objects.count()
    requests = []
    for case_id, court_id, closed_on in cases:
        finished = datetime.datetime.combine(closed_on - datetime.timedelta(days=20), datetime.time(15), CST)
        requests.append(
            QueryRequest(
                case_id=case_id,
                court_id=court_id,
                purpose=TERMINATED_PURPOSE,
                requested_by_label="承办法官",
                status=QueryStatus.COMPLETE,
                total=total,
                done=total,
                started_at=finished - datetime.timedelta(minutes=9),
                finished_at=finished,
            )
        )
    made = QueryRequest.objects.bulk_create(requests, batch_size=5000)
    if made and made[0].pk is None:  # backends that do not return keys from a bulk insert
        made = list(QueryRequest.objects.filter(purpose=TERMINATED_PURPOSE, case_id__in=[c[0] for c in cases]))
    Through = QueryRequest.respondents.through
    Through.objects.bulk_create(
        [Through(queryrequest_id=qr.pk, party_id=p) for qr in made for p in respondents.get(qr.case_id, [])],
        batch_size=5000,
    )
    return len(made)


def _cash(case, n):
    return list(
        FoundAsset.objects.filter(case=case, kind="deposit", balance__gt=2000, frozen_by_others=0).order_by("-balance")[
            :n
        ]
    )


def _orders(judge, approver, requests, stdout):
    today = timezone.localdate()
    made = []
    for i, qr in enumerate(requests):
        case = qr.case
        accounts = _cash(case, 4)
        if not accounts:
            continue
        share = to_cents(order_services.rules.freeze_allowance(case) / 4)
        if share <= 0:
            continue

        def amount(account, share=share, case=case):
            # What is still allowed now: the deduction below counts as a freeze too (查封规定 Art. 19), so a share
            # computed once overshot the allowance on the fourth order (seed_demo --cases 3000 crashed).
            # The case is read afresh: a deduction lowers its outstanding amount, and with it the limit.
            return min(share, account.available, order_services.rules.freeze_allowance(Case.objects.get(pk=case.pk)))

        # A freeze that is done, then a deduction from it into the case account.
        frozen = _file(judge, approver, "freeze", asset=accounts[0], amount=amount(accounts[0]))
        made.append(frozen)
        if frozen.status == OrderStatus.DONE and frozen.held_amount > 0:
            made.append(_file(judge, approver, "deduct", target=frozen, amount=to_cents(frozen.held_amount / 2)))
        if len(accounts) > 1 and amount(accounts[1]) > 0:
            # Short terms, so that the expiry watch has something to warn about (7 / 15 / 30 days).
            term = (5, 12, 25, 200)[i % 4]
            made.append(_file(judge, approver, "freeze", asset=accounts[1], amount=amount(accounts[1]), term_days=term))
        if len(accounts) > 2 and amount(accounts[2]) > 0:
            state = i % 4
            kw = dict(asset=accounts[2], amount=amount(accounts[2]))
            if state == 0:
                made.append(_file(judge, approver, "freeze", approve=False, submit=False, **kw))  # draft
            elif state == 1:
                made.append(_file(judge, approver, "freeze", approve=False, **kw))  # submitted: the approval queue
            elif state == 2:
                order = order_services.file_order(judge, "freeze", **kw)
                made.append(order_services.reject_order(approver, order, note="请先核实账户余额"))
            else:
                with mock.patch("querycontrol.services.orders.enqueue_send"):
                    made.append(
                        order_services.approve_order(approver, order_services.file_order(judge, "freeze", **kw))
                    )
        if len(accounts) > 3 and i == 0 and amount(accounts[3]) > 0:
            # The bank refuses (its answer through the gateway path): a failed order.
            order = _file(judge, approver, "freeze", send=False, asset=accounts[3], amount=amount(accounts[3]))
            ControlOrder.objects.filter(pk=order.pk).update(status=OrderStatus.SENT)
            made.append(
                sending.apply_result(
                    order.pk,
                    ControlResult(
                        "rejected", order.requested_amount, Decimal("0.00"), message="账户已销户 (account closed)"
                    ),
                )
            )
    # One freeze whose term ran out unrenewed: its expiry moved into the past to stand for time passing.
    old = next((o for o in made if o.kind == "freeze" and o.status == OrderStatus.DONE and o.held_amount > 0), None)
    if old is not None:
        with transaction.atomic():
            ControlOrder.objects.filter(pk=old.pk).update(expires_on=today - datetime.timedelta(days=1))
        sending.lapse_expired(today)
    sending.watch_expiry(today)
    if settings.DEBUG:
        stdout.write(f"网络查控：控制措施状态 {sorted(set(ControlOrder.objects.values_list('status', flat=True)))}")
