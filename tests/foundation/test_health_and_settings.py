import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import cache

from execcenter.tasks import HEARTBEAT_KEY

ROOT = Path(__file__).resolve().parent.parent.parent


def test_healthz_is_503_without_a_worker_heartbeat(client, db):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"] and body["checks"]["broker"]["ok"]
    assert not body["checks"]["worker"]["ok"]


def test_healthz_is_503_when_the_heartbeat_is_stale(client, db, settings):
    cache.set(HEARTBEAT_KEY, time.time() - settings.WORKER_HEARTBEAT_STALE_SECONDS - 5, None)
    assert client.get("/healthz").status_code == 503


@pytest.mark.worker
def test_healthz_is_200_with_a_real_worker_answering(client, worker):
    from execcenter.tasks import heartbeat
    from tests.workers import wait_for

    cache.delete(HEARTBEAT_KEY)
    heartbeat.delay()  # goes broker → worker → cache, like beat's periodic call
    wait_for(lambda: cache.get(HEARTBEAT_KEY), timeout=30, message="worker heartbeat")
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ok"


def _run_manage(*args, env_extra):
    # A deployment's environment: no test-only switches (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_mode_refuses_to_start_without_secret_key():
    result = _run_manage("check", env_extra={"DJANGO_DEBUG": "False", "ALLOWED_HOSTS": "example.org"})
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_production_mode_refuses_to_start_without_allowed_hosts():
    result = _run_manage("check", env_extra={"DJANGO_DEBUG": "False", "SECRET_KEY": "x" * 60})
    assert result.returncode != 0 and "ALLOWED_HOSTS must be set" in result.stderr


def test_check_deploy_is_clean_in_production_mode():
    result = _run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={"DJANGO_DEBUG": "False", "SECRET_KEY": "p" * 30 + "Q9#x" * 10, "ALLOWED_HOSTS": "court.example.org"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_language_and_time_zone(settings):
    assert settings.LANGUAGE_CODE == "zh-hans" and settings.TIME_ZONE == "Asia/Shanghai"
    assert "en" in dict(settings.LANGUAGES)


def test_celery_is_configured_for_exactly_once_work(settings):
    from execcenter.celery import app

    conf = app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost and conf.worker_prefetch_multiplier == 1
    assert conf.accept_content == ["json"] and conf.task_serializer == "json"
    assert {q.name for q in conf.task_queues} >= {"default", "query", "screens"}
    assert conf.task_time_limit and conf.task_soft_time_limit


def test_login_page_is_chinese(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200 and "执行指挥中心" in response.content.decode()


def test_english_is_available(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Execution Command Centre" in response.content.decode()
