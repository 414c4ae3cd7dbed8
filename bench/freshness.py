"""Freshness benchmark (issue 17): a change committed through the services → the wall shows it, over HTTP.

    DATABASE_URL=postgres://… REDIS_URL=redis://… .venv/bin/python bench/freshness.py [--changes 30] [--screens 200]

Two phases on the same database, each with its own gunicorn (production profile, 2 workers × 4 threads) and the
same background wall of N screens polling the snapshot endpoint:

- ours: the refresher loop (`manage.py refresh_screens`: dirty marks → incremental refresh) and screens polling
  every second (SCREEN_POLL_LOCAL_SECONDS 0.5);
- baseline: the full refresh as the beat ran it before issue 17 — `snapshots.refresh()` every 10 s (each module on
  its interval) — and screens polling every 5 s with a 1 s per-process ETag copy.

In each phase the bench makes changes one at a time through the services (a receipt booked with
`record_receipt`, an alert raised with `raise_alert`, a case moved along its flow with `transition`), in a random
basic court, at a random moment of the cycle. Watcher screens of that court and of the high court (whose totals
include it) poll like the wall; a change is *visible* on a screen when the module it moves (m24, m40, m03) answers
with other figures than just before the commit. Reported: p50/p95/max of commit → visible over every (change,
affected screen) pair, beside the baseline.

Then the full-bundle rate: wrk asks for the high court's bundle without If-None-Match (every answer a 200) with
Accept-Encoding br, gzip and none, for `--seconds` each; bytes on the wire are the body sizes of each encoding.
The plain answer is what every screen received before issue 17 (bodies uncompressed, read from the cache per 200).
"""

import argparse
import http.client
import json
import multiprocessing as mp
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "execcenter.settings")
from bench import results  # noqa: E402
from bench.polling import _client_process, machine_info, percentile, start_server  # noqa: E402

MAX_CHANGES, MAX_SCREENS, WAIT_LIMIT = 200, 1000, 90.0


class Watcher(threading.Thread):
    """One screen polling its court's snapshot like screen.js: If-None-Match, one request at a time."""

    def __init__(self, host, port, path, token, interval, stop):
        super().__init__(daemon=True)
        self.host, self.port, self.path, self.token, self.interval, self.stop = host, port, path, token, interval, stop
        self.bundle, self.received_at, self.lock = None, 0.0, threading.Lock()

    def run(self):
        conn, etag = None, None
        time.sleep(random.random() * self.interval)  # walls switched on at different moments
        while not self.stop.is_set():
            started = time.monotonic()
            headers = {"X-Screen-Token": self.token, "Accept-Encoding": "identity"}
            if etag:
                headers["If-None-Match"] = etag
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
                conn.request("GET", self.path, headers=headers)
                res = conn.getresponse()
                body = res.read()
                if res.status == 200:
                    bundle = json.loads(body)
                    with self.lock:
                        self.bundle, self.received_at = bundle, time.monotonic()
                    etag = res.getheader("ETag")
            except (OSError, http.client.HTTPException):
                conn = None
            self.stop.wait(max(0.0, self.interval - (time.monotonic() - started)))

    def data(self, module):
        with self.lock:
            if self.bundle is None:
                return None, 0.0
            return json.dumps(self.bundle["modules"].get(module, {}).get("data"), sort_keys=True), self.received_at


# --- the changes, through the services ----------------------------------------------------------------------------


def book_receipt(case):
    from cases.services.account import record_receipt

    # The bench plays a service that checked the policy itself (as a deduction or a matched 不明款 do).
    record_receipt(case, Decimal(random.randint(100, 99_999)) / 100, checked_as="money.receipt", note="bench")
    return "m24"


def raise_alert(case):
    from execcenter.services import raise_alert as raise_

    raise_(
        kind="bench_freshness",
        court=case.court,
        title=f"freshness bench {case.number}",
        dedup_key=f"bench-freshness:{uuid.uuid4()}",
        source=case,
    )
    return "m40"


def move_case(case):
    from cases.choices import CaseStatus
    from cases.services.flow import FLOW, transition

    to = next(s for s in FLOW[case.status] if s != CaseStatus.ASSIGNED)
    transition(case, to, actor=case.assigned_judge.user)
    return "m03"


