"""Fan-out benchmark (docs/design.md §5): institution queries per second, and one respondent against every
institution, each beside the naive baseline of one Celery task per institution.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ec_bench REDIS_URL=redis://127.0.0.1:6379/9 \
        .venv/bin/python bench/fanout.py [--respondents 10] [--concurrency 4] [--skip-realistic]

Real Celery worker processes (not eager mode) on the `query` queue; the simulator answers in-process
behind the connector interface. The database is migrated and the institution catalogue loaded first;
every run uses fresh respondents, so nothing is answered from an earlier run.
Targets: ≥ 2,000 queries/s (zero latency); one respondent ≤ 5 s (zero), ≤ 30 s (realistic).

--http (issue 17): the simulator runs as its own process (`manage.py serve_simulator`, gunicorn) and the
workers reach it through the HTTP connector (httpx, pooled keep-alive connections); each scenario is run
over HTTP and in-process in the same run, beside the in-process figures of bench/README.md.
Targets over HTTP: ≥ 2,000 queries/s (zero latency); one respondent, realistic latency, 8 processes ≤ 5 s.
"""

import argparse
import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "execcenter.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench import results  # noqa: E402
from bench.machine import describe  # noqa: E402
from execcenter.tasks import HEARTBEAT_KEY  # noqa: E402


def machine():
    return (
        f"{describe()} · {connection.vendor} {connection.settings_dict['NAME']} · "
        f"broker {os.environ.get('REDIS_URL', 'filesystem')}"
    )


def load():
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _proc_cpu(match):
    """{pid: CPU seconds (user + system)} of the live processes whose /proc/<pid>/stat fields satisfy `match`."""
    cpu = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()  # after the command name: state, ppid, pgrp, ...
        except OSError:
            continue
        if match(int(entry), fields):
            cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return cpu


