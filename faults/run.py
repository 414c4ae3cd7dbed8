"""`make faults`: scripted fault runs (issue 16), each printing expected vs present, duplicates and time to settle.

    .venv/bin/python faults/run.py                          # every scenario, 300 institutions
    .venv/bin/python faults/run.py --scenarios kill-fanout,web-kill --institutions 60   # the CI subset

Each scenario drives the product through its services (as the web does) or its HTTP API, against PostgreSQL
(database `ec_faults` by default, dropped and rebuilt), a Redis server started on a free port of its own, and
real Celery worker and beat processes; injects its fault; waits for the sweeps; then checks the invariants
of faults/checks.py. "Settle" is the time from the fault clearing (worker restarted, Redis answering again,
connections terminated) to every piece of work final. The sweep and stale settings in force are printed
with the table (execcenter/settings: QUERYCONTROL_SWEEP_SECONDS, *_STALE_SECONDS, OUTBOX_RELAY_SECONDS).

Exit status 0 only when every invariant of every scenario held.
"""

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from faults.world import ROOT, World, free_port, wait_until  # noqa: E402

SCENARIOS = [
    "kill-fanout",
    "kill-orders",
    "redis-restart",
    "pg-terminate",
    "duplicate-delivery",
    "garbage",
    "two-beats",
    "web-kill",
]
SETTLE_LIMIT = 240  # seconds a scenario may take to settle before it counts as failed


