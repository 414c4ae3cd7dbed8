"""Serve the simulated banks and registries over HTTP, for QUERYCONTROL_CONNECTOR=http.

gunicorn (already the product's web server) with threaded workers: `--workers` processes (one per core:
the simulator's work is Python and database round trips) × `--threads` requests in flight each. An
institution's simulated latency is a sleep in its request thread, so the threads — not the cores —
bound how many slow institutions answer at once: give at least as many threads in all as the query
workers keep batches in flight (query processes × QUERYCONTROL_QUERY_THREADS). Idle keep-alive
connections wait in the worker's poller and hold no thread; `--keepalive` is how long (s) an idle one
stays open, longer than the HTTP connector keeps its idle connections (30 s), so that the client, not
the server, closes them and a request never races a server-side close.

Each busy thread holds one database connection (CONN_MAX_AGE): workers × threads connections at most.
"""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from simulator.http import application


class Command(BaseCommand):
    help = "以HTTP方式提供协助单位模拟器 / Serve the institution simulator over HTTP (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="processes (default: cores)")
        parser.add_argument("--threads", type=int, default=16, help="requests in flight per process")
        parser.add_argument("--keepalive", type=int, default=75, help="seconds an idle connection stays open")
        parser.add_argument("--backlog", type=int, default=2048)

    def handle(self, *args, host, port, workers, threads, keepalive, backlog, **options):
        from gunicorn.app.base import BaseApplication

        if workers < 1 or threads < 1 or keepalive < 0:
            raise CommandError("进程数和线程数至少为1 (--workers and --threads must be ≥ 1, --keepalive ≥ 0)")
        settings = {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": threads,
            "keepalive": keepalive,
            # Connections per process: the threads plus the idle keep-alive ones (a pool per query process).
            "worker_connections": max(1000, threads * 4),
            "backlog": backlog,
            # The slowest simulated institution sleeps 2 s; a worker silent for 60 s is stuck and replaced.
            "timeout": 60,
            "graceful_timeout": 10,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            "proc_name": "serve_simulator",
        }

        class Server(BaseApplication):
            def load_config(self):
                for key, value in settings.items():
                    self.cfg.set(key, value)

            def load(self):
                return application

        connections.close_all()  # never hand an open database connection to the forked workers
        self.stdout.write(
            f"simulator listening on http://{host}:{port}/ ({workers} processes × {threads} threads, Ctrl-C to stop)"
        )
        self.stdout.flush()
        Server().run()
