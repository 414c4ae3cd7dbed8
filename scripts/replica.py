"""`make replica`: a PostgreSQL primary and a streaming read replica of it on this machine (issue 16).

    .venv/bin/python scripts/replica.py up [--dir var/pg-pair] [--primary-port 55432] [--replica-port 55433]
                                           [--database execcenter]
    .venv/bin/python scripts/replica.py status [--dir var/pg-pair]
    .venv/bin/python scripts/replica.py down [--dir var/pg-pair] [--remove]

`up` makes a primary with initdb (wal_level=replica, replication allowed from 127.0.0.1), creates the database,
migrates it, takes a base backup of it with `pg_basebackup -R -X stream` into a second data directory and starts
that as a hot standby streaming from the primary; then prints the two settings to export:

    DATABASE_URL=postgres://postgres@127.0.0.1:55432/execcenter
    DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:55433/execcenter

A self-contained pair (not the machine's service cluster): its pg_hba need not allow replication, and `down
--remove` leaves nothing behind. Against an existing primary, the same two commands apply by hand: `pg_basebackup
-h <primary> -U <replication user> -D <dir> -R -X stream`, then `pg_ctl -D <dir> -o "-p <port>" start`.
Run as root, the servers run as the `postgres` OS user. Exit status 1 with the server's log tail on failure.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from faults.pgcluster import Cluster, ClusterError, _as_server_user  # noqa: E402


def _owned_dir(path):
    path.mkdir(parents=True, exist_ok=True)
    _prefix, owner = _as_server_user()
    if owner:
        os.chown(path, *owner)
    return path


def up(args):
    base = _owned_dir(Path(args.dir).resolve())
    primary = Cluster(base / "primary", port=args.primary_port)
    replica = Cluster(base / "replica", port=args.replica_port)
    if not (primary.data_dir / "PG_VERSION").exists():
        primary.init_primary()
    primary.start()
    if primary.sql(f"SELECT count(*) FROM pg_database WHERE datname = '{args.database}'") == "0":
        primary.sql(f'CREATE DATABASE "{args.database}"')
    env = {**os.environ, "DATABASE_URL": primary.url(args.database), "DATABASE_NAME": ""}
    env.pop("DATABASE_REPLICA_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    if not (replica.data_dir / "PG_VERSION").exists():
        replica.init_replica(primary)
    replica.start()
    waited = replica.wait_streaming()
    (base / "pair.json").write_text(json.dumps({"primary": primary.port, "replica": replica.port}))
    print(f"replica streaming from the primary ({waited:.1f} s after start); export:")
    print(f"DATABASE_URL={primary.url(args.database)}")
    print(f"DATABASE_REPLICA_URL={replica.url(args.database)}")


def _pair(args):
    base = Path(args.dir).resolve()
    ports = json.loads((base / "pair.json").read_text())
    return Cluster(base / "primary", port=ports["primary"]), Cluster(base / "replica", port=ports["replica"])


def status(args):
    primary, replica = _pair(args)
    print(
        "primary:",
        primary.sql(
            "SELECT coalesce(string_agg(application_name || ' ' || state || ' replay_lag=' || "
            "coalesce(replay_lag::text, '0'), '; '), 'no replica connected') FROM pg_stat_replication"
        ),
    )
    print(
        "replica:",
        replica.sql(
            "SELECT 'in recovery=' || pg_is_in_recovery() || ', last replayed transaction ' || "
            "coalesce(round(extract(epoch FROM now() - pg_last_xact_replay_timestamp())::numeric, 1)::text, '—') "
            "|| ' s ago'"
        ),
    )


def down(args):
    primary, replica = _pair(args)
    for cluster in (replica, primary):
        if args.remove:
            cluster.remove()
        else:
            cluster.stop()
    print("stopped" + (" and removed" if args.remove else ""))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["up", "status", "down"])
    parser.add_argument("--dir", default=str(ROOT / "var" / "pg-pair"))
    parser.add_argument("--primary-port", type=int, default=55432)
    parser.add_argument("--replica-port", type=int, default=55433)
    parser.add_argument("--database", default="execcenter")
    parser.add_argument("--remove", action="store_true", help="down: delete both data directories too")
    args = parser.parse_args(argv)
    try:
        {"up": up, "status": status, "down": down}[args.command](args)
    except ClusterError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
