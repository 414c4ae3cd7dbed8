"""The world a fault run drives: its own PostgreSQL database, a Redis server on a port of its own, Celery
worker and beat processes (and gunicorn when a scenario needs the web), all started and stopped here.

Every process gets the same environment (DATABASE_URL, REDIS_URL, the simulator's latency), so the runner
process — which files and approves through the services, as a user would through the web — and the workers
share one database, one broker and one cache.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout, interval=0.25, what="condition"):
    """Poll `predicate` until truthy; returns seconds waited. Raises TimeoutError after `timeout` s."""
    started = time.monotonic()
    while True:
        if predicate():
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"{what}: not reached within {timeout:.0f} s")
        time.sleep(interval)


class Proc:
    """A child process in its own session, so that a SIGKILL takes its pool children with it (a crash)."""

    def __init__(self, name, argv, env, log_dir):
        self.name, self.argv, self.env = name, argv, env
        self.log_path = Path(log_dir) / f"{name}.log"
        self.p = None

    def start(self, extra_env=None):
        env = {**self.env, **(extra_env or {})}
        self._log = open(self.log_path, "ab")
        self.p = subprocess.Popen(
            self.argv, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        return self

    @property
    def alive(self):
        return self.p is not None and self.p.poll() is None

    def kill(self):
        if self.alive:
            os.killpg(self.p.pid, signal.SIGKILL)
            self.p.wait(10)

    def stop(self):
        if self.alive:
            os.killpg(self.p.pid, signal.SIGTERM)
            try:
                self.p.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


class Redis(Proc):
    """redis-server on its own port, nothing persisted: a restart loses every queued message, as a crash would."""

    def __init__(self, port, log_dir):
        super().__init__(
            f"redis-{port}",
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "no",
            ],
            dict(os.environ),
            log_dir,
        )
        self.port = port

    def start(self, extra_env=None):
        super().start()
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        wait_until(lambda: _ping(client), 15, what="redis up")
        return self

    def restart(self):
        """SIGKILL and start again on the same port (empty). Returns the moment it answers again."""
        self.kill()
        self.start()
        return time.monotonic()


def _ping(client):
    try:
        return client.ping()
    except Exception:  # not listening yet
        return False


class World:
    def __init__(self, *, database, log_dir, institutions, chunk_size=20, latency=(40, 160)):
        self.log_dir = Path(log_dir)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.database = database
        self.redis = Redis(free_port(), self.log_dir)
        self.institutions = institutions
        self.latency = latency
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
            "EXECCENTER_VAR_DIR": str(self.log_dir / "var"),
            "EC_FAULT_DIR": str(self.log_dir / "var"),
            "SIMULATOR_LATENCY": "realistic",
            "SIMULATOR_BALANCE_MOVE_SECONDS": str(10**9),
            "QUERYCONTROL_CHUNK_SIZE": str(chunk_size),
            "QUERYCONTROL_QUERY_THREADS": "4",
            "DASHBOARDS_REFRESH_SECONDS": "3600",  # the screens are not under test here: leave the CPU to the fan-out
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "execcenter.settings",
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("EC_FAULT_POINTS", None)
        (self.log_dir / "var").mkdir(parents=True, exist_ok=True)
        for marker in (self.log_dir / "var").glob("fault-*.fired"):
            marker.unlink()  # a kill-once point fires once per run, not once ever
        self.workers, self.beats, self.web = [], [], None

    # --- processes ------------------------------------------------------------------------------------------

    def start_redis(self):
        self.redis.start()
        self.env["REDIS_URL"] = f"redis://127.0.0.1:{self.redis.port}/0"
        os.environ.update({k: v for k, v in self.env.items() if k not in ("PYTHONUNBUFFERED",)})

    def worker(self, name, extra_env=None):
        argv = [
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
            "WARNING",
        ]
        proc = Proc(name, argv, self.env, self.log_dir).start(extra_env)
        self.workers.append(proc)
        return proc

    def wait_worker_ready(self, timeout=60):
        from django.core.cache import cache

        from execcenter.tasks import HEARTBEAT_KEY

        cache.delete(HEARTBEAT_KEY)
        wait_until(lambda: cache.get(HEARTBEAT_KEY) is not None, timeout, what="worker ready")

    def restart_worker(self, proc, extra_env=None):
        proc.kill()
        self.workers.remove(proc)
        new = self.worker(proc.name, extra_env)
        self.wait_worker_ready()
        return new

    def beat(self, name):
        argv = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "execcenter",
            "beat",
            "-s",
            str(self.log_dir / "var" / f"beat-{name}"),
            "-l",
            "WARNING",
        ]
        proc = Proc(name, argv, self.env, self.log_dir).start()
        self.beats.append(proc)
        return proc

    def start_web(self, port, extra_env=None, workers=1, threads=1, keep_alive=2):
        """gunicorn on 127.0.0.1:`port`: `workers` processes × `threads` threads (gthread when more than one),
        idle kept-alive connections closed after `keep_alive` seconds (gunicorn's default 2)."""
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "execcenter.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "--keep-alive",
            str(keep_alive),
            "--timeout",
            "60",
        ]
        self.web = Proc("web", argv, self.env, self.log_dir).start(extra_env)
        import urllib.request

        def up():
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                return True
            except urllib.error.HTTPError:
                return True  # 503 (no heartbeat yet) still means it serves
            except Exception:  # not listening yet
                return False

        wait_until(up, 60, what="web up")
        return self.web

    def stop_all(self):
        for proc in [*self.workers, *self.beats, *([self.web] if self.web else [])]:
            proc.stop()
        self.workers, self.beats, self.web = [], [], None

    def close(self):
        self.stop_all()
        self.redis.stop()

    # --- database ---------------------------------------------------------------------------------------------

    def create_database(self):
        base = ["-h", "127.0.0.1", "-U", "postgres"]
        subprocess.run(["dropdb", *base, "--if-exists", "--force", self.database], check=True, capture_output=True)
        subprocess.run(["createdb", *base, self.database], check=True, capture_output=True)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=self.env, check=True
        )

    def terminate_connections(self):
        """pg_terminate_backend on every other connection to the run's database (the workers', beat's, web's)."""
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return cur.fetchone()[0]
