"""A real Celery worker process for tests of the fan-out, control orders and crashes (not eager mode).

The worker is pointed at the test database by name and shares the broker and cache with the test
process, so tests using it must use `transactional_db` (committed rows).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from execcenter.tasks import HEARTBEAT_KEY

ROOT = Path(__file__).resolve().parent.parent


class WorkerProcess:
    def __init__(self, queues="default,query,screens", concurrency=2, name="testworker"):
        self.queues, self.concurrency, self.name = queues, concurrency, name
        self.proc = None
        self.log_path = Path(settings.VAR_DIR) / f"{name}.log"

    def start(self, timeout=60):
        env = dict(os.environ)
        env["DATABASE_NAME"] = str(connection.settings_dict["NAME"])
        env["DJANGO_SETTINGS_MODULE"] = "execcenter.settings"
        cache.delete(HEARTBEAT_KEY)
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "execcenter",
                "worker",
                "-Q",
                self.queues,
                "-c",
                str(self.concurrency),
                "-n",
                f"{self.name}-{os.getpid()}@%h",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if cache.get(HEARTBEAT_KEY) is not None:
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited early; see {self.log_path}")
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"worker did not become ready in {timeout}s; see {self.log_path}")

    def kill(self):
        """SIGKILL the whole worker (main process and its pool children), as a crash would."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        if getattr(self, "_log", None):
            self._log.close()


def purge_queues():
    from execcenter.celery import app

    with app.connection_for_write() as conn:
        for queue in ("default", "query", "screens"):
            try:
                conn.default_channel.queue_purge(queue)
            except Exception:  # the queue may not exist yet on a fresh broker
                pass


def wait_for(predicate, timeout=60, interval=0.2, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")