class Run:
    def __init__(self, world, args):
        self.world, self.args = world, args
        self.rows = []
        self.n = 0

    # --- setup ----------------------------------------------------------------------------------------------

    def seed(self):
        from django.contrib.auth import get_user_model

        from execcenter.choices import PartnerAction, PartnerKind, Role
        from execcenter.models import Court, Officer
        from execcenter.org import create_demo_partner, load_courts
        from querycontrol.management.commands.load_institutions import load_institutions
        from querycontrol.models import Institution
        from querycontrol.ratelimit import get_rate_limiter
        from simulator.models import SimInstitution

        load_courts()
        load_institutions()
        keep = list(Institution.objects.order_by("id").values_list("code", flat=True)[: self.args.institutions])
        Institution.objects.exclude(code__in=keep).update(is_active=False)
        low, high = self.world.latency
        Institution.objects.filter(code__in=keep).update(rate_per_second=1000, max_in_flight=200)
        # How the simulated institutions behave is the simulator's business (its own table, not the product's).
        SimInstitution.objects.filter(code__in=keep).update(
            latency_min_ms=low, latency_max_ms=high, failure_rate=0, timeout_rate=0
        )
        get_rate_limiter().reset(keep)
        court = Court.objects.get(code="宁0105")
        User = get_user_model()
        self.judge = User.objects.create_user("fault_judge", password="x")
        Officer.objects.create(user=self.judge, court=court, name="张伟", roles=[Role.JUDGE.value])
        self.approver = User.objects.create_user("fault_approver", password="x")
        Officer.objects.create(user=self.approver, court=court, name="陈刚", roles=[Role.APPROVER.value])
        self.partner, self.partner_key = create_demo_partner(
            "故障演练办案系统",
            PartnerKind.CASE_SYSTEM,
            "宁01",
            [PartnerAction.READ, PartnerAction.WRITE_CASES, PartnerAction.QUERY, PartnerAction.CONTROL],
        )
        self.rich = self._rich_ids()

    def _rich_ids(self):
        """Resident IDs holding > 50,000 yuan at 工商银行 that nobody else froze (the simulator's generation)."""
        from django.utils import timezone

        from simulator.generation import Profile, holdings
        from tests.factories import make_resident_id

        out, day = [], dt.date(1970, 1, 1)
        profile = Profile(code="BANK-ICBC", kind="bank", category="state_bank")
        while len(out) < 200:
            for n in range(40):
                id_number = make_resident_id(n, division="640105", born=day)
                if any(
                    s.is_cash and s.balance > 50000 and s.external is None
                    for s in holdings(id_number, profile, timezone.localdate())
                ):
                    out.append(id_number)
                    break
            day += dt.timedelta(days=1)
        return iter(out)

    def case(self, respondents=1, rich=False):
        from cases.choices import PartyRole
        from cases.models import CaseParty
        from execcenter.models import Court
        from tests.factories import CaseFactory, PartyFactory, make_resident_id

        self.n += 1
        claim = Decimal("100000.00")
        case = CaseFactory(
            court=Court.objects.get(code="宁0105"), claim_amount=claim, outstanding_amount=claim, parties=False
        )
        CaseParty.objects.create(case=case, party=PartyFactory(), role=PartyRole.APPLICANT)
        for k in range(respondents):
            id_number = (
                next(self.rich)
                if rich
                else make_resident_id(self.n * 10 + k, born=dt.date(1960, 1, 1) + dt.timedelta(days=self.n))
            )
            CaseParty.objects.create(case=case, party=PartyFactory(id_number=id_number), role=PartyRole.RESPONDENT)
        return case

    def fanout(self, respondents=5):
        from querycontrol.services import queries

        qr, created = queries.submit_query(self.judge, self.case(respondents), purpose="故障演练：财产调查")
        assert created
        return qr

    def deposits(self, n):
        """n cases, each with a deposit found at 工商银行 (queried in this process, zero latency, one bank)."""
        from unittest import mock

        from django.test import override_settings

        from querycontrol.models import FoundAsset
        from querycontrol.services import queries

        cases, query_ids = [], []
        # Asked here at zero latency and never handed to the workers: this is the scenario's setup, not its load.
        with (
            override_settings(SIMULATOR_LATENCY="zero", QUERYCONTROL_QUERY_THREADS=1),
            mock.patch("querycontrol.services.queries.enqueue_chunks"),
        ):
            for _ in range(n):
                case = self.case(rich=True)
                qr, _c = queries.submit_query(self.judge, case, purpose="故障演练：控制前查询", kinds=["bank"])
                for chunk in qr.chunks.filter(status="pending"):
                    queries.process_chunk(chunk.pk)
                cases.append(case)
                query_ids.append(qr.pk)
        self.settle(query_ids, [])
        out = []
        for case in cases:
            asset = (
                FoundAsset.objects.filter(case=case, institution__code="BANK-ICBC", kind="deposit")
                .order_by("frozen_by_others", "-balance")
                .first()
            )
            if asset is None:
                raise RuntimeError(f"no deposit found for {case.number}")
            out.append(asset)
        return out

    def freezes(self, assets, amount="40000.00"):
        from querycontrol.services import orders

        return [
            orders.approve_order(
                self.approver, orders.file_order(self.judge, "freeze", asset=a, amount=Decimal(amount))
            ).pk
            for a in assets
        ]

    def deductions(self, freeze_ids, amount="25000.00"):
        from querycontrol.models import ControlOrder
        from querycontrol.services import orders

        return [
            orders.approve_order(
                self.approver,
                orders.file_order(self.judge, "deduct", target=ControlOrder.objects.get(pk=pk), amount=Decimal(amount)),
            ).pk
            for pk in freeze_ids
        ]

    # --- measuring --------------------------------------------------------------------------------------------

    def settle(self, query_ids, order_ids):
        from faults import checks

        return wait_until(
            lambda: checks.active_work(query_ids, order_ids) == 0 and not checks.nothing_in_between(),
            SETTLE_LIMIT,
            interval=0.5,
            what="work settled",
        )

    def record(self, scenario, fault, query_ids=(), order_ids=(), settle_s=None, allow_failed=False, extra=None):
        from faults import checks

        parts = []
        if query_ids:
            parts.append(("queries", checks.queries(query_ids)))
        if order_ids:
            parts.append(("orders", checks.orders(order_ids, allow_failed=allow_failed)))
        problems = [p for _k, part in parts for p in part["problems"]] + checks.nothing_in_between() + (extra or [])
        for kind, part in parts:
            self.rows.append(
                {
                    "scenario": scenario,
                    "fault": fault,
                    "work": kind,
                    "expected": part["expected"],
                    "present": part["present"],
                    "duplicates": part["duplicates"],
                    "settle_s": None if settle_s is None else round(settle_s, 1),
                    "ok": not problems,
                    "problems": problems[:5],
                }
            )
        print(f"  {scenario}: {'OK' if not problems else 'FAILED ' + '; '.join(problems[:5])}", flush=True)

    def wait_progress(self, query_ids, fraction):
        from faults import checks
        from querycontrol.models import QueryRequest

        total = sum(QueryRequest.objects.filter(pk__in=query_ids).values_list("total", flat=True))
        wait_until(
            lambda: checks.answered(query_ids) >= total * fraction, 120, interval=0.1, what=f"{fraction:.0%} answered"
        )

    # --- scenarios --------------------------------------------------------------------------------------------

    def kill_fanout(self):
        w = self.world.workers[0]
        qr = self.fanout(5)
        self.wait_progress([qr.pk], 0.15)
        self.world.restart_worker(w)  # SIGKILL of the worker and its pool, then a fresh one
        self.record(
            "kill-fanout", "SIGKILL worker at 15% of a 5-respondent fan-out", [qr.pk], settle_s=self.settle([qr.pk], [])
        )

    def kill_orders(self):
        from faults import checks

        assets = self.deposits(50)
        ids = self.freezes(assets)
        wait_until(lambda: checks.count_status(ids, "done") >= 10, 120, interval=0.1, what="10 freezes done")
        self.world.restart_worker(self.world.workers[0])
        settle_freeze = self.settle([], ids)
        deducts = self.deductions(ids[:20])
        wait_until(lambda: checks.count_status(deducts, "done") >= 4, 120, interval=0.1, what="4 deductions done")
        self.world.restart_worker(self.world.workers[0])
        settle_deduct = self.settle([], deducts)
        self.record("kill-orders", "SIGKILL worker during 50 freezes", order_ids=ids, settle_s=settle_freeze)
        self.record("kill-orders", "SIGKILL worker during 20 deductions", order_ids=deducts, settle_s=settle_deduct)

    def redis_restart(self):
        assets = self.deposits(20)
        qr = self.fanout(5)
        ids = self.freezes(assets)
        self.wait_progress([qr.pk], 0.15)
        self.world.redis.restart()  # returns once Redis answers again: the fault has cleared
        settled = self.settle([qr.pk], ids)
        self.record(
            "redis-restart",
            "Redis (broker + cache) SIGKILLed and restarted empty mid fan-out and mid 20 freezes",
            [qr.pk],
            ids,
            settle_s=settled,
        )

    def pg_terminate(self):
        assets = self.deposits(20)
        qr = self.fanout(5)
        ids = self.freezes(assets)
        self.wait_progress([qr.pk], 0.15)
        terminated = self.world.terminate_connections()
        self.record(
            "pg-terminate",
            f"pg_terminate_backend on the workers' {terminated} connections mid-run",
            [qr.pk],
            ids,
            settle_s=self.settle([qr.pk], ids),
        )

    def duplicate_delivery(self):
        from querycontrol.models import QueryChunk
        from querycontrol.tasks import query_chunk, send_order

        second = self.world.worker("worker-2")
        assets = self.deposits(20)
        qr = self.fanout(2)
        ids = self.freezes(assets)
        for pk in ids:
            send_order.delay(pk)  # each order's send now sits twice in the queue, for two workers
        for pk in QueryChunk.objects.filter(request=qr).values_list("pk", flat=True):
            query_chunk.delay(pk)
        started = time.monotonic()
        self.settle([qr.pk], ids)
        self.record(
            "duplicate-delivery",
            "every send and chunk task delivered twice, two workers",
            [qr.pk],
            ids,
            settle_s=time.monotonic() - started,
        )
        second.stop()
        self.world.workers.remove(second)

    def garbage(self):
        from querycontrol.models import Institution, QueryResult
        from simulator.models import SimInstitution

        codes = list(Institution.objects.filter(is_active=True).order_by("-id").values_list("code", flat=True)[:10])
        garbage, timeouts = codes[:6], codes[6:]
        SimInstitution.objects.filter(code__in=timeouts).update(timeout_rate=1, latency_min_ms=100, latency_max_ms=300)
        w = self.world.workers[0]
        w.kill()
        self.world.workers.remove(w)
        self.world.worker(w.name, {"SIMULATOR_GARBAGE_CODES": ",".join(garbage)})
        self.world.wait_worker_ready()
        qr = self.fanout(2)
        settle_s = self.settle([qr.pk], [])
        failing = set(
            QueryResult.objects.filter(request=qr).exclude(status="ok").values_list("institution__code", flat=True)
        )
        extra = [] if failing == set(codes) else [f"failing {sorted(failing)} ≠ expected {sorted(codes)}"]
        self.record("garbage", "6 institutions answer garbage, 4 time out", [qr.pk], settle_s=settle_s, extra=extra)
        SimInstitution.objects.filter(code__in=timeouts).update(
            timeout_rate=0, latency_min_ms=self.world.latency[0], latency_max_ms=self.world.latency[1]
        )
        self.world.restart_worker(self.world.workers[0])

    def two_beats(self):
        second = self.world.beat("beat-2")
        assets = self.deposits(10)
        qr = self.fanout(3)
        ids = self.freezes(assets)
        started = time.monotonic()
        self.settle([qr.pk], ids)
        elapsed = time.monotonic() - started
        time.sleep(max(0, self.args.beat_seconds - elapsed))  # both beats keep sweeping over settled work
        self.record(
            "two-beats",
            f"two beat processes at once for {max(self.args.beat_seconds, elapsed):.0f} s",
            [qr.pk],
            ids,
            settle_s=elapsed,
        )
        second.stop()
        self.world.beats.remove(second)

    def web_kill(self):
        from querycontrol.models import QueryRequest

        port = free_port()
        case = self.case(2)
        self.world.start_web(port, {"EC_FAULT_POINTS": "query.submitted=kill-once"})
        body = json.dumps({"case": case.pk, "purpose": "故障演练：接口幂等"}).encode()
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Api-Key {self.partner_key}",
            "Idempotency-Key": f"fault-web-kill-{case.pk}",
        }

        def post():
            req = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1/query-requests/", data=body, headers=headers, method="POST"
            )
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, json.loads(r.read()), r.headers.get("Idempotent-Replay")

        try:
            post()
            extra = ["the web process was not killed mid-request"]
        except (urllib.error.URLError, ConnectionError, OSError):
            extra = []
        self.world.web.stop()
        self.world.start_web(port)  # restarted without the fault
        status, answer, replay = post()
        qr_ids = list(QueryRequest.objects.filter(case=case).values_list("pk", flat=True))
        if len(qr_ids) != 1 or answer.get("id") != qr_ids[0] or replay != "true":
            extra.append(f"requests {qr_ids}, retry answered {status} id {answer.get('id')} replay={replay}")
        settle_s = self.settle(qr_ids, [])
        self.record(
            "web-kill",
            "web killed after committing an Idempotency-Key POST, client retries",
            qr_ids,
            settle_s=settle_s,
            extra=extra,
        )
        self.world.web.stop()
        self.world.web = None


