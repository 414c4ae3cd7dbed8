"""Schemathesis against the product's own OpenAPI schema (issue 13 item 11): for every operation, generated requests
(odd strings, empty enums, nulls, huge numbers, offsets beyond ±15:59, days near year 1 …) get no 500, and every
answer matches the schema: a declared status, a declared content type, a body of the declared shape.

Bounded: a few examples per operation, no shrinking, one database for the whole walk (about a minute on the
2-core machine); `FUZZ_EXAMPLES` raises the count for a longer local run. Schemathesis 4.32.5 (MIT), pinned in
requirements.txt.
"""

import os
import time

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings

APP = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", APP)
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))


@pytest.fixture
def session_headers(director_high):
    """The high court's director (sees the whole province) through the session cookie; the generated
    Authorization header is blanked so the API-key scheme does not answer 401 to random keys."""
    from django.conf import settings as django_settings
    from django.test import Client

    client = Client()
    client.force_login(director_high.user)
    return {
        "Cookie": f"{django_settings.SESSION_COOKIE_NAME}={client.cookies[django_settings.SESSION_COOKIE_NAME].value}",
        "Authorization": "",
    }


@pytest.fixture
def keep_the_test_connection():
    # As Django's test client does: the WSGI handler would close the test's database connection after each request.
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_every_operation_answers_generated_input_without_a_500_and_as_its_schema_says(
    db, courts, session_headers, keep_the_test_connection
):
    failures, started, operations = [], time.monotonic(), 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate(headers=session_headers)

        try:
            check()
        except Exception as exc:  # collected, so one run names every failing operation
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:800]}")
    print(f"schemathesis: {operations} operations × {EXAMPLES} examples in {time.monotonic() - started:.0f} s")
    assert operations > 50
    assert failures == [], "\n\n".join(failures)
