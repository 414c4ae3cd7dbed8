"""`make hosts`: Celery workers on two "hosts" — two Linux network namespaces — against one PostgreSQL and one Redis;
a fan-out runs across both, one host is killed mid-run (every process in its namespace SIGKILLed, its link cut),
and the fan-out must complete exactly once on the other (issue 16, item 4).

    .venv/bin/python faults/hosts.py [--institutions 400] [--respondents 5] [--kill-at 0.3]

Each host is a namespace with a veth pair to the root namespace on a private /30 (10.<k>.1.0/30 and 10.<k>.2.0/30,
k chosen unused), so its traffic stays on this machine but is not loopback to the servers: the workers reach Redis
and PostgreSQL at the root side's address, as a second machine on a LAN would. PostgreSQL is a cluster of the run's
own (faults/pgcluster.py: it listens on those addresses and trusts those subnets, which the machine's service cluster
does not), Redis a server of the run's own bound to them. The runner (which files the query, as the web would) and
the one beat run in the root namespace.

Prints per host the PostgreSQL connections it held before the kill and the chunks its worker received and finished
(worker logs), then the invariants of faults/checks.py as faults/run.py's table: every institution answered once per
respondent, no duplicates, the request final, nothing in between; and the time from the kill to settled.

Needs CAP_NET_ADMIN (root) and iproute2: without them it says so and exits 2. Exit 0 only when every invariant held.
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from faults.pgcluster import Cluster, make_base_dir  # noqa: E402
from faults.world import ROOT, Proc, Redis, World, free_port, wait_until  # noqa: E402


def ip(*args, check=True):
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=check)


def netns_permitted():
    """(True, '') when network namespaces can be made here, else (False, the exact refusal)."""
    probe = f"ec-probe-{os.getpid()}"
    try:
        made = ip("netns", "add", probe, check=False)
    except FileNotFoundError:
        return False, "iproute2 (`ip`) is not installed"
    if made.returncode != 0:
        return False, f"`ip netns add` refused: {made.stderr.strip()}"
    ip("netns", "del", probe, check=False)
    return True, ""


def free_subnet_octet():
    """k such that no address of this machine is in 10.k.0.0/16 (the two hosts' /30s live there)."""
    used = ip("-o", "-4", "addr").stdout
    for k in range(201, 255):
        if f" 10.{k}." not in used:
            return k
    raise RuntimeError("no free 10.k.0.0/16 for the hosts' links")


class Host:
    """A network namespace with a veth link to the root namespace: gateway 10.k.n.1 (root side), own 10.k.n.2."""

    def __init__(self, label, n, octet):
        tag = f"{os.getpid() % 100000}{label}"
        self.label, self.ns = label, f"ec-host-{tag}"
        self.veth_root, self.veth_ns = f"ech{tag}", f"ecn{tag}"  # ≤ 15 characters (IFNAMSIZ)
        self.gateway, self.address = f"10.{octet}.{n}.1", f"10.{octet}.{n}.2"

    def up(self):
        ip("netns", "add", self.ns)
        ip("link", "add", self.veth_root, "type", "veth", "peer", "name", self.veth_ns)
        ip("link", "set", self.veth_ns, "netns", self.ns)
        ip("addr", "add", f"{self.gateway}/30", "dev", self.veth_root)
        ip("link", "set", self.veth_root, "up")
        ip("netns", "exec", self.ns, "ip", "addr", "add", f"{self.address}/30", "dev", self.veth_ns)
        ip("netns", "exec", self.ns, "ip", "link", "set", self.veth_ns, "up")
        ip("netns", "exec", self.ns, "ip", "link", "set", "lo", "up")
        return self

    def pids(self):
        out = ip("netns", "pids", self.ns, check=False).stdout
        return [int(p) for p in out.split()]

    def kill(self):
        """The host dies: SIGKILL to every process in its namespace, and its link goes down. Returns the pids."""
        pids = self.pids()
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        ip("link", "set", self.veth_root, "down", check=False)
        return pids

    def down(self):
        self.kill()
        ip("link", "del", self.veth_root, check=False)  # deletes the pair
        ip("netns", "del", self.ns, check=False)


def host_worker(world, host, pg_port, redis_port, database):
    """A Celery worker inside `host`'s namespace, reaching PostgreSQL and Redis at the root side's address."""
    env = {
        **world.env,
        "DATABASE_URL": f"postgres://postgres@{host.gateway}:{pg_port}/{database}",
        "REDIS_URL": f"redis://{host.gateway}:{redis_port}/0",
    }
    name = f"worker-{host.label}"
    argv = [
        "ip",
        "netns",
        "exec",
        host.ns,
        sys.executable,
        "-m",
        "celery",
        "-A",
        "execcenter",
        "worker",
        "-Q",
        "default,query,screens",
        "-c",
        "2",
        "-n",
        f"{name}@%h",
        "--without-gossip",
        "--without-mingle",
        "-l",
        "INFO",  # the "received" / "succeeded" lines count each host's chunks
    ]
    proc = Proc(name, argv, env, world.log_dir).start()
    world.workers.append(proc)
    return proc


def chunk_counts(log_path):
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    task = r"querycontrol\.tasks\.query_chunk\[[0-9a-f-]+\]"
    return len(re.findall(task + r" received", text)), len(re.findall(task + r" succeeded", text))


def connections_by_host(hosts):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT host(client_addr), count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND client_addr IS NOT NULL GROUP BY 1"
        )
        seen = dict(cur.fetchall())
    return {h.label: seen.get(h.address, 0) for h in hosts}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--institutions", type=int, default=400)
    parser.add_argument("--respondents", type=int, default=5)
    parser.add_argument("--kill-at", type=float, default=0.3, help="fraction answered when host A is killed")
    parser.add_argument("--database", default="ec_hosts")
    parser.add_argument("--json", default=str(ROOT / "var" / "hosts" / "latest.json"))
    args = parser.parse_args(argv)

    ok, why = netns_permitted()
    if not ok:
        print(f"make hosts: network namespaces are not available here: {why}. Run it as root (CAP_NET_ADMIN).")
        return 2

    started = time.monotonic()
    octet = free_subnet_octet()
    hosts = [Host("a", 1, octet), Host("b", 2, octet)]
    base = make_base_dir("ec-hosts-")
    pg = world = None
    rows, per_host, problems = [], {}, ["did not finish"]
    try:
        for h in hosts:
            h.up()
        pg = Cluster(
            base / "pg",
            listen=("127.0.0.1", *(h.gateway for h in hosts)),
            hba_hosts=(f"10.{octet}.0.0/16",),
            durable=False,
        )
        pg.init_primary().start()
        pg.sql(f'CREATE DATABASE "{args.database}"')

        world = World(database=args.database, log_dir=ROOT / "var" / "hosts", institutions=args.institutions)
        world.env["DATABASE_URL"] = pg.url(args.database)
        world.env["DATABASE_NAME"] = ""
        world.redis = Redis(free_port(), world.log_dir)
        bind = world.redis.argv.index("--bind")
        world.redis.argv[bind + 1 : bind + 2] = ["127.0.0.1", *(h.gateway for h in hosts)]
        world.start_redis()
        for log in world.log_dir.glob("worker-*.log"):
            log.unlink()  # the chunk counts are this run's
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=world.env, check=True
        )
        import django

        django.setup()
        from faults import checks
        from faults.run import Run, settings_line, table

        run = Run(world, argparse.Namespace(institutions=args.institutions))
        run.seed()
        workers = [host_worker(world, h, pg.port, world.redis.port, args.database) for h in hosts]
        for w in workers:
            wait_until(lambda w=w: b" ready." in w.log_path.read_bytes(), 90, what=f"{w.name} ready")
        world.beat("beat")
        print(
            f"hosts: {', '.join(f'{h.ns} ({h.address})' for h in hosts)}; PostgreSQL {pg.port} and Redis "
            f"{world.redis.port} on {', '.join(h.gateway for h in hosts)}; {args.institutions} institutions × "
            f"{args.respondents} respondents",
            flush=True,
        )
        qr = run.fanout(args.respondents)
        run.wait_progress([qr.pk], args.kill_at)
        conns = connections_by_host(hosts)
        answered_at_kill = checks.answered([qr.pk])
        killed = hosts[0].kill()
        killed_at = time.monotonic()
        print(f"  killed host a at {answered_at_kill}/{qr.total} answered: {len(killed)} processes", flush=True)
        run.settle([qr.pk], [])
        settle_s = time.monotonic() - killed_at
        run.record(
            "host-kill",
            f"host a (namespace, {len(killed)} processes) killed at {answered_at_kill}/{qr.total} answered",
            [qr.pk],
            settle_s=settle_s,
        )
        rows, problems = run.rows, [p for r in run.rows for p in r["problems"]]
        for h, w in zip(hosts, workers):
            received, succeeded = chunk_counts(w.log_path)
            per_host[h.label] = {
                "namespace": h.ns,
                "address": h.address,
                "pg_connections_before_kill": conns[h.label],
                "chunks_received": received,
                "chunks_succeeded": succeeded,
                "killed": h is hosts[0],
            }
        if not all(v["pg_connections_before_kill"] and v["chunks_succeeded"] for v in per_host.values()):
            problems.append("both hosts must have worked (connections and finished chunks) before the kill")
        print()
        print("| host | address | PostgreSQL connections before the kill | chunks received | chunks finished | fate |")
        print("|---|---|---:|---:|---:|---|")
        for label, v in per_host.items():
            fate = "killed mid-run" if v["killed"] else "survived"
            print(
                f"| {label} ({v['namespace']}) | {v['address']} | {v['pg_connections_before_kill']} | "
                f"{v['chunks_received']} | {v['chunks_succeeded']} | {fate} |"
            )
        print()
        print(table(rows))
        print(f"\nsettled {settle_s:.1f} s after the kill; settings: {settings_line()}")
    finally:
        if world is not None:
            world.close()
        for h in hosts:
            h.down()
        if pg is not None:
            pg.remove()
        shutil.rmtree(base, ignore_errors=True)
    from bench.machine import describe

    print(f"machine: {describe()}; wall time {time.monotonic() - started:.0f} s")
    print(f"invariants: {'hold' if not problems else 'BROKEN: ' + '; '.join(problems[:5])}")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(
        json.dumps({"rows": rows, "hosts": per_host, "problems": problems}, ensure_ascii=False, indent=1, default=str)
    )
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