CHANGES = {"receipt": book_receipt, "alert": raise_alert, "case": move_case}


def pick_case(court, kind):
    from cases.choices import CaseStatus
    from cases.models import Case

    qs = Case.objects.filter(court=court).exclude(status=CaseStatus.CLOSED)
    if kind == "case":
        qs = qs.filter(status__in=[CaseStatus.INVESTIGATING, CaseStatus.CONTROLLING], assigned_judge__isnull=False)
    return qs.order_by("?").select_related("court", "assigned_judge__user").first()


# --- one phase ---------------------------------------------------------------------------------------------------


def run_phase(name, opts, courts, token, env, start_refresher):
    from django.core.cache import cache
    from django.db import connection
    from django.urls import reverse

    from dashboards import snapshots

    high = next(c for c in courts if c.parent_id is None)
    basics = [c for c in courts if c.level == "basic"]
    watched = random.Random(17).sample(basics, min(opts.courts, len(basics)))
    interval = opts.poll if name == "ours" else 5.0
    old_env = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    proc, url = start_server(opts.workers)
    for k, v in old_env.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    started_at = time.time()
    refresher, stop = start_refresher(), threading.Event()
    # Changes start once the refresher has published its first round (the loop gathers the province first; the
    # cache may still hold an older run's snapshots, which would make the first change wait behind that round).
    deadline = time.monotonic() + 900
    while (cache.get(snapshots.META_KEY) or {}).get("at", 0) < started_at:
        if time.monotonic() > deadline:
            raise SystemExit(f"{name}: no snapshot published within 900 s")
        time.sleep(0.5)
    parsed = urllib.parse.urlparse(url)
    path = {c.pk: reverse("screen-snapshot", args=[c.code]) for c in courts}
    connection.close()  # the forked wall must not share this connection
    wall = mp.get_context("fork").Pool(2)
    seconds = opts.changes * (interval + 12) + 30
    per = opts.screens // 2
    jobs = [(parsed.hostname, parsed.port, list(path.values()), token, interval, seconds, per, i) for i in range(2)]
    pending_wall = wall.map_async(_client_process, jobs)
    watchers = {
        c.pk: Watcher(parsed.hostname, parsed.port, path[c.pk], token, interval, stop) for c in [high, *watched]
    }
    for w in watchers.values():
        w.start()
    samples, misses, kinds = [], 0, {}
    try:
        deadline = time.monotonic() + 120
        while any(w.bundle is None for w in watchers.values()):
            if time.monotonic() > deadline:
                raise SystemExit(f"{name}: screens got no snapshot in 120 s")
            time.sleep(0.2)
        rng = random.Random(1)
        for i in range(opts.changes):
            time.sleep(rng.random() * (10.0 if name == "baseline" else 2.0))  # a random moment of the cycle
            court, kind = rng.choice(watched), list(CHANGES)[i % len(CHANGES)]
            case = pick_case(court, kind)
            if case is None:
                continue
            screens = [watchers[court.pk], watchers[high.pk]]
            module = {"receipt": "m24", "alert": "m40", "case": "m03"}[kind]
            before = [w.data(module)[0] for w in screens]
            CHANGES[kind](case)  # each service commits its own transaction
            committed = time.monotonic()
            seen = [None] * len(screens)
            while None in seen and time.monotonic() - committed < WAIT_LIMIT:
                for j, w in enumerate(screens):
                    if seen[j] is None:
                        data, at = w.data(module)
                        if data != before[j] and at >= committed:
                            seen[j] = at - committed
                time.sleep(0.01)
            for s in seen:
                if s is None:
                    misses += 1
                else:
                    samples.append(s)
                    kinds.setdefault(kind, []).append(s)
            print(f"  {name} change {i + 1:>3} {kind:<8} {court.code:<8} visible after {seen}", flush=True)
    finally:
        stop.set()
        wall.terminate()
        wall.join()
        del pending_wall
        if refresher is not None:
            refresher.terminate()
            refresher.wait(15)
        cache.delete("dash:refresher:alive")
        proc.terminate()
        proc.wait(10)
    bundles = None
    if name == "ours":
        proc, url = start_server(opts.workers)
        try:
            bundles = full_bundles(url, path[high.pk], token, opts.seconds, ("br", "gzip", ""))
        finally:
            proc.terminate()
            proc.wait(10)
        if opts.before_tree:
            # The same request against the code before issue 17 (a `git archive` of it): the plain bundle read
            # from the cache on every 200 — today's figure.
            proc, url = start_server(opts.workers, cwd=opts.before_tree)
            try:
                bundles["before"] = full_bundles(url, path[high.pk], token, opts.seconds, ("",))["identity"]
            finally:
                proc.terminate()
                proc.wait(10)
    snapshots.PARTIALS.clear()
    return {"samples": samples, "misses": misses, "kinds": kinds, "interval": interval, "bundles": bundles}


