"""`manage.py serve_simulator` as a process of its own on a free port, for tests (the caller's test database)."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_simulator(workers=1, threads=8, **env):
    """Yield the server's base URL once /healthz answers (about 2 s); `env`: settings for the server, e.g.
    SIMULATOR_LATENCY. Needs the test database set up (the `django_db_setup` fixture)."""
    port = _free_port()
    env = dict(
        os.environ,
        DATABASE_NAME=str(connection.settings_dict["NAME"]),
        DJANGO_SETTINGS_MODULE="execcenter.settings",
        SIMULATOR_BALANCE_MOVE_SECONDS="0",
        **env,
    )
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "serve_simulator", "--port", str(port)]
        + ["--workers", str(workers), "--threads", str(threads)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                pytest.fail(f"serve_simulator did not start: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.1)
        yield url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
