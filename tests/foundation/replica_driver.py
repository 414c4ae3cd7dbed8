"""The Django side of tests/foundation/test_real_replica.py, run as its own process with DATABASE_URL pointing at a
primary and DATABASE_REPLICA_URL at its streaming replica (both made by the test with pg_basebackup).

    python tests/foundation/replica_driver.py <replica data dir> <replica port>

Prints one JSON object of observations (the test asserts on them). Steps:
1. in sync: a snapshot refresh reads every module from the replica (queries counted per alias), lag ≈ 0;
2. replay paused on the replica, a case filed on the primary: the refresh still shows the figures without it,
   the lag grows past the limit and the poll says stale (the banner), with the lag and the data's time;
3. replay resumed: the refresh shows the new case, lag back under the limit, not stale;
4. the replica stopped (a crash): the refresh, an indicator and an export's rows fall back to the primary.
"""

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "execcenter.settings")


def main(replica_dir, replica_port):
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connections
    from django.test import Client
    from django.utils import timezone

    from cases.models import Case
    from command import indicators as ind
    from dashboards import snapshots
    from dashboards.screen_access import issue_token
    from execcenter import db
    from execcenter.choices import Role
    from execcenter.models import Court, Officer
    from execcenter.org import load_courts
    from faults.pgcluster import Cluster
    from tests.factories import CaseFactory

    replica = Cluster.__new__(Cluster)  # the test's replica, to stop it in step 4 (same data dir and port)
    Cluster.__init__(replica, replica_dir, port=int(replica_port))

    load_courts()
    director = get_user_model().objects.create_user("replica_director", password="x")
    Officer.objects.create(user=director, court=Court.objects.get(code="宁"), name="主任", roles=[Role.DIRECTOR.value])
    token = issue_token(director)
    client = Client()
    now = timezone.now()  # one refresh time for every step: only the data may change the figures
    out = {}

    def counted_refresh():
        seen = {"default": [], "replica": []}

        def recorder(alias):
            def wrapper(execute, sql, params, many, context):
                seen[alias].append(sql)
                return execute(sql, params, many, context)

            return wrapper

        cache.delete(snapshots.LOCK_KEY)
        with connections["default"].execute_wrapper(recorder("default")):
            with connections["replica"].execute_wrapper(recorder("replica")):
                summary = snapshots.refresh(now, force=True)
        state = cache.get(snapshots.STATE_KEY)
        values = {code: entry["values"].get("宁0105") for code, entry in state.items()}
        return summary, values, seen

    def poll():
        r = client.get(f"/api/v1/screens/{'宁0105'}/snapshot", HTTP_X_SCREEN_TOKEN=token)
        return {
            "status": r.status_code,
            "stale": r.headers.get("X-Snapshot-Stale"),
            "lag": r.headers.get("X-Snapshot-Lag"),
            "as_of": r.headers.get("X-Snapshot-As-Of"),
            "source": r.headers.get("X-Snapshot-Source"),
        }

    def wait_caught_up():
        with db.reading_replica():
            started = time.monotonic()
            while db.replica_lag(wait=0.5) > 0.5 and time.monotonic() - started < 20:
                pass

    # 1. In sync.
    wait_caught_up()
    summary, values_before, seen = counted_refresh()
    out["sync"] = {
        "failed": summary["failed"],
        "computed": len(summary["computed"]),
        "source": summary["source"],
        "lag": summary["lag"],
        "replica_queries": len(seen["replica"]),
        "default_queries": seen["default"],
        "poll": poll(),
    }

    # 2. Replay paused, a case filed on the primary.
    with connections["replica"].cursor() as cur:
        cur.execute("SELECT pg_wal_replay_pause()")
    CaseFactory(court=Court.objects.get(code="宁0105"), filed_on=timezone.localdate() - dt.timedelta(days=3))
    primary_cases = Case.objects.filter(court__code="宁0105").count()
    with db.reading_replica():
        replica_cases = Case.objects.filter(court__code="宁0105").count()
    time.sleep(float(os.environ["SCREEN_REPLICA_LAG_LIMIT_SECONDS"]) + 0.5)
    summary, values_paused, seen = counted_refresh()
    out["paused"] = {
        "primary_cases": primary_cases,
        "replica_cases": replica_cases,
        "source": summary["source"],
        "lag": summary["lag"],
        "unchanged": values_paused == values_before,
        "poll": poll(),
    }

    # 3. Replay resumed.
    with connections["replica"].cursor() as cur:
        cur.execute("SELECT pg_wal_replay_resume()")
    wait_caught_up()
    summary, values_resumed, seen = counted_refresh()
    out["resumed"] = {
        "source": summary["source"],
        "lag": summary["lag"],
        "changed": sorted(code for code in values_resumed if values_resumed[code] != values_before.get(code)),
        "poll": poll(),
    }

    # 4. The replica stopped: everything reads the primary, nothing fails.
    replica.stop("immediate")
    started = time.monotonic()
    summary, values_down, seen = counted_refresh()
    refresh_s = time.monotonic() - started
    with db.reading_replica() as alias:
        evaluated = ind.evaluate(ind.CORE[0], Court.objects.get(code="宁0105"), ind.Period.month(now.year, now.month))
    rows = list(db.replica_rows(Case.objects.filter(court__code="宁0105").values_list("number", flat=True).iterator()))
    out["down"] = {
        "failed": summary["failed"],
        "source": summary["source"],
        "lag": summary["lag"],
        "refresh_s": round(refresh_s, 2),
        "replica_queries": seen["replica"],
        "same_as_resumed": values_down == values_resumed,
        "indicator_alias": alias,
        "indicator": str(evaluated.value) if hasattr(evaluated, "value") else "computed",
        "export_rows": len(rows),
        "primary_cases": Case.objects.filter(court__code="宁0105").count(),
        "poll": poll(),
    }
    print(json.dumps(out, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main(*sys.argv[1:3])