# --- full bundles -------------------------------------------------------------------------------------------------

WRK_SCRIPT = """
function init(args) s200, other = 0, 0 end
function response(status, headers, body) if status == 200 then s200 = s200 + 1 else other = other + 1 end end
function setup(thread) table.insert(threads, thread) end
threads = {}
function done(summary, latency, requests)
  local a, b = 0, 0
  for _, t in ipairs(threads) do a = a + t:get("s200"); b = b + t:get("other") end
  io.write(string.format("RESULT %d %d %f %f %f\\n", a, b, summary.duration / 1e6,
    latency:percentile(50) / 1e3, latency:percentile(95) / 1e3))
end
"""


def full_bundles(url, path, token, seconds, encodings):
    """{encoding: {"rps", "p50", "p95", "bytes", "errors"}}: every answer a 200 (no If-None-Match), from wrk."""
    parsed = urllib.parse.urlparse(url)
    out = {}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_SCRIPT)
    for encoding in encodings:
        # A server just started on a loaded machine may take a while to import: the first request waits longer.
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=120)
        conn.request("GET", path, headers={"X-Screen-Token": token, "Accept-Encoding": encoding or "identity"})
        res = conn.getresponse()
        size, served = len(res.read()), res.getheader("Content-Encoding") or ""
        conn.close()
        assert served == encoding, (served, encoding)
        cmd = ["wrk", "-t2", "-c50", f"-d{seconds}s", "--timeout", "10s", "-s", f.name]
        cmd += ["-H", f"X-Screen-Token: {token}", "-H", f"Accept-Encoding: {encoding or 'identity'}", url + path]
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode:
            raise SystemExit(f"wrk failed: {run.stderr or run.stdout}")
        text = run.stdout
        ok, other, duration, p50, p95 = next(
            line.split()[1:] for line in text.splitlines() if line.startswith("RESULT")
        )
        out[encoding or "identity"] = {
            "rps": int(ok) / float(duration),
            "errors": int(other),
            "p50": float(p50),
            "p95": float(p95),
            "bytes": size,
        }
    os.unlink(f.name)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--changes", type=int, default=30, help="changes per phase")
    parser.add_argument("--baseline-changes", type=int, help="changes in the baseline phase (default: --changes)")
    parser.add_argument("--screens", type=int, default=200, help="background wall polling during the phases")
    parser.add_argument("--courts", type=int, default=4, help="basic courts the changes are made in")
    parser.add_argument("--poll", type=float, default=1.0, help="our screens' poll interval, s")
    parser.add_argument("--seconds", type=int, default=10, help="wrk run per encoding for the full-bundle rate")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", choices=["ours", "baseline"])
    parser.add_argument(
        "--before-tree",
        help="a checkout of the code before issue 17 (git archive <commit> | tar -x -C DIR): its full-bundle rate "
        "is measured as today's baseline (default: our plain answer stands in for it)",
    )
    opts = parser.parse_args()
    opts.changes = min(opts.changes, MAX_CHANGES)
    opts.screens = min(opts.screens, MAX_SCREENS)

    os.environ.setdefault("SECRET_KEY", "bench-freshness-" + "x" * 50)  # shared with the servers started below
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection

    from cases.models import Case
    from dashboards import snapshots
    from dashboards.screen_access import issue_token
    from execcenter.models import Court

    if "Redis" not in settings.CACHES["default"]["BACKEND"]:
        raise SystemExit("the bench needs the shared Redis cache (REDIS_URL): server, refresher and bench share it")
    courts = list(Court.objects.order_by("code"))
    user = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.get(
        username="director"
    )
    token = issue_token(user)
    n_cases = Case.objects.count()
    info = machine_info(connection)
    load_before = os.getloadavg()

    def loop():
        return subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "refresh_screens"], cwd=ROOT)

    def beat():
        # The beat as it ran before: refresh() every 10 s in this process (each module on its interval).
        stop = threading.Event()

        def play():
            while not stop.wait(10):
                snapshots.refresh()

        snapshots.refresh(force=True)
        thread = threading.Thread(target=play, daemon=True)
        thread.start()
        return type("Beat", (), {"terminate": lambda self: stop.set(), "wait": lambda self, t: thread.join(t)})()

    phases = {}
    if opts.only in (None, "ours"):
        cache.delete(snapshots.LOCK_KEY)
        phases["ours"] = run_phase("ours", opts, courts, token, {"SCREEN_POLL_LOCAL_SECONDS": "0.5"}, loop)
    if opts.only in (None, "baseline"):
        cache.delete(snapshots.LOCK_KEY)
        base_opts = argparse.Namespace(**{**vars(opts), "changes": opts.baseline_changes or opts.changes})
        phases["baseline"] = run_phase("baseline", base_opts, courts, token, {"SCREEN_POLL_LOCAL_SECONDS": "1.0"}, beat)
    load_after = os.getloadavg()

    print(
        f"\nmachine: {info['cpu']} · {info['cores']} cores · {info['os']} · Python {info['python']} · {info['database']}"
    )
    print(
        f"data: {n_cases:,} cases · {len(courts)} court scopes · wall of {opts.screens} screens · load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after"
    )
    print(
        f"\n{'commit → visible on every affected screen':<58}{'p50 s':>8}{'p95 s':>8}{'max s':>8}{'pairs':>7}{'missed':>8}"
    )
    print("-" * 97)
    for name, label in (
        ("ours", f"ours: dirty marks + refresher loop, {opts.poll:g} s poll"),
        ("baseline", "baseline: full refresh every 10 s, 5 s poll"),
    ):
        r = phases.get(name)
        if not r:
            continue
        s = r["samples"]
        print(
            f"{label:<58}{percentile(s, 50):>8.2f}{percentile(s, 95):>8.2f}{max(s, default=float('nan')):>8.2f}"
            f"{len(s):>7}{r['misses']:>8}"
        )
        for kind, values in sorted(r["kinds"].items()):
            print(f"{'  ' + kind:<58}{percentile(values, 50):>8.2f}{percentile(values, 95):>8.2f}{max(values):>8.2f}")
    size = f"{n_cases:,} cases, {len(courts)} scopes"
    ours, base = phases.get("ours"), phases.get("baseline")
    if ours:
        results.record(
            "change visible on the wall, p95 (commit → screen)",
            percentile(ours["samples"], 95),
            "s",
            baseline=percentile(base["samples"], 95) if base else None,
            target="≤ 3 s",
            data_size=size,
            note=f"{len(ours['samples'])} change×screen pairs, {ours['misses']} missed; baseline: 10 s refresh, 5 s poll",
        )
        b = ours["bundles"]
        print(
            f"\n{'full bundle (200), high court, wrk 50 connections':<52}{'bundles/s':>10}{'p50 ms':>9}{'p95 ms':>9}{'bytes':>9}"
        )
        print("-" * 89)
        labels = {"br": "brotli (stored once per snapshot)", "gzip": "gzip (stored once per snapshot)"}
        labels.update(identity="plain JSON (no Accept-Encoding)", before="before issue 17: plain, read from the cache")
        for enc in ("br", "gzip", "identity", "before"):
            if enc in b:
                r = b[enc]
                print(f"{labels[enc]:<52}{r['rps']:>10.0f}{r['p50']:>9.2f}{r['p95']:>9.2f}{r['bytes']:>9,}")
        results.record(
            "full bundles per second (200, brotli, from the cache)",
            b["br"]["rps"],
            "bundles/s",
            baseline=b.get("before", b["identity"])["rps"],
            better="higher",
            target="≥ 2,000/s",
            data_size=size,
            note=f"bytes on the wire {b['br']['bytes']:,} (br) / {b['gzip']['bytes']:,} (gzip) / "
            f"{b['identity']['bytes']:,} (plain, as before); baseline: "
            f"{'the code before issue 17' if 'before' in b else 'our plain answer'}",
        )


if __name__ == "__main__":
    main()
