"""Every setting the apps read is declared in execcenter/settings with its one line of why, and read as
`settings.NAME` (no `getattr(settings, "NAME", default)` whose default hides a missing declaration)."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
APPS = ["cases", "command", "dashboards", "execcenter", "querycontrol", "simulator", "workbench"]
GETATTR = re.compile(r'getattr\(\s*settings\s*,\s*"([A-Z_]+)"')
READ = re.compile(r"\bsettings\.([A-Z][A-Z0-9_]+)\b")


def sources():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts and "settings" not in path.parts:
                yield path, path.read_text(encoding="utf-8")


def test_no_app_reads_a_setting_through_getattr_with_a_default():
    assert [f"{p.relative_to(ROOT)}: {m}" for p, text in sources() for m in GETATTR.findall(text)] == []


def test_every_setting_an_app_reads_is_declared():
    read = {name for _p, text in sources() for name in READ.findall(text)}
    assert read  # the scan sees the reads
    assert sorted(name for name in read if not hasattr(settings, name)) == []


def test_the_visibility_timeout_outlasts_the_longest_retry_backoff():
    from querycontrol.tasks import RETRY

    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    if "visibility_timeout" in options:  # Redis broker only; the filesystem broker has none
        assert options["visibility_timeout"] > RETRY["retry_backoff_max"]
    assert RETRY["retry_backoff_max"] == 60  # what settings/celery.py's comment says
