"""Issue 11 point 7 without a browser: every page carries the Content-Security-Policy and the other headers
`check --deploy` asks for, and no template brings back an inline script, style or event handler (which the policy
would block in the browser)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

INLINE = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>|<style[\s>]|\sstyle=\"|\son[a-z]+=\"", re.I)


@pytest.mark.django_db
def test_pages_carry_the_csp_and_security_headers(client):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff" and response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_template_has_inline_script_style_or_handler():
    found = []
    for path in Path(settings.BASE_DIR).glob("**/templates/**/*.html"):
        if ".venv" in path.parts:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if INLINE.search(line) and "{#" not in line:
                found.append(f"{path.relative_to(settings.BASE_DIR)}:{n}: {line.strip()[:100]}")
    assert found == []


@pytest.mark.django_db
def test_csp_reports_are_accepted_and_logged(client, caplog):
    response = client.post(
        "/csp-report", b'{"csp-report": {"violated-directive": "script-src"}}', content_type="application/csp-report"
    )
    assert response.status_code == 204 and "script-src" in caplog.text
