"""A real streaming replica (issue 16): the test makes its own PostgreSQL primary and, with pg_basebackup, a replica
of it (faults/pgcluster.py, free ports, thrown away after), migrates the primary, then runs
tests/foundation/replica_driver.py with DATABASE_URL / DATABASE_REPLICA_URL pointing at them.

It proves: the screens' refresh reads the replica (every module's queries there, only the WAL position asked of the
primary); the lag is measured and shown (X-Snapshot-Lag, the data time moved back by it); past
SCREEN_REPLICA_LAG_LIMIT_SECONDS the poll says stale (the screen's banner) while the figures stay the replica's;
after the replica catches up the new data shows and the banner goes; with the replica stopped the refresh, an
indicator and an export's rows read the primary and nothing fails. About 25 s. Skipped only when the PostgreSQL
server binaries (initdb, pg_basebackup) are absent.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from faults.pgcluster import Cluster, make_base_dir, pg_bin

ROOT = Path(__file__).resolve().parent.parent.parent
LAG_LIMIT = 2.0


@pytest.fixture
def pair():
    base = make_base_dir("ec-replica-test-")
    primary = Cluster(base / "primary", durable=False).init_primary().start()
    replica = None
    try:
        primary.sql("CREATE DATABASE ec_replica")
        env = {
            **os.environ,
            "DATABASE_URL": primary.url("ec_replica"),
            "EXECCENTER_VAR_DIR": str(base / "var"),
            "REDIS_URL": "",  # the file cache of the var dir: this test needs no Redis
            "DATABASE_NAME": "",
        }
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
        replica = Cluster(base / "replica", durable=False).init_replica(primary).start()
        replica.wait_streaming()
        yield primary, replica, env
    finally:
        for cluster in (replica, primary):
            if cluster is not None:
                cluster.stop("immediate")
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.skipif(pg_bin() is None, reason="PostgreSQL server binaries (initdb, pg_basebackup) not installed")
def test_screens_read_the_replica_show_its_lag_and_fall_back_to_the_primary(pair):
    primary, replica, env = pair
    env = {
        **env,
        "DATABASE_REPLICA_URL": replica.url("ec_replica"),
        "SCREEN_REPLICA_LAG_LIMIT_SECONDS": str(LAG_LIMIT),
        "DATABASE_REPLICA_RETRY_SECONDS": "1",
        "SCREEN_POLL_LOCAL_SECONDS": "0",
        "DASHBOARDS_REFRESH_SECONDS": "3600",
    }
    proc = subprocess.run(
        [sys.executable, "tests/foundation/replica_driver.py", str(replica.data_dir), str(replica.port)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    sync, paused, resumed, down = seen["sync"], seen["paused"], seen["resumed"], seen["down"]

    # In sync: all 40 modules computed from the replica; the primary was asked only for its WAL position.
    assert sync["computed"] == 40 and not sync["failed"]
    assert sync["source"] == "replica" and sync["replica_queries"] > 40
    assert sync["default_queries"] == ["SELECT pg_current_wal_lsn()::text"]
    assert sync["lag"] is not None and sync["lag"] < LAG_LIMIT
    assert sync["poll"]["status"] == 200 and sync["poll"]["stale"] == "0" and sync["poll"]["source"] == "replica"

    # Replay paused: the primary has the new case, the replica (and so the screen) not yet; lag past the limit.
    assert paused["primary_cases"] == paused["replica_cases"] + 1
    assert paused["unchanged"], "the screen's figures must be the replica's, without the new case"
    assert paused["source"] == "replica" and paused["lag"] > LAG_LIMIT
    assert paused["poll"]["stale"] == "1" and float(paused["poll"]["lag"]) > LAG_LIMIT
    assert paused["poll"]["as_of"] < sync["poll"]["as_of"]  # the data time moved back by the lag

    # Replay resumed: the new case reaches the screen, the lag falls under the limit, no banner.
    assert resumed["changed"], "the new case shows once the replica has replayed it"
    assert resumed["source"] == "replica" and resumed["lag"] < LAG_LIMIT
    assert resumed["poll"]["stale"] == "0"

    # Replica stopped: the refresh, an indicator and an export's rows read the primary, nothing fails.
    assert not down["failed"] and down["source"] == "primary (replica down)" and down["lag"] is None
    assert down["same_as_resumed"] and down["replica_queries"] == ["SELECT 1"]  # the probe that found it gone
    assert down["indicator_alias"] == "default" and down["export_rows"] == down["primary_cases"]
    assert (
        down["poll"]["stale"] == "0"
        and down["poll"]["lag"] == ""
        and down["poll"]["source"] == "primary (replica down)"
    )
