"""Full snapshot refresh at scale (issue 17 item 2: ≤ 10 s at 10,000,000 cases over ~200 courts; memory bounded).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ec_10m REDIS_URL=redis://127.0.0.1:6379/3 \\
        .venv/bin/python bench/refresh.py [--runs 3] [--baseline-runs 1]

Times `dashboards.snapshots.refresh(force=True)` — every module for every court scope, the refresher's whole-province
pass — with the case modules (1–10, 38) reading the case tally (cases.tally, kept by triggers), beside the baseline:
the same refresh with DASHBOARD_CASE_TALLY = False, i.e. those modules scanning the case table as they did at
1,000,000 cases. Each variant runs in its own process, whose peak resident set (ru_maxrss) is the refresh worker's
peak RSS (Django and the modules loaded included). Prints the slowest modules, the load average before and after
each variant (the machine may be shared), the data size and the machine.

`--changes N` (default 30; 0: skip) then times the incremental refresh (issue 17 item 2: ≤ 1 s at 10M): in its own
process, the screens' refresher loop (`dashboards.refresher.Refresher`) gathers the province once, then N changes are
made one at a time through the services in random basic courts (a receipt booked, an alert raised, a case moved
along its flow: bench/freshness.py's changes), each committing its dirty marks, and the refresher's next round is
timed: the modules that read the changed kinds, for the changed court and the scopes above it, republished. The
non-additive modules (indicators, ranking) a change also marks are queued by the loop and gathered over the
province one a round, at most every SCREEN_HEAVY_MIN_SECONDS: those rounds are timed apart. Baseline: what a change
cost before issue 17, the full refresh above (every module over the province).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "execcenter.settings")


def load_average():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def child(variant, runs):
    """In its own process: `runs` full refreshes; prints one JSON line."""
    import django

    django.setup()
    from django.conf import settings

    settings.DASHBOARD_CASE_TALLY = variant == "tally"
    from dashboards import snapshots

    rss_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times, timings = [], {}
    for _ in range(runs):
        snapshots.PARTIALS.clear()  # a whole-province gather every time, as a restarted refresher does
        t0 = time.perf_counter()
        summary = snapshots.refresh(force=True)
        if summary is None:
            sys.exit("another refresh holds the lock (dash:refresh-lock): use a Redis database of your own")
        times.append(time.perf_counter() - t0)
        for code, seconds in summary["timings"].items():
            timings[code] = min(seconds, timings.get(code, seconds))
        if summary["failed"]:
            sys.exit(f"modules failed: {summary['failed']}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"times": times, "timings": timings, "rss_mib": peak / 1024, "rss_start_mib": rss_start / 1024}))


def incremental_child(changes):
    """In its own process: the refresher's first (province) round, then `changes` changes each followed by one timed
    round, then the queued province rounds of the non-additive modules; prints one JSON line."""
    import random

    import django

    django.setup()
    from django.conf import settings

    from bench.freshness import CHANGES, pick_case
    from dashboards import snapshots
    from dashboards.refresher import Refresher
    from execcenter.models import Court

    settings.SCREEN_HEAVY_MIN_SECONDS = 0  # queued province rounds right after the change rounds, to time them
    refresher = Refresher()
    t0 = time.perf_counter()
    first = refresher.step()
    if first is None:
        sys.exit("another refresh holds the lock (dash:refresh-lock): use a Redis database of your own")
    first_s = time.perf_counter() - t0
    rng = random.Random(7)
    basics = list(Court.objects.filter(level="basic").order_by("code"))
    rounds = []
    for i in range(changes):
        kind = list(CHANGES)[i % len(CHANGES)]
        court, case = None, None
        while case is None:
            court = rng.choice(basics)
            case = pick_case(court, kind)
        CHANGES[kind](case)  # commits, and its dirty marks with it
        t0 = time.perf_counter()
        summary = refresher.step()
        seconds = time.perf_counter() - t0
        if summary is None or summary["failed"]:
            sys.exit(f"incremental round after a {kind} change: {summary and summary['failed']}")
        rounds.append(
            {
                "kind": kind,
                "court": court.code,
                "s": seconds,
                "modules": sorted(summary["computed"]),
                "scopes": len(summary["scopes"]),
                "timings": summary["timings"],
            }
        )
    heavy = []
    while refresher.backlog:
        t0 = time.perf_counter()
        summary = refresher.step()
        if summary is None:
            break
        heavy.append({"modules": sorted(summary["computed"]), "s": time.perf_counter() - t0})
    snapshots.PARTIALS.clear()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"first_s": first_s, "rounds": rounds, "heavy": heavy, "rss_mib": peak / 1024}))


def run(variant, runs, changes=0):
    before = load_average()
    out = subprocess.run(
        [sys.executable, __file__, "--child", variant, "--runs", str(runs), "--changes", str(changes)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if out.returncode:
        sys.exit(f"{variant} refresh failed:\n{out.stderr[-3000:]}")
    data = json.loads(out.stdout.strip().splitlines()[-1])
    data["load"] = (before, load_average())
    return data


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline-runs", type=int, default=1)
    parser.add_argument("--changes", type=int, default=30, help="changes for the incremental refresh (0: skip it)")
    parser.add_argument("--child", choices=["tally", "cases", "incremental"])
    args = parser.parse_args()
    if args.child == "incremental":
        return incremental_child(args.changes)
    if args.child:
        return child(args.child, args.runs)

    import django

    django.setup()
    from bench import results
    from bench.machine import describe as machine
    from cases.models import Case, CaseTally, MoneyEntry
    from execcenter.models import Court

    cases, courts = Case.objects.count(), Court.objects.count()
    tally_rows, money_rows = CaseTally.objects.count(), MoneyEntry.objects.count()
    ours = run("tally", args.runs)
    base = run("cases", args.baseline_runs) if args.baseline_runs else None
    inc = run("incremental", 0, args.changes) if args.changes else None
    size = f"{cases:,} cases, {courts} courts"
    print(f"\nmachine: {machine()}\ndata: {size}, {money_rows:,} money entries, {tally_rows:,} case tally rows\n")
    print("| variant | runs (s) | best s | peak RSS MiB | load before → after |")
    print("|---|---|---:|---:|---|")
    for name, data in (
        ("case modules read the tally (ours)", ours),
        ("baseline: case modules scan the case table", base),
    ):
        if data:
            runs = ", ".join(f"{t:.2f}" for t in data["times"])
            print(
                f"| {name} | {runs} | {min(data['times']):.2f} | {data['rss_mib']:.0f} | "
                f"{data['load'][0]} → {data['load'][1]} |"
            )
    for name, data in (("ours", ours), ("baseline", base)):
        if data:
            slowest = sorted(data["timings"].items(), key=lambda kv: -kv[1])[:8]
            print(f"slowest modules, {name}: " + ", ".join(f"{c} {s:.2f} s" for c, s in slowest))
    if inc:
        report_incremental(inc, ours, size)
    note = f"load {ours['load'][0]} → {ours['load'][1]}"
    results.record(
        "full snapshot refresh (all modules × all scopes)",
        min(ours["times"]),
        "s",
        baseline=min(base["times"]) if base else None,
        target="≤ 10 s at 10M cases",
        data_size=f"{size}, {courts} scopes",
        note=note + "; baseline: case modules scan the case table",
    )
    results.record(
        "refresh worker peak RSS",
        ours["rss_mib"],
        "MiB",
        baseline=base["rss_mib"] if base else None,
        target="bounded (not growing with cases)",
        data_size=size,
        note="ru_maxrss of the refreshing process, Django loaded",
    )


def report_incremental(inc, full, size):
    from bench import results
    from bench.polling import percentile

    times = sorted(r["s"] for r in inc["rounds"])
    p50, p95 = percentile(times, 50), percentile(times, 95)
    print(
        f"\nincremental refresh: {len(times)} changes (receipt, alert, case moved, in turn) in random basic courts, "
        f"load {inc['load'][0]} → {inc['load'][1]}; the refresher's first round (province) {inc['first_s']:.2f} s"
    )
    print("| round | p50 s | p95 s | max s | modules × scopes per round | baseline: full refresh s |")
    print("|---|---:|---:|---:|---|---:|")
    shapes = sorted({f"{len(r['modules'])} × {r['scopes']}" for r in inc["rounds"]})
    print(
        f"| after one change (additive modules, the changed court and above) | {p50:.3f} | {p95:.3f} | "
        f"{times[-1]:.3f} | {', '.join(shapes)} | {min(full['times']):.2f} |"
    )
    for kind in sorted({r["kind"] for r in inc["rounds"]}):
        mine = sorted(r["s"] for r in inc["rounds"] if r["kind"] == kind)
        mods = sorted({m for r in inc["rounds"] if r["kind"] == kind for m in r["modules"]})
        print(
            f"| — {kind} ({len(mine)}) | {percentile(mine, 50):.3f} | {percentile(mine, 95):.3f} | {mine[-1]:.3f} | {' '.join(mods)} | |"
        )
    for h in inc["heavy"]:
        print(f"| queued province round: {' '.join(h['modules'])} | {h['s']:.3f} | | | 1 × all | |")
    print(f"peak RSS of the refresher process: {inc['rss_mib']:.0f} MiB")
    results.record(
        "incremental refresh after one change, p95",
        p95,
        "s",
        baseline=min(full["times"]),
        target="≤ 1 s at 10M cases",
        data_size=size,
        note=f"{len(times)} changes; load {inc['load'][0]} → {inc['load'][1]}; baseline: the full refresh",
    )


if __name__ == "__main__":
    main()
