"""Big-screen polling benchmark (docs/design.md §5): 200 screens polling the snapshot endpoint.

    .venv/bin/python bench/polling.py                 # starts gunicorn on 127.0.0.1, runs, stops it
    .venv/bin/python bench/polling.py --url http://127.0.0.1:8000 --screens 200 --seconds 20

Phases (each bounded in screens and seconds):
1. refresh:   time to recompute all modules for all court scopes (the beat task's work), 3 runs.
2. baseline:  computing every module for one scope per request (what a screen would cost without
              snapshots), timed in-process for the high court: a lower bound of that design's latency.
3. realistic: N screens, each polling every --interval s with If-None-Match, spread over the court screens,
              while the snapshots are kept fresh: `--refresher loop` (the default) runs the screens' refresher
              loop as production does since issue 17 (`manage.py refresh_screens`), `--refresher beat` the
              earlier beat task (a whole refresh every 10 s).
4. saturate:  the same N screens polling back-to-back (closed loop): sustained polls per second, driven by
              wrk when it is installed (Debian package `wrk`: a C load generator leaves the cores to the server).
Prints p50/p95/p99, polls/s, the 304 share and the machine it ran on.
"""

import argparse
import http.client
import multiprocessing as mp
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "execcenter.settings")
from bench import results  # noqa: E402

MAX_SCREENS, MAX_SECONDS = 1000, 120


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


# --- client side (runs in worker processes: no Django there) ----------------------------------


def _screen(host, port, paths, token, interval, deadline, out, seed):
    rng = random.Random(seed)
    path = rng.choice(paths)
    etag, conn = None, None
    # Screens start spread over one interval, like walls switched on at different moments.
    next_at = time.monotonic() + (rng.random() * interval if interval else 0)
    while True:
        now = time.monotonic()
        if now >= deadline:
            break
        if interval and now < next_at:
            time.sleep(min(next_at - now, deadline - now))
            continue
        headers = {"X-Screen-Token": token}
        if etag:
            headers["If-None-Match"] = etag
        t0 = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(host, port, timeout=10)
            conn.request("GET", path, headers=headers)
            res = conn.getresponse()
            res.read()
            status = res.status
            etag = res.getheader("ETag") or etag
        except (OSError, http.client.HTTPException):
            status, conn = 0, None
        out.append((time.perf_counter() - t0, status))
        next_at += interval


def _client_process(args):
    host, port, paths, token, interval, seconds, screens, seed = args
    deadline = time.monotonic() + seconds
    results, threads = [], []
    for i in range(screens):
        t = threading.Thread(
            target=_screen, args=(host, port, paths, token, interval, deadline, results, seed * 1000 + i), daemon=True
        )
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    return results


