"""Export benchmark (docs/design.md §5: exports of 100,000 rows streamed with bounded memory; issue 12 §4).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ec_export .venv/bin/python bench/export.py [--cases 100000]

Tops the database up to --cases cases (bench/seed.py's generator; the database is created and migrated when
missing, never dropped), then exports the whole case list as the high court's director (scope: the province)
through Django's test client in-process:
- ours: GET /cases/export.xlsx, the streamed response (execcenter.spreadsheets.iter_xlsx, rows read in chunks);
- naive baseline: what a first implementation does — every case as a model instance with its parties prefetched,
  appended to an openpyxl Workbook, saved to memory, returned whole.
Each variant runs in its own forked process, timed (seconds to the first byte and to the last), with the peak
growth of the process's resident memory (ru_maxrss minus the resident size at its start). With --traced each also
runs once more under tracemalloc for the peak of Python allocations (slow: that run is not timed). The streamed
file is checked to hold every case. The load average is printed before and after: the machine may be shared.
"""

import argparse
import gc
import io
import multiprocessing
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "execcenter.settings")
for name, value in (
    ("DJANGO_DEBUG", "False"),
    ("SECRET_KEY", "bench-export-" + "x" * 40),
    ("ALLOWED_HOSTS", "127.0.0.1,testserver"),
    ("SECURE_SSL_REDIRECT", "False"),
):
    os.environ.setdefault(name, value)

from bench.machine import describe as machine  # noqa: E402


