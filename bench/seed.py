"""Demo-data generation benchmark (docs/design.md §5: 1,000,000 cases with their parties in ≤ 5 minutes).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ec_seed .venv/bin/python bench/seed.py --cases 1000000

Creates (drops first) the database named in DATABASE_URL, migrates, and times `generate_cases` (rows built as COPY
text by --workers processes, written in order in one transaction, indexes rebuilt after the load) beside the naive
baseline — one ORM save() per case, party, link and event — measured on --baseline-cases cases (a rate; the
baseline is not run at a million rows). Prints the load average before and after: the machine may be shared.
"""

import argparse
import datetime as dt
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "execcenter.settings")


from bench import results  # noqa: E402
from bench.machine import describe as machine  # noqa: E402


def recreate_database():
    import environ

    url = environ.Env().db("DATABASE_URL")
    name = url["NAME"]
    base = ["psql", "-h", url["HOST"] or "127.0.0.1", "-U", url["USER"] or "postgres", "-q", "-d", "postgres"]
    subprocess.run(base + ["-c", f'DROP DATABASE IF EXISTS "{name}"'], check=True)
    subprocess.run(base + ["-c", f'CREATE DATABASE "{name}"'], check=True)


def naive_baseline(n):
    """One save() per row, as a first implementation would do it."""
    from cases import deadlines
    from cases.models import Case, CaseEvent, CaseParty, Party
    from execcenter.models import Court
    from execcenter.validators import format_case_number, resident_id_check_char

    court = Court.objects.get(code="宁0105")
    today = dt.date.today()
    started = time.perf_counter()
    for i in range(n):
        case = Case.objects.create(
            number=format_case_number(1999, court.code, "执", i + 1),
            court=court,
            year=1999,
            case_type="执",
            sequence=i + 1,
            cause="民间借贷纠纷",
            filed_on=today,
            claim_amount=Decimal("1000.00"),
            outstanding_amount=Decimal("1000.00"),
            assignment_due=deadlines.assignment_due(today),
            statutory_deadline=deadlines.statutory_deadline(today),
        )
        for role, k in (("applicant", 0), ("respondent", 1)):
            first17 = "640105198001" + f"{(2 * i + k) % 100000:05d}"
            party, _ = Party.objects.get_or_create(
                id_number=first17 + resident_id_check_char(first17), defaults={"kind": "person", "name": "测试"}
            )
            CaseParty.objects.create(case=case, party=party, role=role)
        CaseEvent.objects.create(case=case, kind="filed", actor_label="bench", summary="立案")
    return time.perf_counter() - started


class Phases:
    """generate_cases' progress messages, timed: planning ends at 已规划, loading at 重建 (the index rebuild)."""

    def __init__(self):
        self.started, self.marks = time.perf_counter(), {}

    def write(self, message):
        for mark in ("已规划", "重建", "重算案件汇总"):
            if mark in message:
                self.marks[mark] = time.perf_counter() - self.started


def load_average():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--baseline-cases", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=None, help="processes building rows (default: one per core)")
    parser.add_argument(
        "--province",
        choices=["demo", "large"],
        default="demo",
        help="demo: the 28 courts of the demo province; large: ~200 courts (execcenter.org.load_large_province)",
    )
    parser.add_argument("--years", type=int, default=3, help="years of filing history (the large province: 10)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL database (it is dropped and recreated)")
    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from cases.demo_bulk import generate_cases
    from cases.models import Case, CaseParty, Party
    from execcenter.models import Court
    from execcenter.org import load_courts, load_large_province

    load_large_province() if args.province == "large" else load_courts()
    courts = Court.objects.count()
    workers = args.workers or os.cpu_count()
    load_before = load_average()
    phases = Phases()
    made = generate_cases(args.cases, seed=20241, stdout=phases, workers=workers, years=args.years)
    bulk = time.perf_counter() - phases.started
    load_after = load_average()
    planned, loaded = phases.marks.get("已规划", 0), phases.marks.get("重建", bulk)
    tallied = phases.marks.get("重算案件汇总", bulk)
    counts = (Case.objects.count(), Party.objects.count(), CaseParty.objects.count())
    baseline = naive_baseline(args.baseline_cases)
    rate_bulk, rate_naive = made / bulk, args.baseline_cases / baseline
    print(f"\nmachine: {machine()}\ndate: {dt.date.today()}  database: PostgreSQL")
    print(f"courts: {courts}  years of history: {args.years}")
    print(f"load average (1, 5, 15 min) before: {load_before}  after the bulk run: {load_after}\n")
    print("| method | cases | seconds | cases/s | time for 1,000,000 cases |")
    print("|---|---:|---:|---:|---:|")
    print(
        f"| bulk ({workers} worker processes, COPY, indexes rebuilt) | {made:,} | {bulk:.1f} | {rate_bulk:,.0f} | "
        f"{1_000_000 / rate_bulk / 60:.1f} min |"
    )
    print(
        f"| baseline: save() per row | {args.baseline_cases:,} | {baseline:.1f} | {rate_naive:,.0f} | {1_000_000 / rate_naive / 60:.1f} min (extrapolated) |"
    )
    print(
        f"\nbulk phases: planning {planned:.1f} s, building and loading {loaded - planned:.1f} s, "
        f"indexes and constraints {tallied - loaded:.1f} s, case tally and statistics {bulk - tallied:.1f} s"
    )
    print(
        f"rows: {counts[0]:,} cases, {counts[1]:,} parties, {counts[2]:,} case-party links; speed-up {rate_bulk / rate_naive:.0f}×"
    )
    size = f"{made:,} cases, {courts} courts, {args.years} years"
    results.record(
        "seed: cases written per second",
        rate_bulk,
        "cases/s",
        baseline=rate_naive,
        better="higher",
        data_size=size,
        note=f"baseline: save() per row, {args.baseline_cases:,} cases",
    )
    results.record(
        "seed: whole data set",
        bulk,
        "s",
        baseline=made / rate_naive,
        target="≤ 600 s at 10M cases",
        data_size=size,
        note="baseline extrapolated from save() per row",
    )


if __name__ == "__main__":
    main()
