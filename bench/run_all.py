"""Every benchmark of docs/design.md §5 in one go (`make bench`), each printing its own table.

    make bench                     # PostgreSQL ec_million (dropped and rebuilt) and Redis db 9 on 127.0.0.1; wrk installed
    BENCH_DATABASE_URL=postgres://… BENCH_REDIS_URL=redis://… make bench

Order matters: seed.py builds the 1,000,000-case database that case_list.py and polling.py read; fanout.py makes
its own respondents in a database of its own. Takes about 15 minutes on 2 cores.
"""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ec_million")
FANOUT_DATABASE = os.environ.get("BENCH_FANOUT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ec_bench")
EXPORT_DATABASE = os.environ.get("BENCH_EXPORT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ec_export")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")

STEPS = [
    ("seed.py", ["--cases", "1000000"], DATABASE),
    ("case_list.py", [], DATABASE),
    ("polling.py", ["--screens", "200", "--seconds", "20"], DATABASE),
    ("fanout.py", [], FANOUT_DATABASE),
    ("export.py", ["--cases", "100000"], EXPORT_DATABASE),  # its own 100,000-case database (created when missing)
]


def ensure_database(url):
    """fanout.py migrates its database but does not create it."""
    import environ

    db = environ.Env.db_url_config(url)
    psql = ["psql", "-h", db["HOST"] or "127.0.0.1", "-U", db["USER"] or "postgres", "-d", "postgres", "-Atc"]
    found = subprocess.run(psql + [f"SELECT 1 FROM pg_database WHERE datname = '{db['NAME']}'"], capture_output=True, text=True, check=True)
    if not found.stdout.strip():
        subprocess.run(psql + [f'CREATE DATABASE "{db["NAME"]}"'], check=True)


def main():
    ensure_database(FANOUT_DATABASE)
    for script, args, database in STEPS:
        print(f"\n=== bench/{script} {' '.join(args)}", flush=True)
        env = {**os.environ, "DATABASE_URL": database, "REDIS_URL": REDIS}
        subprocess.run([sys.executable, str(ROOT / "bench" / script), *args], cwd=ROOT, env=env, check=True)


if __name__ == "__main__":
    main()