def ensure_database():
    import environ

    url = environ.Env().db("DATABASE_URL")
    base = ["psql", "-h", url["HOST"] or "127.0.0.1", "-U", url["USER"] or "postgres", "-q", "-d", "postgres", "-tA"]
    exists = subprocess.run(
        base + ["-c", f"SELECT 1 FROM pg_database WHERE datname = '{url['NAME']}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(base + ["-c", f'CREATE DATABASE "{url["NAME"]}"'], check=True)


def rss_kib():
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS"))


def ours(user):
    """→ (seconds to first byte, seconds total, bytes) of the streamed export."""
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    started = time.perf_counter()
    response = client.get("/cases/export.xlsx")
    assert response.status_code == 200 and response.streaming
    first = None
    size = 0
    sink = open(os.devnull, "wb")  # a client writing the file to disk as it arrives
    for chunk in response.streaming_content:
        if first is None:
            first = time.perf_counter() - started
        size += len(chunk)
        sink.write(chunk)
    return first, time.perf_counter() - started, size, None


def naive(user):
    """The whole workbook built in memory from model instances, then returned (the first byte is the last)."""
    from django.db.models import Prefetch
    from openpyxl import Workbook

    from cases.models import Case, CaseParty

    started = time.perf_counter()
    cases = list(
        Case.objects.visible_to(user)
        .select_related("court", "assigned_judge")
        .prefetch_related(Prefetch("case_parties", queryset=CaseParty.objects.select_related("party")))
        .order_by("-filed_on", "-id")
    )
    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "案号",
            "执行法院",
            "案件类型",
            "案由",
            "申请执行人",
            "被执行人",
            "被执行人证件号码",
            "立案日期",
            "状态",
            "承办法官",
            "申请执行标的",
            "执行到位金额",
            "未执行金额",
            "执行费用",
            "法定审限届满日",
            "结案方式",
            "结案日期",
        ]
    )
    for c in cases:
        parties = list(c.case_parties.all())
        ws.append(
            [
                c.number,
                c.court.name,
                c.get_case_type_display(),
                c.cause,
                "、".join(p.party.name for p in parties if p.role == "applicant"),
                "、".join(p.party.name for p in parties if p.role == "respondent"),
                "、".join(p.party.id_number for p in parties if p.role == "respondent"),
                str(c.filed_on),
                c.get_status_display(),
                c.assigned_judge.name if c.assigned_judge else "",
                str(c.claim_amount),
                str(c.recovered_amount),
                str(c.outstanding_amount),
                str(c.costs_amount),
                str(c.statutory_deadline),
                c.get_closure_type_display(),
                str(c.closed_on or ""),
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    content = buf.getvalue()
    elapsed = time.perf_counter() - started
    return elapsed, elapsed, len(content), content


def _child(variant, username, traced, queue):
    from django.db import connections

    for conn in connections.all():
        conn.close()  # the forked child opens its own connection
    from execcenter.models import Officer

    user = Officer.objects.select_related("user").get(user__username=username).user
    gc.collect()
    start_rss = rss_kib()
    if traced:
        tracemalloc.start()
    first, total, size, content = (ours if variant == "ours" else naive)(user)
    peak = tracemalloc.get_traced_memory()[1] if traced else None
    if traced:
        tracemalloc.stop()
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start_rss  # KiB on Linux
    queue.put(
        {
            "first": first,
            "total": total,
            "size": size,
            "rss_mib": grown / 1024,
            "traced_mib": peak / 2**20 if peak else None,
        }
    )


def run(variant, username, traced):
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    process = ctx.Process(target=_child, args=(variant, username, traced, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def count_rows(username):
    """Rows of the streamed file (openpyxl read-only), to check it holds every case."""
    from django.test import Client
    from openpyxl import load_workbook

    from execcenter.models import Officer

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(Officer.objects.get(user__username=username).user)
    content = b"".join(client.get("/cases/export.xlsx").streaming_content)
    return sum(1 for _ in load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True)) - 2


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument(
        "--user", default="director", help="demo login whose scope is exported (director: the province)"
    )
    parser.add_argument("--traced", action="store_true", help="also measure peak Python allocations with tracemalloc")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL database (created when missing, topped up to --cases)")
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from cases.demo_bulk import generate_cases
    from cases.models import Case
    from execcenter.org import create_demo_logins, load_courts

    load_courts()
    create_demo_logins()
    made = generate_cases(args.cases, seed=20241)
    total = Case.objects.count()
    connection.close()
    print(
        f"machine: {machine()}\ndatabase: PostgreSQL, {total:,} cases ({made:,} added now); exported as '{args.user}'"
    )
    print(f"load average before: {os.getloadavg()}\n", flush=True)
    print(
        "| export of the case list | rows | first byte s | total s | file MiB | peak RSS growth MiB | peak Python allocations MiB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|", flush=True)
    labels = {"ours": "streamed .xlsx (execcenter.spreadsheets)", "naive": "baseline: openpyxl Workbook in memory"}
    results = {}
    for variant in ("ours", "naive"):
        timed = run(variant, args.user, traced=False)
        traced = run(variant, args.user, traced=True)["traced_mib"] if args.traced else None
        results[variant] = timed
        print(
            f"| {labels[variant]} | {total:,} | {timed['first']:.2f} | {timed['total']:.2f} | {timed['size'] / 2**20:.1f} | "
            f"{timed['rss_mib']:.0f} | {f'{traced:.0f}' if traced is not None else '—'} |",
            flush=True,
        )
    ours_t, naive_t = results["ours"], results["naive"]
    print(
        f"\nratio (baseline / ours): time {naive_t['total'] / ours_t['total']:.1f}×, first byte "
        f"{naive_t['first'] / ours_t['first']:.0f}×, peak RSS growth {naive_t['rss_mib'] / max(ours_t['rss_mib'], 1):.0f}×"
    )
    print(f"load average after: {os.getloadavg()}", flush=True)
    rows = count_rows(args.user)
    print(f"rows in the streamed file: {rows:,} (cases in scope: {total:,})")
    from bench import results as bench_results

    size = f"{total:,} cases"
    bench_results.record(
        "case-list export (.xlsx), total",
        ours_t["total"],
        "s",
        baseline=naive_t["total"],
        data_size=size,
        note="baseline: openpyxl Workbook in memory",
    )
    bench_results.record(
        "case-list export, peak RSS growth",
        ours_t["rss_mib"],
        "MiB",
        baseline=naive_t["rss_mib"],
        target="bounded (not growing with rows)",
        data_size=size,
    )


if __name__ == "__main__":
    main()
