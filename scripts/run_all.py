"""`make run`: web, Celery worker, Celery beat and the screens' refresher in the foreground; one Ctrl-C stops all.

If any of them exits, the others are stopped too, so a half-running system is never left behind.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def is_production(env):
    return env.get("DJANGO_DEBUG", "True").lower() in ("0", "false", "no")


def prepare(py, env, cases):
    """The start-up steps before the processes start (issue 11, point 8).

    Embedded/dev profile: the demo province with its demo logins and keys. Production (DJANGO_DEBUG=False): never
    a demo login or key (seed_demo refuses there too); static files are collected, because WhiteNoise's manifest
    storage answers 500 for every page that names a static file missing from the manifest.
    """
    if is_production(env):
        steps = [[py, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"]]
    else:
        steps = [[py, "manage.py", "seed_demo", "--cases", str(cases)]]
    for step in steps:
        subprocess.run(step, cwd=ROOT, env=env, check=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    parser.add_argument("--cases", default="20000", help="demo cases to seed (embedded/dev profile only)")
    args = parser.parse_args()
    py = sys.executable
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    prepare(py, env, args.cases)
    commands = {
        "web": [py, "manage.py", "runserver", f"{args.host}:{args.port}", "--noreload"],
        "worker": [
            py,
            "-m",
            "celery",
            "-A",
            "execcenter",
            "worker",
            "-Q",
            "default,query,screens",
            "-c",
            "2",
            "-l",
            "INFO",
        ],
        "beat": [py, "-m", "celery", "-A", "execcenter", "beat", "-l", "INFO"],
        # The big screens' refresher loop (dashboards/refresher.py): changes on the wall within seconds.
        "screens": [py, "manage.py", "refresh_screens"],
    }
    if is_production(env):
        commands["web"] = [py, "-m", "gunicorn", "execcenter.wsgi", "-b", f"{args.host}:{args.port}", "-w", "2"]
    procs = {name: subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True) for name, cmd in commands.items()}
    base = f"http://{args.host}:{args.port}"
    print(
        f"\n执行指挥中心已启动 / running:\n  浏览器 {base}/  (登录页 {base}/accounts/login/)\n  管理后台 {base}/admin/\n"
        f"  大屏 {base}/screen/宁/\n  API 文档 {base}/api/docs/\n  健康检查 {base}/healthz\n按 Ctrl-C 停止全部进程。\n",
        flush=True,
    )
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    code = 0
    while not stopping:
        for name, proc in procs.items():
            if proc.poll() is not None:
                print(f"{name} 已退出（{proc.returncode}），正在停止其他进程", flush=True)
                code = proc.returncode or 1
                stopping = True
        time.sleep(0.5)
    for proc in procs.values():
        if proc.poll() is None:
            proc.terminate()  # the main process only: Celery then shuts its pool down warmly
    deadline = time.monotonic() + 15
    for proc in procs.values():
        try:
            proc.wait(max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    sys.exit(code)


if __name__ == "__main__":
    main()
