#!/usr/bin/env python3
"""Container health probes for docker-compose.yml (the slim image has no curl or pgrep).

    python scripts/docker_healthcheck.py web    # GET /healthz on the local gunicorn → exit 0 on HTTP 200
    python scripts/docker_healthcheck.py beat   # the beat schedule file was synced recently

Stdlib only and no Django import, so a probe costs a few milliseconds, not a settings load.
"""

import glob
import os
import sys
import time
import urllib.error
import urllib.request

WEB_URL = os.environ.get("HEALTHCHECK_URL", "http://127.0.0.1:8000/healthz")
# celery beat's PersistentScheduler writes its schedule file at most every 3 minutes
# (Scheduler.sync_every = 180 s) after it sends a task; beat sends the heartbeat every 15 s.
BEAT_STALE_SECONDS = int(os.environ.get("BEAT_STALE_SECONDS", "420"))


def check_web() -> int:
    # Host must be one Django accepts (ALLOWED_HOSTS); X-Forwarded-Proto tells SecurityMiddleware that
    # the request came through the TLS proxy, otherwise SECURE_SSL_REDIRECT answers 301, not the check.
    hosts = [h.strip().lstrip(".") for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = next((h for h in hosts if h != "*"), "localhost")
    request = urllib.request.Request(WEB_URL, headers={"Host": host, "X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            body = response.read(2000).decode("utf-8", "replace")
            status = response.status
    except urllib.error.HTTPError as exc:  # 503: one of database / cache / broker / worker is down
        body, status = exc.read(2000).decode("utf-8", "replace"), exc.code
    except OSError as exc:
        print(f"web: {exc}")
        return 1
    print(f"web: HTTP {status} {body}")
    return 0 if status == 200 else 1


def check_beat() -> int:
    var_dir = os.environ.get("EXECCENTER_VAR_DIR", "/var/lib/execcenter")
    # dbm picks the file suffix (none, .db, or .dat/.dir/.bak), so look at all of them.
    files = glob.glob(os.path.join(var_dir, "celerybeat-schedule*"))
    if not files:
        print(f"beat: no schedule file in {var_dir}")
        return 1
    age = time.time() - max(os.path.getmtime(f) for f in files)
    print(f"beat: schedule synced {age:.0f} s ago")
    return 0 if age <= BEAT_STALE_SECONDS else 1


if __name__ == "__main__":
    checks = {"web": check_web, "beat": check_beat}
    if len(sys.argv) != 2 or sys.argv[1] not in checks:
        sys.exit(f"usage: {sys.argv[0]} {'|'.join(checks)}")
    sys.exit(checks[sys.argv[1]]())