def settings_line():
    from django.conf import settings

    beat = settings.CELERY_BEAT_SCHEDULE
    return (
        f"sweep every {beat['querycontrol-resume-stalled']['schedule']:.0f} s; chunk stale after "
        f"{settings.QUERYCONTROL_CHUNK_STALE_SECONDS} s (heartbeat {settings.QUERYCONTROL_CHUNK_HEARTBEAT_SECONDS} s); "
        f"order stale after {settings.QUERYCONTROL_ORDER_STALE_SECONDS} s; outbox relay every "
        f"{beat['execcenter-relay-outbox']['schedule']:.0f} s; Redis visibility timeout "
        f"{settings.CELERY_BROKER_TRANSPORT_OPTIONS.get('visibility_timeout')} s"
    )


def table(rows):
    head = ["scenario", "fault", "work", "expected", "present", "dup", "settle s", "invariants"]
    lines = [
        [
            r["scenario"],
            r["fault"],
            r["work"],
            str(r["expected"]),
            str(r["present"]),
            str(r["duplicates"]),
            "—" if r["settle_s"] is None else f"{r['settle_s']:.1f}",
            "hold" if r["ok"] else "BROKEN",
        ]
        for r in rows
    ]
    widths = [max(len(h), *(len(line[i]) for line in lines)) if lines else len(h) for i, h in enumerate(head)]
    out = [
        "| " + " | ".join(h.ljust(w) for h, w in zip(head, widths)) + " |",
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    out += ["| " + " | ".join(c.ljust(w) for c, w in zip(line, widths)) + " |" for line in lines]
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--institutions", type=int, default=300, help="active institutions (3860: the whole catalogue)")
    parser.add_argument("--database", default=os.environ.get("FAULTS_DATABASE", "ec_faults"))
    parser.add_argument("--beat-seconds", type=float, default=60, help="how long two beats run side by side")
    parser.add_argument("--json", default=str(ROOT / "var" / "faults" / "latest.json"))
    args = parser.parse_args(argv)
    wanted = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = set(wanted) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")

    world = World(database=args.database, log_dir=ROOT / "var" / "faults", institutions=args.institutions)
    world.start_redis()
    started = time.monotonic()
    try:
        world.create_database()
        import django

        django.setup()
        run = Run(world, args)
        run.seed()
        world.worker("worker-1")
        world.wait_worker_ready()
        world.beat("beat-1")
        print(
            f"fault runs: {args.institutions} institutions, Redis on port {world.redis.port}, database {args.database}",
            flush=True,
        )
        for name in wanted:
            print(f"- {name}", flush=True)
            try:
                getattr(run, name.replace("-", "_"))()
            except Exception as exc:  # a scenario that cannot finish is reported as broken, the others still run
                run.rows.append(
                    {
                        "scenario": name,
                        "fault": f"did not finish: {type(exc).__name__}: {exc}"[:120],
                        "work": "—",
                        "expected": "—",
                        "present": "—",
                        "duplicates": "—",
                        "settle_s": None,
                        "ok": False,
                        "problems": [str(exc)[:200]],
                    }
                )
                print(f"  {name}: FAILED {exc}", flush=True)
    finally:
        world.close()
    from bench.machine import describe

    settles = [r["settle_s"] for r in run.rows if r["settle_s"] is not None]
    print()
    print(table(run.rows))
    print()
    print(
        f"settle: median {statistics.median(settles):.1f} s, max {max(settles):.1f} s over {len(settles)} rows"
        if settles
        else ""
    )
    print(f"settings: {settings_line()}")
    print(f"machine: {describe()}; wall time {time.monotonic() - started:.0f} s")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(
        json.dumps(
            {"rows": run.rows, "settings": settings_line(), "machine": describe(), "institutions": args.institutions},
            ensure_ascii=False,
            indent=1,
            default=str,
        )
    )
    return 0 if run.rows and all(r["ok"] for r in run.rows) else 1


if __name__ == "__main__":
    sys.exit(main())
