"""Browser tests: headless Debian Chromium driven by Playwright's sync API against pytest-django's
`live_server`.

Fixtures:
- `browser_page`: a Playwright Page on a fresh Chromium profile whose relative URLs resolve against the
  live server (`browser_page.goto("/accounts/login/")`). `browser_page.console_errors` collects every
  console error and uncaught page exception; `browser_page.save_screenshot()` writes
  artifacts/screenshots/<test name>.png (artifacts/ is git-ignored).
- `log_in(page, user)`: puts a Django session cookie for `user` into the page's context, for tests that
  are not about the login form itself.

Mark each browser test `@pytest.mark.browser` (registered in pytest.ini) so `-m "not browser"` skips them.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in this thread; Django's ORM (used by the test body and by
# live_server fixtures) then refuses to run "from an async context" unless told that this is safe. It is:
# the test thread never awaits, the loop only talks to the browser.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # containers and CI run as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Nothing may reach out to the internet: the machines have none, and a stalled fetch slows every test.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT_DIR = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
VIEWPORT = {"width": 1440, "height": 900}


def _require_chromium():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"{CHROMIUM} not found: browser tests need Debian's chromium and fonts-noto-cjk. "
            "Run `bash scripts/install-browser-deps.sh` (as root) and try again.",
            pytrace=False,
        )


def _screenshot_name(node_name: str) -> str:
    # test_x[param-1] → test_x-param-1 : safe on every filesystem.
    return re.sub(r"[^\w.-]+", "-", node_name).strip("-")


@pytest.fixture(scope="session")
def _playwright():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    manager = sync_playwright().start()
    yield manager
    manager.stop()


def _wait_for_function(page, expression, timeout=None):
    """Playwright's wait_for_function evaluates its predicate with eval() inside the page, which the site's
    Content-Security-Policy (no 'unsafe-eval') refuses; page.evaluate goes through the DevTools protocol instead, so
    the predicate is polled from here. Same contract: returns once the expression is truthy, else TimeoutError."""
    import time

    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    deadline = time.monotonic() + (timeout if timeout is not None else 15_000) / 1000
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise PlaywrightTimeoutError(f"wait_for_function timed out: {expression}")
        page.wait_for_timeout(50)


@pytest.fixture
def browser_page(_playwright, live_server, tmp_path, request):
    """A Page in a fresh Chromium profile (its own user-data dir), pointed at the live server."""
    profile = tmp_path / "chromium-profile"
    context = _playwright.chromium.launch_persistent_context(
        user_data_dir=str(profile),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        base_url=live_server.url,
        locale="zh-CN",
        timezone_id=settings.TIME_ZONE,
        viewport=VIEWPORT,
    )
    context.set_default_timeout(15_000)
    page = context.pages[0] if context.pages else context.new_page()

    errors: list[str] = []
    page.on(
        "console",
        lambda msg: (
            errors.append(f"console.{msg.type}: {msg.text} @ {msg.location.get('url', '')}")
            if msg.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    page.console_errors = errors

    def save_screenshot(suffix: str = "", full_page: bool = True) -> Path:
        name = _screenshot_name(request.node.name) + (f"-{suffix}" if suffix else "")
        path = SCREENSHOT_DIR / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=full_page)
        return path

    page.save_screenshot = save_screenshot
    page.wait_for_function = lambda expression, timeout=None, **_kw: _wait_for_function(page, expression, timeout)
    page.live_server_url = live_server.url
    try:
        yield page
    finally:
        context.close()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def log_in():
    """`log_in(page, user)`: authenticate the page's context as `user` without going through the form."""
    from django.test import Client

    def _log_in(page, user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": cookie.value,
                    "url": page.live_server_url,
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )
        return page

    return _log_in
