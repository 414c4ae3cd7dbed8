"""Issue 11 point 8: the production profile (DJANGO_DEBUG=False) never makes demo logins or keys, collects its own
static files on start-up, refuses unreadable bodies with a clear JSON 413/400, and answers 400 (not 500) for a
date-time filter that cannot be represented in UTC."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from execcenter.models import Officer, PartnerClient

ROOT = Path(__file__).resolve().parent.parent.parent
PROD = {"DJANGO_DEBUG": "False", "SECRET_KEY": "p" * 30 + "Q9#x" * 10, "ALLOWED_HOSTS": "court.example.org,testserver"}


def test_seed_demo_refuses_to_make_demo_logins_or_keys_in_production(db, settings):
    settings.DEMO_DATA_ALLOWED = False  # what DJANGO_DEBUG=False sets
    with pytest.raises(CommandError, match="DJANGO_DEBUG=False"):
        call_command("seed_demo", cases=10, skip_enrich=True, verbosity=0)
    assert not Officer.objects.exists() and not PartnerClient.objects.exists()


def test_production_start_up_collects_static_and_pages_render_instead_of_500(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(PROD, EXECCENTER_VAR_DIR=str(tmp_path), SECURE_SSL_REDIRECT="False")
    # The start-up path of `make run` (scripts/run_all.py) in the production profile: no seed, collectstatic.
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.path.insert(0, 'scripts'); import run_all; "
            "run_all.prepare(sys.executable, dict(__import__('os').environ), 10)",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    assert (tmp_path / "staticfiles" / "staticfiles.json").exists()
    assert not (tmp_path / "execcenter.sqlite3").exists()  # nothing was seeded: no demo login, no demo key
    render = (
        "from django.test import Client; r = Client().get('/accounts/login/', secure=True); "
        "print(r.status_code, b'/static/' in r.content)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", render],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split()[-2:] == ["200", "True"], result.stdout + result.stderr


@pytest.mark.django_db
def test_an_oversized_api_body_gets_json_413_and_changes_nothing(api, case_system_partner, settings):
    from cases.models import Case

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    before = Case.objects.count()
    response = api.as_partner(case_system_partner).post(
        "/api/v1/cases/", data=b'{"note": "' + b"x" * 5000 + b'"}', content_type="application/json"
    )
    assert response.status_code == 413 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "body_too_large" and "请求体过大" in body["detail"] and "too large" in body["detail"]
    assert Case.objects.count() == before


@pytest.mark.django_db
def test_a_malformed_api_body_gets_json_400_in_both_languages(api, case_system_partner):
    response = api.as_partner(case_system_partner).post(
        "/api/v1/cases/", data=b'{"a": ', content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "malformed_body" and "请求体格式错误" in body["detail"] and "malformed" in body["detail"]


@pytest.mark.django_db
def test_an_oversized_form_post_outside_the_api_gets_413_not_a_500(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post("/accounts/login/", {"username": "x" * 5000, "password": "y"})
    assert response.status_code == 413 and "请求体过大".encode() in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00"])
@pytest.mark.parametrize(
    "url",
    ["/api/v1/incidents/?reported_after=", "/api/v1/query-requests/?created_after=", "/api/v1/audit-log/?at_after="],
)
def test_a_datetime_filter_with_an_impossible_utc_offset_gets_400_not_500(api, director_high, auditor_high, url, value):
    from urllib.parse import quote

    client = api.as_officer(auditor_high if "audit" in url else director_high)
    response = client.get(url + quote(value))
    assert response.status_code == 400, response.content
    assert "date/time out of range" in str(response.json())