def run_phase(url, paths, token, screens, seconds, interval, processes):
    parsed = urllib.parse.urlparse(url)
    per = [screens // processes + (1 if i < screens % processes else 0) for i in range(processes)]
    jobs = [(parsed.hostname, parsed.port, paths, token, interval, seconds, n, i) for i, n in enumerate(per) if n]
    started = time.monotonic()
    with mp.get_context("fork").Pool(len(jobs)) as pool:
        results = [r for chunk in pool.map(_client_process, jobs) for r in chunk]
    elapsed = time.monotonic() - started
    ok = [t for t, s in results if s in (200, 304)]
    return {
        "polls": len(results),
        "errors": sum(1 for _t, s in results if s not in (200, 304)),
        "elapsed": elapsed,
        "rps": len(results) / elapsed if elapsed else 0,
        "share304": sum(1 for _t, s in results if s == 304) / max(1, len(results)),
        "p50": percentile(ok, 50) * 1000,
        "p95": percentile(ok, 95) * 1000,
        "p99": percentile(ok, 99) * 1000,
    }


WRK_SCRIPT = """
local paths, etags, token = {%(paths)s}, {%(etags)s}, "%(token)s"
local threads, n = {}, 0
function setup(thread) table.insert(threads, thread) end
function init(args) s304, s200, other = 0, 0, 0 end
function request()
  n = n + 1
  local k = (n %% #paths) + 1
  return wrk.format("GET", paths[k], {["X-Screen-Token"] = token, ["If-None-Match"] = etags[k]})
end
function response(status, headers, body)
  if status == 304 then s304 = s304 + 1 elseif status == 200 then s200 = s200 + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local a, b, c = 0, 0, 0
  for _, t in ipairs(threads) do a = a + t:get("s304"); b = b + t:get("s200"); c = c + t:get("other") end
  io.write(string.format("RESULT %%d %%d %%d %%f %%f %%f %%f\\n", a, b, c, summary.duration / 1e6,
    latency:percentile(50) / 1e3, latency:percentile(95) / 1e3, latency:percentile(99) / 1e3))
end
"""


def saturate_with_wrk(url, paths, etags, token, connections, seconds):
    """Back-to-back polls from wrk (C, one thread per core): a Python load generator spent most of the two cores
    itself and measured its own speed. Every connection sends the screen's current ETag, as a screen does."""
    import tempfile

    script = WRK_SCRIPT % {
        "paths": ",".join(f'"{p}"' for p in paths),
        "etags": ",".join(f"'{e}'" for e in etags),
        "token": token,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", f.name, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(f.name)
    s304, s200, other, duration, p50, p95, p99 = next(
        line.split()[1:] for line in out.splitlines() if line.startswith("RESULT")
    )
    polls = int(s304) + int(s200) + int(other)
    return {
        "polls": polls,
        "errors": int(other),
        "elapsed": float(duration),
        "rps": polls / float(duration),
        "share304": int(s304) / max(1, polls),
        "p50": float(p50),
        "p95": float(p95),
        "p99": float(p99),
    }


# --- server side --------------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workers, cwd=ROOT):
    """gunicorn of the tree at `cwd` (this checkout by default) on a free loopback port: (process, url)."""
    port = free_port()
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "execcenter.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--log-level",
            "warning",
            "--keep-alive",
            "30",
        ],
        # The production profile (DEBUG off) on loopback: no TLS here, so no HTTPS redirect.
        # SECRET_KEY is the one this process signs the screen token with (set in main()).
        cwd=cwd,
        env={
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            **os.environ,
            "DJANGO_DEBUG": os.environ.get("DJANGO_DEBUG", "False"),
            "SECURE_SSL_REDIRECT": "False",
        },
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn did not start")


def machine_info(connection):
    cpu = next(
        (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
        platform.processor(),
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "os": platform.platform(terse=True),
        "database": f"{connection.vendor} {'.'.join(map(str, connection.Database.version_info if hasattr(connection.Database, 'version_info') else ()))}".strip(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running server (default: start gunicorn on a free loopback port)")
    parser.add_argument("--screens", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=20, help="length of each polling phase")
    parser.add_argument("--interval", type=float, default=5.0, help="poll interval of a screen in the realistic phase")
    parser.add_argument("--processes", type=int, default=max(2, os.cpu_count() or 2), help="client processes")
    parser.add_argument(
        "--workers", type=int, default=max(2, os.cpu_count() or 2), help="gunicorn workers when started here"
    )
    parser.add_argument("--baseline-samples", type=int, default=5)
    parser.add_argument(
        "--refresher",
        choices=["loop", "beat"],
        default="loop",
        help="what keeps the snapshots fresh in the realistic phase: the refresher loop, or a refresh every 10 s",
    )
    opts = parser.parse_args()
    screens, seconds = min(opts.screens, MAX_SCREENS), min(opts.seconds, MAX_SECONDS)

    os.environ.setdefault("SECRET_KEY", "bench-polling-" + "x" * 50)  # shared with the server started below
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.urls import reverse

    from cases.models import Case
    from dashboards import snapshots
    from dashboards.screen_access import issue_token
    from execcenter.models import Court

    courts = list(Court.objects.order_by("code"))
    User = get_user_model()
    user = User.objects.filter(is_superuser=True).first() or User.objects.filter(username="director").first()
    if user is None:  # a bench/seed.py database has cases but no accounts: a province-wide account for the screens
        user = User.objects.create_superuser("bench-screens", password=None)
    token = issue_token(user)
    paths = [reverse("screen-snapshot", args=[c.code]) for c in courts]  # already percent-encoded
    n_cases = Case.objects.count()
    info = machine_info(connection)

    refresh_times = []
    for _ in range(3):
        t0 = time.perf_counter()
        summary = snapshots.refresh(force=True)
        refresh_times.append(time.perf_counter() - t0)
    slowest = sorted(summary["timings"].items(), key=lambda kv: -kv[1])[:5]

    high = next(c for c in courts if c.parent_id is None)
    baseline = []
    for _ in range(opts.baseline_samples):
        t0 = time.perf_counter()
        snapshots.live_bundle(high)
        baseline.append((time.perf_counter() - t0) * 1000)
    connection.close()  # the forked client processes must not share this connection

    proc, url = (None, opts.url) if opts.url else start_server(opts.workers)
    stop = threading.Event()

    def refresher():  # what keeps the snapshots fresh during the realistic phase
        if opts.refresher == "loop":
            from dashboards import refresher as loop

            loop.run(stop=stop)
        else:
            while not stop.wait(10):
                snapshots.refresh()

    try:
        run_phase(url, paths, token, min(screens, 20), 2, 0, 1)  # warm-up: connections, imports, caches
        started = time.time()
        beat = threading.Thread(target=refresher, daemon=True)
        beat.start()
        if opts.refresher == "loop":
            # A freshly started loop gathers the whole province first (as after a deploy); a running one does
            # that once, so the screens are measured from its first published round on.
            deadline = time.monotonic() + 600
            while (cache.get(snapshots.META_KEY) or {}).get("at", 0) < started and time.monotonic() < deadline:
                time.sleep(0.5)
        realistic = run_phase(url, paths, token, screens, seconds, opts.interval, opts.processes)
        stop.set()
        beat.join()
        if shutil.which("wrk"):
            generator = "wrk"
            etags = [cache.get(snapshots.etag_key(c.code)) for c in courts]
            saturate = saturate_with_wrk(url, paths, etags, token, screens, seconds)
        else:
            generator = f"{opts.processes} Python client processes (install Debian's wrk for a lighter load generator)"
            saturate = run_phase(url, paths, token, screens, seconds, 0, opts.processes)
    finally:
        stop.set()
        if proc:
            proc.terminate()
            proc.wait(10)

    print(
        f"\nmachine: {info['cpu']} · {info['cores']} cores · {info['os']} · Python {info['python']} · {info['database']}"
    )
    print(
        f"data: {n_cases:,} cases · {len(courts)} court scopes · {len(summary['computed'])} modules · server {url}"
        f"{'' if opts.url else f' (gunicorn {opts.workers} workers × 4 threads, started here)'}"
        f" · realistic phase kept fresh by the {'refresher loop' if opts.refresher == 'loop' else 'beat (refresh every 10 s)'}"
    )
    print(f"\n{'measure':<52}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'polls/s':>10}{'304 %':>8}{'errors':>8}")
    print("-" * 108)
    for name, r in (
        (f"snapshot, {screens} screens polling every {opts.interval:g} s", realistic),
        (f"snapshot, {screens} screens back-to-back (saturation)", saturate),
    ):
        print(
            f"{name:<52}{r['p50']:>10.2f}{r['p95']:>10.2f}{r['p99']:>10.2f}{r['rps']:>10.0f}{r['share304'] * 100:>8.1f}{r['errors']:>8}"
        )
    print(
        f"{'baseline: all modules computed per request (1 scope)':<52}{percentile(baseline, 50):>10.1f}"
        f"{percentile(baseline, 95):>10.1f}{percentile(baseline, 99):>10.1f}{1000 / statistics.median(baseline):>10.1f}{'':>8}{'':>8}"
    )
    print("-" * 108)
    print(
        f"snapshot vs per-request baseline (p50): {percentile(baseline, 50) / max(realistic['p50'], 1e-9):.0f}× faster "
        f"(target ≥ 20×; p95 target ≤ 20 ms, saturation target ≥ 1,000 polls/s)"
    )
    print(f"saturation load generator: {generator}, on the same machine as the server")
    size = f"{n_cases:,} cases, {len(courts)} scopes"
    results.record(
        f"screen poll p95, {screens} screens every {opts.interval:g} s",
        realistic["p95"],
        "ms",
        baseline=percentile(baseline, 95),
        target="≤ 20 ms",
        data_size=size,
        note=f"baseline: every module computed per request; refresher: {opts.refresher}",
    )
    results.record(
        f"unchanged polls per second, {screens} screens back-to-back",
        saturate["rps"],
        "polls/s",
        baseline=1000 / statistics.median(baseline),
        better="higher",
        target="≥ 1,000/s",
        data_size=size,
        note=f"load generator: {generator}",
    )
    results.record(
        "full snapshot refresh (all modules × all scopes)",
        statistics.median(refresh_times),
        "s",
        target="≤ 10 s",
        data_size=size,
    )
    print(
        f"refresh of all modules × all scopes: {', '.join(f'{t:.2f}' for t in refresh_times)} s (target ≤ 10 s); "
        f"slowest modules: {', '.join(f'{c} {t:.2f}s' for c, t in slowest)}"
    )


if __name__ == "__main__":
    main()
