"""Network queries: submit (purpose-bound, scoped, deduplicated), fan out in chunks, record, finish, cancel.

The request row is saved first and the chunk tasks are enqueued on commit (CONVENTIONS "Jobs"). Each
chunk task asks a slice of institutions about one respondent and writes their answers in one
transaction guarded by a compare-and-swap on the chunk's version, so a redelivered, duplicated or
retried task never writes or counts an answer twice.
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import PartyRole
from cases.closure import (
    REQUERY_PURPOSE,
    record_requery_result,
    release_requery,
    requeries_due,
    requery_open,
    start_requery,
)
from cases.models import Case, CaseParty
from cases.services import add_event
from execcenter import faultpoints, outbox
from execcenter.exceptions import DomainError, InvalidTransition, PermissionDenied, RuleViolation
from execcenter.masking import mask_id_number
from execcenter.money import MoneySum
from execcenter.scope import has_role, is_partner, user_of
from execcenter.services import actor_label, audit
from querycontrol.choices import (
    ACTIVE_QUERY_STATUSES,
    AssetKind,
    ChunkStatus,
    InstitutionAction,
    InstitutionKind,
    QueryResultStatus,
    QueryStatus,
)
from querycontrol.connectors import ConnectorTimeout, Party, get_connector
from querycontrol.models import FoundAsset, Institution, QueryChunk, QueryRequest, QueryResult

from .fanout import run_queries, run_with_prompt_retries
from .stalled import redeliver_stalled

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.db.models import QuerySet
    from django.http import HttpRequest

    from cases.models import RequerySchedule
    from execcenter.services import Actor

QUERY_ROLES = ("judge", "officer")


def chunk_size() -> int:
    return int(settings.QUERYCONTROL_CHUNK_SIZE)


def check_may_query(actor: Actor | None, case: Case, purpose: str | None = None, *, system: bool = False) -> None:
    """A respondent can be queried only within an open case of the requester's scope (docs/design.md §7).

    The one exception is the 终本 re-query (法〔2016〕373号 Art. 9): a case closed as 终本 and not resumed is
    queried again every six months, with the purpose REQUERY_PURPOSE, by the beat (`system=True`, no actor:
    the audit names "system") or by a judge of its court. Raises DomainError 404 / PermissionDenied 403 /
    RuleViolation 400 `case_closed`.
    """
    if not system:
        if not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
            raise DomainError(_("案件不存在 (case not found)"), code="not_found", status=404)
        if is_partner(actor):
            if not actor.allows("query"):
                raise PermissionDenied(_("该 API 密钥无权发起查询 (this key may not start queries)"))
        elif not has_role(actor, *QUERY_ROLES):
            raise PermissionDenied(_("只有执行法官或执行员可以发起网络查询 (only judges and officers may query)"))
    elif actor is not None or (purpose or "").strip() != REQUERY_PURPOSE:
        raise PermissionDenied(
            _("系统只发起终本案件定期查询，且不代表任何人 (the system only runs 终本 re-queries, as nobody)")
        )
    if not case.is_open and not ((purpose or "").strip() == REQUERY_PURPOSE and requery_open(case)):
        raise RuleViolation(
            _("案件已结案，不能发起查询（终本案件可以“%(p)s”为事由查询） (the case is closed)")
            % {"p": REQUERY_PURPOSE},
            code="case_closed",
        )


def fingerprint(case: Case, respondent_ids: Iterable[int], kinds: Iterable[str], extra: str = "") -> str:
    raw = f"{case.pk}|{','.join(map(str, sorted(respondent_ids)))}|{','.join(sorted(kinds))}"
    if extra:
        raw += f"|{extra}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _institutions_for(kinds):
    return [
        i
        for i in Institution.objects.of_kinds(kinds).only("id", "supported_actions")
        if i.supports(InstitutionAction.QUERY)
    ]


_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[A-Za-z]{3,}")


def check_purpose(purpose: str | None) -> None:
    """Refuse a purpose that says nothing (issue 11: every external query is audited with why): it needs two Chinese
    characters (the purposes offered are Chinese, QUERY_PURPOSES) or two English words, and not one character
    repeated. Raises RuleViolation (400, code `purpose_invalid`)."""
    says_something = len(_CJK.findall(purpose)) >= 2 or len(_WORD.findall(purpose)) >= 2
    if not says_something or len(set(purpose.replace(" ", ""))) < 2:
        raise RuleViolation(
            _("查询事由无效：请从列表选择并写明具体事由 (the purpose says nothing: choose one and say why)"),
            code="purpose_invalid",
        )


def submit_query(
    actor: Actor | None,
    case: Case,
    *,
    purpose: str,
    respondents: Iterable[CaseParty | int] | None = None,
    kinds: Iterable[str] | None = None,
    request: HttpRequest | None = None,
    system: bool = False,
    requery: RequerySchedule | None = None,
) -> tuple[QueryRequest, bool]:
    """Save a query request and fan it out on commit. Returns (query_request, created).

    A second identical submission while the first is queued or running returns the first one. `requery` (a
    due cases.RequerySchedule round of this case) ties the query to the round and marks the round running in
    the same transaction; a manual query with the re-query purpose on a 终本 case takes its earliest due round.
    """
    check_may_query(actor, case, purpose, system=system)
    purpose = (purpose or "").strip()
    if not purpose:
        raise RuleViolation(_("请填写查询事由 (a purpose is required)"), code="purpose_required")
    check_purpose(purpose)
    kinds = sorted({str(k) for k in (kinds or [])})
    unknown = set(kinds) - set(InstitutionKind.values)
    if unknown:
        raise RuleViolation(
            _("未知的机构类别：%(k)s (unknown institution kind)") % {"k": "、".join(sorted(unknown))}, code="bad_kind"
        )
    case_respondents = {
        cp.party_id: cp.party
        for cp in CaseParty.objects.filter(case=case, role=PartyRole.RESPONDENT).select_related("party")
    }
    wanted = [getattr(p, "pk", p) for p in respondents] if respondents else list(case_respondents)
    if not wanted:
        raise RuleViolation(_("本案没有被执行人 (the case has no respondent)"), code="no_respondent")
    outside = [pk for pk in wanted if pk not in case_respondents]
    if outside:
        raise RuleViolation(
            _("只能查询本案的被执行人 (only respondents of this case can be queried)"), code="not_respondent"
        )
    wanted = sorted(set(wanted))
    institution_ids = [i.pk for i in _institutions_for(kinds)]
    if not institution_ids:
        raise RuleViolation(_("没有可查询的协助单位 (no institution accepts this query)"), code="no_institution")
    if requery is None and purpose == REQUERY_PURPOSE and not case.is_open:
        requery = requeries_due(case.requeries.all()).order_by("due_on", "id").first()
    plan = dict.fromkeys(wanted, institution_ids)
    key = fingerprint(case, wanted, kinds, f"requery:{requery.pk}" if requery is not None else "")
    return _save_and_fan_out(actor, case, purpose, plan, kinds, key, request=request, requery=requery)


def retry_failed(actor: Actor, qr: QueryRequest, *, request: HttpRequest | None = None) -> tuple[QueryRequest, bool]:
    """Ask again only the institutions that failed or timed out in finished query `qr` (per respondent).

    Same case, purpose and scope rules as the original; a retry already queued or running is returned
    instead of a second one. Returns (query_request, created). Raises InvalidTransition `nothing_to_retry`
    when `qr` is still running or every institution answered.
    """
    if not QueryRequest.objects.visible_to(actor).filter(pk=qr.pk).exists():
        raise DomainError(_("查询请求不存在 (query request not found)"), code="not_found", status=404)
    qr = QueryRequest.objects.select_related("case__court", "requery").get(pk=qr.pk)
    check_may_query(actor, qr.case, qr.purpose)
    if qr.is_active:
        raise InvalidTransition(_("查询尚未结束 (the query is still running)"), code="query_running")
    plan = {}
    for party_id, inst_id in failing_institutions(qr).values_list("respondent_id", "institution_id"):
        plan.setdefault(party_id, []).append(inst_id)
    if not plan:
        raise InvalidTransition(_("该查询没有失败的协助单位 (no institution failed)"), code="nothing_to_retry")
    key = fingerprint(qr.case, plan, qr.institution_kinds, f"retry:{qr.pk}")
    return _save_and_fan_out(
        actor, qr.case, qr.purpose, plan, qr.institution_kinds, key, request=request, requery=qr.requery, retry_of=qr
    )


def _save_and_fan_out(actor, case, purpose, plan, kinds, key, *, request=None, requery=None, retry_of=None):
    """Save the request and its chunks (plan: {respondent id: [institution ids]}), audit it per respondent and
    enqueue the chunks on commit. An active request with the same fingerprint `key` is returned instead."""
    existing = QueryRequest.objects.filter(active_fingerprint=key).first()
    # A request whose every chunk is in but whose final status was never written (the worker died
    # between the two) is finished now rather than handed back as if still running (issue 16).
    if existing and not finish_if_done(existing.pk):
        return existing, False
    size = chunk_size()
    respondents = {
        cp.party_id: cp.party
        for cp in CaseParty.objects.filter(
            case=case, role=PartyRole.RESPONDENT, party_id__in=list(plan)
        ).select_related("party")
    }
    try:
        with transaction.atomic():
            if requery is not None and retry_of is None and not start_requery(requery):
                raise InvalidTransition(
                    _("该轮定期查询已开始或已完成 (the round has started already)"), code="requery_started"
                )
            qr = QueryRequest.objects.create(
                case=case,
                court=case.court,
                institution_kinds=kinds,
                purpose=purpose,
                requested_by=None if is_partner(actor) else user_of(actor),
                requested_by_partner=actor if is_partner(actor) else None,
                requested_by_label=actor_label(actor)[:64],
                active_fingerprint=key,
                total=sum(len(ids) for ids in plan.values()),
                requery=requery,
                retry_of=retry_of,
            )
            qr.respondents.set(sorted(plan))
            chunks = []
            for party_id in sorted(plan):
                ids_all = plan[party_id]
                for n in range(math.ceil(len(ids_all) / size)):
                    ids = ids_all[n * size : (n + 1) * size]
                    chunks.append(
                        QueryChunk(
                            request=qr, respondent_id=party_id, seq=len(chunks), institution_ids=ids, pending_ids=ids
                        )
                    )
            QueryChunk.objects.bulk_create(chunks)
            QueryRequest.objects.filter(pk=qr.pk).update(chunks_total=len(chunks), chunks_left=len(chunks))
            qr.chunks_total = qr.chunks_left = len(chunks)
            # Purpose-bound audit: who queried whose accounts, for which case, why (docs/design.md §7).
            for party_id in sorted(plan):
                party = respondents[party_id]
                audit(
                    actor,
                    "querycontrol.query",
                    qr,
                    court=case.court,
                    request=request,
                    details={
                        "case": case.number,
                        "respondent": party.pk,
                        "respondent_name": party.name,
                        "respondent_id_number": mask_id_number(party.id_number),
                        "purpose": purpose,
                        "institution_kinds": kinds or "all",
                        "institutions": len(plan[party_id]),
                        **({"requery_round": requery.round_no} if requery is not None else {}),
                        **({"retry_of": retry_of.pk} if retry_of is not None else {}),
                    },
                )
            if retry_of is not None:
                summary = _("重新查询失败的协助单位：%(i)s 家（原查询 #%(q)s）") % {"i": qr.total, "q": retry_of.pk}
            else:
                summary = _("发起网络查询：%(n)s 名被执行人、%(i)s 家协助单位") % {
                    "n": len(plan),
                    "i": len(next(iter(plan.values()))),
                }
            if requery is not None and retry_of is None:
                summary = _("终本后第 %(r)s 次定期查询：") % {"r": requery.round_no} + summary
            add_event(case, "query", summary, actor, {"query_request": qr.pk})
            enqueue_chunks(qr.pk)
    except IntegrityError:
        # Lost the race against an identical submission: that one is the fan-out.
        existing = QueryRequest.objects.filter(active_fingerprint=key).first()
        if existing is None:
            raise
        return existing, False
    return qr, True


def enqueue_chunks(request_id: int) -> None:
    """Called inside the submitting transaction: one outbox row per chunk task, committed with the
    request and handed to the broker after commit (or by the relay once a down broker is back)."""
    ids = QueryChunk.objects.filter(request_id=request_id, status=ChunkStatus.PENDING).values_list("pk", flat=True)
    outbox.enqueue("querycontrol.tasks.query_chunk", [(chunk_id,) for chunk_id in ids], fault_point="query.submitted")


def cancel_query(actor: Actor, qr: QueryRequest, *, request: HttpRequest | None = None) -> QueryRequest:
    """Stop a running fan-out: chunks not yet started are never sent; running ones stop between rounds."""
    if not QueryRequest.objects.visible_to(actor).filter(pk=qr.pk).exists():
        raise DomainError(_("查询请求不存在 (query request not found)"), code="not_found", status=404)
    with transaction.atomic():
        if not QueryRequest.objects.filter(pk=qr.pk, status__in=ACTIVE_QUERY_STATUSES).update(cancel_requested=True):
            raise InvalidTransition(_("查询已结束，无法取消 (the query has already finished)"))
        n = QueryChunk.objects.filter(request=qr, status=ChunkStatus.PENDING, runs=0).update(
            status=ChunkStatus.CANCELLED, version=F("version") + 1
        )
        if n:
            QueryRequest.objects.filter(pk=qr.pk).update(chunks_left=F("chunks_left") - n)
        audit(actor, "querycontrol.query.cancel", qr, court=qr.court, request=request)
    finish_if_done(qr.pk)
    qr.refresh_from_db()
    return qr


ASSET_KINDS = frozenset(AssetKind.values)


def _record_assets(qr, chunk, institution_id, assets, now):
    kinds = ASSET_KINDS
    return [
        FoundAsset(
            request=qr,
            case_id=qr.case_id,
            court_id=qr.court_id,
            respondent_id=chunk.respondent_id,
            institution_id=institution_id,
            kind=a.asset_kind if a.asset_kind in kinds else AssetKind.DEPOSIT,
            asset_ref=a.asset_ref[:64],
            description=(a.description or "")[:200],
            balance=a.balance,
            frozen_by_others=a.frozen_by_others,
            details=a.details or {},
            found_at=now,
        )
        for a in assets
    ]


@dataclass(frozen=True)
class _Inst:
    """What the fan-out needs of an institution (cheaper than model instances, ~4,000 per respondent)."""

    pk: int
    code: str
    rate_per_second: int
    max_in_flight: int


def process_chunk(chunk_id: int, *, attempt: int = 1, final_attempt: bool = True) -> int:
    """Run one chunk. Returns the number of institutions left pending for a retry (0 when finished)."""
    chunk = QueryChunk.objects.select_related("request", "respondent").filter(pk=chunk_id).first()
    if chunk is None or chunk.status != ChunkStatus.PENDING:
        return 0
    qr = chunk.request
    if qr.cancel_requested:
        _cancel_chunk(chunk)
        return 0
    # Claim this run: a concurrent duplicate either fails here or loses the write below.
    if not QueryChunk.objects.filter(pk=chunk.pk, version=chunk.version, status=ChunkStatus.PENDING).update(
        version=F("version") + 1, runs=F("runs") + 1, updated_at=timezone.now()
    ):
        return 0
    version = chunk.version + 1
    if qr.status == QueryStatus.QUEUED:
        QueryRequest.objects.filter(pk=qr.pk, status=QueryStatus.QUEUED).update(
            status=QueryStatus.RUNNING, started_at=timezone.now()
        )
    institutions = [
        _Inst(*row)
        for row in Institution.objects.filter(pk__in=chunk.pending_ids).values_list(
            "id", "code", "rate_per_second", "max_in_flight"
        )
    ]
    party = Party(name=chunk.respondent.name, id_number=chunk.respondent.id_number)

    beat = {"at": time.monotonic()}

    def cancelled():
        # Called between rounds: also the run's heartbeat, so that the sweep tells a live run (fresh
        # updated_at) from one whose worker died (stale), and leaves the live one alone.
        if time.monotonic() - beat["at"] >= heartbeat_seconds():
            QueryChunk.objects.filter(pk=chunk.pk, version=version).update(updated_at=timezone.now())
            beat["at"] = time.monotonic()
        return QueryRequest.objects.filter(pk=qr.pk, cancel_requested=True).exists()

    faultpoints.point("query.chunk.claimed")

    # Stop asking well before the soft time limit; whatever is unasked stays pending for the next run.
    deadline = time.monotonic() + max(5, int(settings.CELERY_TASK_SOFT_TIME_LIMIT) // 2)
    answers = run_with_prompt_retries(
        get_connector(),
        institutions,
        party,
        request_ref=str(qr.uuid),
        attempt=attempt,
        should_stop=cancelled,
        deadline=deadline,
        ask=run_queries,
        of_total=len(chunk.institution_ids),
    )
    faultpoints.point("query.chunk.answered")
    now = timezone.now()
    results, assets, retry = [], [], []
    done = failed = 0
    for inst_id in chunk.pending_ids:
        answer = answers.get(inst_id)
        if answer is None or (answer.transient and not final_attempt):
            retry.append(inst_id)
            continue
        if answer.error is None:
            done += 1
            found = _record_assets(qr, chunk, inst_id, answer.assets, now)
            assets += found
            results.append(
                QueryResult(
                    request=qr,
                    respondent_id=chunk.respondent_id,
                    institution_id=inst_id,
                    status=QueryResultStatus.OK,
                    attempts=answer.attempt,
                    latency_ms=answer.latency_ms,
                    found_count=len(found),
                    answered_at=now,
                )
            )
        else:
            failed += 1
            status = (
                QueryResultStatus.TIMEOUT if isinstance(answer.error, ConnectorTimeout) else QueryResultStatus.FAILED
            )
            results.append(
                QueryResult(
                    request=qr,
                    respondent_id=chunk.respondent_id,
                    institution_id=inst_id,
                    status=status,
                    attempts=answer.attempt,
                    latency_ms=answer.latency_ms,
                    error=str(answer.error)[:200] or status,
                    answered_at=now,
                )
            )
    stop = qr.cancel_requested or cancelled()
    finished = not retry or stop
    with transaction.atomic():
        if not QueryChunk.objects.filter(pk=chunk.pk, version=version).update(
            version=F("version") + 1,
            pending_ids=retry,
            updated_at=timezone.now(),
            status=(ChunkStatus.CANCELLED if retry else ChunkStatus.DONE) if finished else ChunkStatus.PENDING,
        ):
            return 0  # a newer run of this chunk owns it now; its answers are the ones recorded
        QueryResult.objects.bulk_create(results)
        FoundAsset.objects.bulk_create(assets)
        QueryRequest.objects.filter(pk=qr.pk).update(
            done=F("done") + done,
            failed=F("failed") + failed,
            found=F("found") + len(assets),
            chunks_left=F("chunks_left") - (1 if finished else 0),
        )
    faultpoints.point("query.chunk.written")
    if finished:
        finish_if_done(qr.pk)
        return 0
    return len(retry)


def _cancel_chunk(chunk):
    with transaction.atomic():
        if QueryChunk.objects.filter(pk=chunk.pk, version=chunk.version, status=ChunkStatus.PENDING).update(
            status=ChunkStatus.CANCELLED, version=F("version") + 1
        ):
            QueryRequest.objects.filter(pk=chunk.request_id).update(chunks_left=F("chunks_left") - 1)
    finish_if_done(chunk.request_id)


def finish_if_done(request_id: int) -> bool:
    """Write the final status once no chunk is pending: complete, partial (failing institutions listed)
    or cancelled. Returns True when this call finished the request (False: still running, or already final).

    Everything is derived from the chunks and result rows, not from the counters alone, so the last
    chunk and the sweep (`finish_stranded_queries`) reach the same answer, and exactly one of them writes it.
    """
    qr = QueryRequest.objects.select_related("case").get(pk=request_id)
    if qr.status not in ACTIVE_QUERY_STATUSES:
        return False
    if QueryChunk.objects.filter(request_id=request_id, status=ChunkStatus.PENDING).exists():
        return False
    by_status = dict(QueryResult.objects.filter(request_id=request_id).values_list("status").annotate(n=Count("id")))
    done = by_status.get(QueryResultStatus.OK, 0)
    failed = sum(by_status.values()) - done
    found = FoundAsset.objects.filter(request_id=request_id).count()
    if qr.cancel_requested:
        status = QueryStatus.CANCELLED
    else:
        status = QueryStatus.COMPLETE if failed == 0 else QueryStatus.PARTIAL
    with transaction.atomic():
        if not (
            QueryRequest.objects.filter(pk=qr.pk, status__in=ACTIVE_QUERY_STATUSES)
            .exclude(chunks__status=ChunkStatus.PENDING)
            .update(
                status=status,
                finished_at=timezone.now(),
                active_fingerprint=None,
                done=done,
                failed=failed,
                found=found,
                chunks_left=0,
            )
        ):
            return False
        qr.status, qr.done, qr.failed, qr.found = status, done, failed, found
        add_event(
            qr.case,
            "query",
            _("网络查询%(status)s：反馈 %(done)s 家，失败 %(failed)s 家，发现财产 %(found)s 项")
            % {
                "status": QueryStatus(status).label,
                "done": qr.done,
                "failed": qr.failed,
                "found": qr.found,
            },
            None,
            {"query_request": qr.pk, "status": status},
        )
        if qr.requery_id is not None:
            _finish_requery(qr, status)
    faultpoints.point("query.request.finished")
    return True


def finish_stranded_queries() -> int:
    """Sweep: finish every active request with no pending chunk (its last chunk's worker died before
    writing the final status). Returns how many it finished."""
    ids = list(
        QueryRequest.objects.filter(status__in=ACTIVE_QUERY_STATUSES)
        .exclude(chunks__status=ChunkStatus.PENDING)
        .values_list("pk", flat=True)
    )
    return sum(1 for pk in ids if finish_if_done(pk))


def _finish_requery(qr, status):
    """Hand a re-query round its result: what can be enforced (money or value nobody else froze) and what
    did not answer. A cancelled first query gives the round back to the beat."""
    if status == QueryStatus.CANCELLED:
        if qr.retry_of_id is None:
            release_requery(qr.requery, _("查询已取消 (cancelled)"))
        return
    usable = FoundAsset.objects.filter(request=qr, balance__gt=F("frozen_by_others"))
    totals = usable.aggregate(n=Count("id"), value=MoneySum(F("balance") - F("frozen_by_others")))
    record_requery_result(
        qr.requery, found=totals["n"], found_value=totals["value"] or Decimal("0.00"), failed=qr.failed, query_ref=qr.pk
    )


def property_investigation_done(case: Case) -> bool:
    """Registered with cases.hooks (终本 condition: network query done on every respondent).

    A finished request counts whether complete or partial: the institutions that failed after their
    retries are listed on it and can be asked again, but the investigation itself was carried out.
    """
    # A network investigation recorded on the case itself (e.g. run through the national 总对总 system
    # and reported by the case-handling system) counts as well.
    investigations = getattr(case, "investigations", None)
    if investigations is not None and investigations.filter(method="network", exhausted=True).exists():
        return True
    respondent_ids = set(
        CaseParty.objects.filter(case=case, role=PartyRole.RESPONDENT).values_list("party_id", flat=True)
    )
    if not respondent_ids:
        return False
    queried = set(
        QueryRequest.respondents.through.objects.filter(
            queryrequest__case=case,
            queryrequest__status__in=[QueryStatus.COMPLETE, QueryStatus.PARTIAL],
        ).values_list("party_id", flat=True)
    )
    return respondent_ids <= queried


def failing_institutions(qr: QueryRequest) -> QuerySet[QueryResult]:
    """Institutions that did not answer (failed or timed out after their retries)."""
    return (
        QueryResult.objects.filter(request=qr, status__in=[QueryResultStatus.FAILED, QueryResultStatus.TIMEOUT])
        .select_related("institution", "respondent")
        .order_by("institution__name")
    )


def heartbeat_seconds() -> int:
    """How often a running chunk touches its row (QUERYCONTROL_CHUNK_HEARTBEAT_SECONDS, default 5)."""
    return int(settings.QUERYCONTROL_CHUNK_HEARTBEAT_SECONDS)


def chunk_stale_seconds() -> int:
    """A pending chunk untouched this long lost its run (QUERYCONTROL_CHUNK_STALE_SECONDS, default 30):
    well above the heartbeat and one round of answers (≤ the connector timeout, 10 s)."""
    return int(settings.QUERYCONTROL_CHUNK_STALE_SECONDS)


def resume_stalled_queries(older_than: timedelta | None = None) -> int:
    """Sweep: re-enqueue chunks whose message or run was lost, and finish requests left without a final
    status. Running a chunk twice is harmless (compare-and-swap on its version). Returns chunks re-sent.

    A chunk that was started (runs > 0) and has not beaten for `older_than` lost its worker: re-sent.
    A chunk never started may simply wait its turn in a busy queue, so it is re-sent only when the
    broker's `query` queue is empty (its message is then gone: a killed worker held it unacked, or the
    broker restarted without it); that keeps a long queue from being copied on every sweep.
    """
    from execcenter.broker import queue_size
    from querycontrol.tasks import query_chunk

    owed = QueryChunk.objects.filter(status=ChunkStatus.PENDING, request__status__in=ACTIVE_QUERY_STATUSES)
    if queue_size("query") not in (0, None):
        owed = owed.filter(runs__gt=0)
    resent = redeliver_stalled(
        owed,
        query_chunk.delay,
        older_than=older_than if older_than is not None else timedelta(seconds=chunk_stale_seconds()),
    )
    finish_stranded_queries()
    return resent
