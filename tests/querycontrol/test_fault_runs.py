"""The bounded fault run of CI (issue 16): `faults/run.py` with a real worker SIGKILLed mid fan-out and the web
process killed after committing an Idempotency-Key POST, against PostgreSQL, a Redis the run starts on its own
port and real Celery worker and beat processes. About two minutes on 2 cores; the full set is `make faults`.

Needs PostgreSQL (the run makes a database of its own next to the test database) and `redis-server`.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = [pytest.mark.worker, pytest.mark.postgres]


@pytest.mark.skipif(settings.DB_VENDOR != "postgresql", reason="the fault runs need PostgreSQL (DATABASE_URL)")
@pytest.mark.skipif(shutil.which("redis-server") is None, reason="the fault runs start a redis-server of their own")
def test_bounded_fault_run_holds_every_invariant_and_settles_within_a_minute(tmp_path):
    out = tmp_path / "faults.json"
    database = f"{settings.DATABASES['default']['NAME']}_faultrun"
    proc = subprocess.run(
        [
            sys.executable,
            "faults/run.py",
            "--scenarios",
            "kill-fanout,web-kill",
            "--institutions",
            "40",
            "--database",
            database,
            "--json",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    rows = json.loads(out.read_text())["rows"]
    assert {r["scenario"] for r in rows} == {"kill-fanout", "web-kill"}
    for row in rows:
        assert row["ok"], row
        assert row["present"] == row["expected"] and row["duplicates"] == 0
        assert row["settle_s"] is not None and row["settle_s"] <= 60
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", database], capture_output=True
    )
