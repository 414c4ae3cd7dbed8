"""Every benchmark of docs/design.md §5 in one go (`make bench`), each printing its own table, then ONE table of
every figure (figure, value, baseline, ratio, target, data size, machine) written to bench/results/latest.json.

    make bench                     # PostgreSQL ec_million (dropped and rebuilt) and Redis db 9 on 127.0.0.1; wrk installed
    make bench BENCH_CASES=20000   # the same steps at a small size (minutes, not a quarter of an hour)
    BENCH_DATABASE_URL=postgres://… BENCH_REDIS_URL=redis://… make bench

The fault runs' figures (`make faults`, var/faults/latest.json) join the table when present.

Order matters: seed.py builds the 1,000,000-case database that case_list.py and polling.py read; fanout.py makes
its own respondents in a database of its own. Takes about 15 minutes on 2 cores.
"""

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ec_million")
FANOUT_DATABASE = os.environ.get("BENCH_FANOUT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ec_bench")
EXPORT_DATABASE = os.environ.get("BENCH_EXPORT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ec_export")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
LARGE_DATABASE = os.environ.get("BENCH_10M_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ec_10m")


def large_steps():
    """`make bench SCALE=10m` (issue 17 item 2): the synthetic large province — 10,000,000 cases over 197 courts and
    ten years — seeded (the database dropped and rebuilt), then the case list, the full and the incremental refresh
    (30 changes), and 1,000 screens polling every second on it. The 1M figures they are compared with are the
    `make bench` rows of bench/README.md."""
    return [
        (
            "seed.py",
            ["--cases", "10000000", "--province", "large", "--years", "10", "--baseline-cases", "200"],
            LARGE_DATABASE,
        ),
        ("case_list.py", [], LARGE_DATABASE),
        ("refresh.py", ["--runs", "3", "--baseline-runs", "1", "--changes", "30"], LARGE_DATABASE),
        (
            "polling.py",
            ["--screens", "1000", "--seconds", "30", "--interval", "1", "--baseline-samples", "3"],
            LARGE_DATABASE,
        ),
    ]


def steps(cases):
    """The full run at 1,000,000 cases; below 100,000 cases every step is shortened to match (a smoke run)."""
    if cases >= 100_000:
        return [
            ("seed.py", ["--cases", str(cases)], DATABASE),
            ("case_list.py", [], DATABASE),
            ("polling.py", ["--screens", "200", "--seconds", "20"], DATABASE),
            # After polling.py: it books receipts, raises alerts and moves cases in the database it reads.
            ("freshness.py", ["--changes", "30", "--screens", "200"], DATABASE),
            ("fanout.py", [], FANOUT_DATABASE),
            # Issue 17: the same fan-out with the simulator served over HTTP by its own process, beside in-process.
            ("fanout.py", ["--http", "--respondents", "8", "--chunk-size", "500"], FANOUT_DATABASE),
            (
                "export.py",
                ["--cases", "100000"],
                EXPORT_DATABASE,
            ),  # its own 100,000-case database (created when missing)
        ]
    return [
        ("seed.py", ["--cases", str(cases), "--baseline-cases", "200"], DATABASE),
        ("case_list.py", [], DATABASE),
        ("polling.py", ["--screens", "20", "--seconds", "5", "--baseline-samples", "2"], DATABASE),
        ("freshness.py", ["--changes", "6", "--screens", "20", "--seconds", "3"], DATABASE),
        ("fanout.py", ["--only", "one", "--concurrency", "2"], FANOUT_DATABASE),
        ("fanout.py", ["--http", "--only", "one", "--concurrency", "2"], FANOUT_DATABASE),
        ("export.py", ["--cases", str(min(cases, 5000))], EXPORT_DATABASE),
    ]


def fault_rows():
    """The fault runs' time to settle, when `make faults` has run (its own machine line and date)."""
    from bench import results

    path = ROOT / "var" / "faults" / "latest.json"
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    settles = [r["settle_s"] for r in data["rows"] if r.get("settle_s") is not None]
    if not settles:
        return []
    held = all(r["ok"] for r in data["rows"])
    row = results.record(
        "fault runs: time to settle after the fault clears, median",
        statistics.median(settles),
        "s",
        target="≤ 60 s",
        data_size=f"{data['institutions']} institutions, {len(data['rows'])} scenario rows",
        note=f"max {max(settles):.1f} s; invariants {'held' if held else 'BROKEN'}; {data['settings']}",
    )
    row["machine"] = data["machine"]
    return [row]


def ensure_database(url):
    """fanout.py migrates its database but does not create it."""
    import environ

    db = environ.Env.db_url_config(url)
    psql = ["psql", "-h", db["HOST"] or "127.0.0.1", "-U", db["USER"] or "postgres", "-d", "postgres", "-Atc"]
    found = subprocess.run(
        psql + [f"SELECT 1 FROM pg_database WHERE datname = '{db['NAME']}'"], capture_output=True, text=True, check=True
    )
    if not found.stdout.strip():
        subprocess.run(psql + [f'CREATE DATABASE "{db["NAME"]}"'], check=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description="every benchmark, one table")
    parser.add_argument("--cases", type=int, default=int(os.environ.get("BENCH_CASES", "1000000")))
    parser.add_argument(
        "--only",
        action="append",
        help="run only these steps (seed.py, case_list.py, polling.py, freshness.py, fanout.py, export.py)",
    )
    parser.add_argument("--records", help="append to (and table) this records file, e.g. to finish an interrupted run")
    parser.add_argument(
        "--scale",
        choices=["1m", "10m"],
        default=os.environ.get("SCALE") or "1m",
        help="10m: the large province (BENCH_10M_DATABASE_URL, default ec_10m; about an hour on 2 idle cores)",
    )
    args = parser.parse_args(argv)
    from bench import results

    if args.scale != "10m":
        ensure_database(FANOUT_DATABASE)
        ensure_database(EXPORT_DATABASE)
    records = Path(args.records) if args.records else Path(tempfile.mkstemp(prefix="bench-", suffix=".jsonl")[1])
    large = args.scale == "10m"
    if large:
        args.cases = 10_000_000
    for script, step_args, database in large_steps() if large else steps(args.cases):
        if args.only and script not in args.only:
            continue
        print(f"\n=== bench/{script} {' '.join(step_args)}", flush=True)
        env = {**os.environ, "DATABASE_URL": database, "REDIS_URL": REDIS, "BENCH_RESULTS_FILE": str(records)}
        if args.cases < 100_000:
            env["BENCH_REPEAT"] = "10"
        subprocess.run([sys.executable, str(ROOT / "bench" / script), *step_args], cwd=ROOT, env=env, check=True)
    rows = results.load(records) + fault_rows()
    if not args.records:
        records.unlink()
    print("\n=== one table (docs/design.md §5; ratio = times better than the naive baseline)\n")
    print(results.table(rows))
    path = results.write_latest(
        rows,
        {"date": str(dt.date.today()), "cases": args.cases, "full_size": args.cases >= 1_000_000, "scale": args.scale},
    )
    print(f"\nwritten: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