def cpu_snapshot(groups):
    """CPU seconds used so far by each named process group ({name: pgid}) and by this database's PostgreSQL
    backends: the load-independent cost of a run (the other engineers' processes share the cores, not these)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        backends = {row[0] for row in cursor.fetchall()}
    snap = {name: _proc_cpu(lambda pid, f, g=pgid: int(f[2]) == g) for name, pgid in groups.items()}
    snap["postgres"] = _proc_cpu(lambda pid, f: pid in backends)
    return snap


def cpu_used(before, after):
    """{name: CPU seconds used between two snapshots} (a process that ended in between is not counted)."""
    return {name: sum(t - before.get(name, {}).get(pid, 0.0) for pid, t in after[name].items()) for name in after}


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Simulator:
    """`manage.py serve_simulator` in a process group of its own, in `latency` mode, until the block ends."""

    def __init__(self, latency, workers, threads):
        self.latency, self.workers, self.threads = latency, workers, threads
        self.url = f"http://127.0.0.1:{free_port()}"

    def __enter__(self):
        import httpx

        env = dict(os.environ, SIMULATOR_LATENCY=self.latency, DJANGO_SETTINGS_MODULE="execcenter.settings")
        port = self.url.rsplit(":", 1)[1]
        self.log = open(ROOT / "var" / "bench-simulator.log", "ab") if (ROOT / "var").exists() else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            [sys.executable, "manage.py", "serve_simulator", "--port", port, "--workers", str(self.workers)]
            + ["--threads", str(self.threads)],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise SystemExit("serve_simulator did not start (var/bench-simulator.log)")
            time.sleep(0.2)

    def __exit__(self, *exc):
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)


class Worker:
    def __init__(self, concurrency, latency, chunk_size, http_url=None):
        self.env = dict(
            os.environ,
            SIMULATOR_LATENCY=latency,
            QUERYCONTROL_CHUNK_SIZE=str(chunk_size),
            DJANGO_SETTINGS_MODULE="execcenter.settings",
        )
        if http_url:
            self.env.update(QUERYCONTROL_CONNECTOR="http", QUERYCONTROL_HTTP_BASE_URL=http_url)
        self.concurrency = concurrency

    def __enter__(self):
        from tests.workers import purge_queues

        purge_queues()
        cache.delete(HEARTBEAT_KEY)
        self.log = open(ROOT / "var" / "bench-worker.log", "ab") if (ROOT / "var").exists() else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "execcenter",
                "worker",
                "-Q",
                "query",
                "-c",
                str(self.concurrency),
                "-n",
                f"bench-{os.getpid()}@%h",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "WARNING",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while cache.get(HEARTBEAT_KEY) is None:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise SystemExit("worker did not start")
            time.sleep(0.2)
        return self

    def __exit__(self, *exc):
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)


def setup_world():
    call_command("migrate", verbosity=0)
    from execcenter.org import load_courts
    from querycontrol.management.commands.load_institutions import load_institutions
    from querycontrol.models import Institution

    load_courts()
    if Institution.objects.count() < 3815:
        load_institutions()
    from django.contrib.auth import get_user_model

    from execcenter.models import Court, Officer

    user, _ = get_user_model().objects.get_or_create(username="bench_judge")
    Officer.objects.get_or_create(
        user=user, defaults={"court": Court.objects.get(code="宁0105"), "name": "基准测试", "roles": ["judge"]}
    )
    return user


_serial = [int(time.time() * 10) % 10**7 * 10]


def new_cases(n):
    """Fresh cases with one respondent each (new ID numbers: nothing cached in the simulator)."""
    from cases.choices import PartyRole
    from cases.models import CaseParty
    from execcenter.models import Court
    from tests.factories import CaseFactory, PartyFactory, make_resident_id

    court = Court.objects.get(code="宁0105")
    cases = []
    for _ in range(n):
        _serial[0] += 1
        case = CaseFactory(court=court, parties=False)
        born = datetime.date(1950, 1, 1) + datetime.timedelta(days=_serial[0] // 1000 % 20000)
        party = PartyFactory(id_number=make_resident_id(_serial[0], division="640105", born=born))
        CaseParty.objects.create(case=case, party=party, role=PartyRole.RESPONDENT)
        cases.append(case)
    return cases


def run(user, cases, timeout):
    """Submit one query per case (all institutions) and wait until every request has finished."""
    from querycontrol.models import QueryRequest
    from querycontrol.services.queries import submit_query

    started = time.perf_counter()
    ids = [submit_query(user, case, purpose="基准测试")[0].pk for case in cases]
    while QueryRequest.objects.filter(pk__in=ids).active().exists():
        if time.perf_counter() - started > timeout:
            break
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    rows = list(QueryRequest.objects.filter(pk__in=ids).values("total", "done", "failed", "status"))
    answered = sum(r["done"] + r["failed"] for r in rows)
    return {
        "elapsed": elapsed,
        "answered": answered,
        "total": sum(r["total"] for r in rows),
        "failed": sum(r["failed"] for r in rows),
        "statuses": sorted({r["status"] for r in rows}),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--respondents", type=int, default=10, help="respondents for the throughput run")
    parser.add_argument(
        "--baseline-respondents", type=int, default=2, help="respondents for the baseline throughput run"
    )
    parser.add_argument("--concurrency", type=int, default=4, help="worker processes")
    parser.add_argument("--chunk-size", type=int, default=200, help="institutions per task (ours)")
    parser.add_argument(
        "--realistic-concurrency",
        type=int,
        default=8,
        help="worker processes for the realistic-latency run (I/O-bound: more processes than cores)",
    )
    parser.add_argument(
        "--only",
        choices=["throughput", "one", "realistic"],
        action="append",
        help="run only these scenarios (repeatable)",
    )
    parser.add_argument("--skip-realistic", action="store_true")
    parser.add_argument(
        "--http",
        action="store_true",
        help="serve the simulator over HTTP (serve_simulator) and compare with in-process in the same run",
    )
    parser.add_argument("--server-workers", type=int, default=os.cpu_count() or 2, help="serve_simulator processes")
    parser.add_argument("--server-threads", type=int, default=32, help="serve_simulator threads per process")
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args()
    user = setup_world()
    if args.http:
        return main_http(args, user)
    from querycontrol.models import Institution

    n_inst = Institution.objects.active().count()
    print(f"machine: {machine()}")
    print(
        f"institutions: {n_inst} · worker processes: {args.concurrency} (realistic latency: {args.realistic_concurrency})"
        f" · chunk: {args.chunk_size} institutions per task\n",
        flush=True,
    )
    rows = []
    scenarios = [
        (
            "throughput",
            "throughput, zero latency",
            "zero",
            args.respondents,
            args.baseline_respondents,
            args.concurrency,
        ),
        ("one", "1 respondent, zero latency", "zero", 1, 1, args.concurrency),
        ("realistic", "1 respondent, realistic latency", "realistic", 1, 1, args.realistic_concurrency),
    ]
    wanted = set(args.only or ["throughput", "one"] + ([] if args.skip_realistic else ["realistic"]))
    for key, title, latency, ours_n, base_n, concurrency in scenarios:
        if key not in wanted:
            continue
        result = {}
        for label, chunk, n in (("chunked", args.chunk_size, ours_n), ("baseline", 1, base_n)):
            with Worker(concurrency, latency, chunk):
                from django.test import override_settings

                with override_settings(QUERYCONTROL_CHUNK_SIZE=chunk):
                    result[label] = run(user, new_cases(n), args.timeout)
        rows.append((title, result))
        for label in ("chunked", "baseline"):
            r = result[label]
            print(
                f"  {title:34s} {label:9s} {r['answered']:>7d}/{r['total']:<7d} answered in {r['elapsed']:7.2f} s "
                f"= {r['answered'] / r['elapsed']:8.0f} queries/s  failed {r['failed']}  {','.join(r['statuses'])}",
                flush=True,
            )
    print(f"\n| scenario | ours (chunks of {args.chunk_size}) | baseline (1 task per institution) | ratio | target |")
    print("|---|---|---|---|---|")
    targets = {
        "throughput, zero latency": "≥ 2,000 q/s",
        "1 respondent, zero latency": "≤ 5 s",
        "1 respondent, realistic latency": "≤ 30 s",
    }
    for title, result in rows:
        ours, base = result["chunked"], result["baseline"]
        if title.startswith("throughput"):
            a, b = ours["answered"] / ours["elapsed"], base["answered"] / base["elapsed"]
            print(f"| {title} | {a:,.0f} q/s | {b:,.0f} q/s | {a / b:.1f}× | {targets[title]} |")
            results.record(
                f"fan-out {title}",
                a,
                "q/s",
                baseline=b,
                better="higher",
                target=targets[title],
                data_size=f"{n_inst:,} institutions × {args.respondents} respondents",
                note="baseline: one task per institution",
            )
        else:
            print(
                f"| {title} | {ours['elapsed']:.2f} s | {base['elapsed']:.2f} s | {base['elapsed'] / ours['elapsed']:.1f}× | {targets[title]} |"
            )
            results.record(
                f"fan-out {title}",
                ours["elapsed"],
                "s",
                baseline=base["elapsed"],
                target=targets[title],
                data_size=f"{n_inst:,} institutions",
                note="baseline: one task per institution",
            )


# bench/README.md "Fan-out": the in-process figures before issue 17 (same machine, chunks of 200).
README_IN_PROCESS = {"throughput": (2265, "q/s"), "one": (2.58, "s"), "realistic": (14.4, "s")}
HTTP_TARGETS = {"throughput": "≥ 2,000 q/s", "one": "≤ 5 s", "realistic": "≤ 5 s"}


def main_http(args, user):
    """Each scenario over HTTP (serve_simulator + the HTTP connector) and in-process, in this run."""
    from querycontrol.models import Institution

    n_inst = Institution.objects.active().count()
    print(f"machine: {machine()} · {load()}")
    print(
        f"institutions: {n_inst} · query worker processes: {args.concurrency} (realistic latency: "
        f"{args.realistic_concurrency}) · chunk: {args.chunk_size} institutions per task · serve_simulator: "
        f"{args.server_workers} processes × {args.server_threads} threads\n",
        flush=True,
    )
    scenarios = [
        ("throughput", f"throughput, zero latency ({args.respondents} respondents)", "zero", args.respondents),
        ("one", "1 respondent, zero latency", "zero", 1),
        ("realistic", "1 respondent, realistic latency", "realistic", 1),
    ]
    wanted = set(args.only or ["throughput", "one"] + ([] if args.skip_realistic else ["realistic"]))
    rows = []
    from django.test import override_settings

    for key, title, latency, n in scenarios:
        if key not in wanted:
            continue
        concurrency = args.realistic_concurrency if key == "realistic" else args.concurrency
        result = {}
        for label in ("http", "in-process"):
            if label == "http":
                with Simulator(latency, args.server_workers, args.server_threads) as sim:
                    with Worker(concurrency, latency, args.chunk_size, http_url=sim.url) as worker:
                        groups = {"workers": worker.proc.pid, "serve_simulator": sim.proc.pid}
                        before, cpu_before = sim_stats(sim.url), cpu_snapshot(groups)
                        with override_settings(QUERYCONTROL_CHUNK_SIZE=args.chunk_size):
                            result[label] = run(user, new_cases(n), args.timeout)
                        after, cpu_after = sim_stats(sim.url), cpu_snapshot(groups)
                result[label]["wire"] = (
                    f"{after['requests'] - before['requests'] - 1} HTTP requests on "
                    f"{after['connections'] - before['connections'] - 1} connections"
                )
            else:
                with Worker(concurrency, latency, args.chunk_size) as worker:
                    cpu_before = cpu_snapshot({"workers": worker.proc.pid})
                    with override_settings(QUERYCONTROL_CHUNK_SIZE=args.chunk_size):
                        result[label] = run(user, new_cases(n), args.timeout)
                    cpu_after = cpu_snapshot({"workers": worker.proc.pid})
            r = result[label]
            r["cpu"] = cpu_used(cpu_before, cpu_after)
            per_1000 = {name: 1000 * t / max(1, r["answered"]) for name, t in r["cpu"].items()}
            r["cpu_per_1000"] = sum(per_1000.values())
            r["cpu_text"] = (
                f"CPU per 1,000 queries {r['cpu_per_1000']:.2f} s ("
                + ", ".join(f"{name} {t:.2f}" for name, t in per_1000.items())
                + ")"
            )
            print(
                f"  {title:44s} {label:10s} {r['answered']:>7d}/{r['total']:<7d} answered in {r['elapsed']:7.2f} s "
                f"= {r['answered'] / r['elapsed']:8.0f} queries/s  failed {r['failed']}  {','.join(r['statuses'])}"
                f"  {r.get('wire', '')}  ({concurrency} processes; {load()})\n{'':58s}{r['cpu_text']}",
                flush=True,
            )
        rows.append((key, title, result))
    print(
        "\n| scenario | over HTTP | in-process, this run | in-process, bench/README.md | target "
        "| CPU s per 1,000 queries, HTTP / in-process |"
    )
    print("|---|---|---|---|---|---|")
    for key, title, result in rows:
        ours, base = result["http"], result["in-process"]
        readme, unit = README_IN_PROCESS[key]
        if key == "throughput":
            a, b = ours["answered"] / ours["elapsed"], base["answered"] / base["elapsed"]
            print(
                f"| {title} | {a:,.0f} q/s | {b:,.0f} q/s | {readme:,} q/s | {HTTP_TARGETS[key]} "
                f"| {ours['cpu_per_1000']:.2f} / {base['cpu_per_1000']:.2f} |"
            )
            results.record(
                f"fan-out over HTTP: {title}",
                a,
                "q/s",
                baseline=b,
                better="higher",
                target=HTTP_TARGETS[key],
                data_size=f"{n_inst:,} institutions × {args.respondents} respondents",
                note=f"baseline: in-process simulator, this run; {ours['wire']}; HTTP {ours['cpu_text']}",
            )
        else:
            print(
                f"| {title} | {ours['elapsed']:.2f} s | {base['elapsed']:.2f} s | {readme} s | {HTTP_TARGETS[key]} "
                f"| {ours['cpu_per_1000']:.2f} / {base['cpu_per_1000']:.2f} |"
            )
            results.record(
                f"fan-out over HTTP: {title}",
                ours["elapsed"],
                "s",
                baseline=base["elapsed"],
                target=HTTP_TARGETS[key],
                data_size=f"{n_inst:,} institutions",
                note=f"baseline: in-process simulator, this run; {ours['wire']}; HTTP {ours['cpu_text']}",
            )


def sim_stats(url):
    import httpx

    return httpx.get(url + "/healthz", timeout=5).json()


if __name__ == "__main__":
    main()
