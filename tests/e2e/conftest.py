"""Browser tests: Playwright's sync API driving Debian's Chromium (never a downloaded browser)
against pytest-django's live server.

Every test in this folder is marked ``e2e``. A test fails on any console error in the page and on
any request to a host other than the live server's; a test that expects an error (a 404 page, say)
declares it with ``expect_console_error``.
"""

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from targets.services.demo import DEMO_PASSWORD, seed_demo
from targets.services.divisions_data import load_divisions
from targets.services.plan_data import load_plan
from targets.services.reporting_setup import setup_reporting

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
DESKTOP = {"width": 1280, "height": 800}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests of this folder (only these) ``e2e`` and run them last (after pytest-django's
    own ordering): they are the slowest, and the flush after each of them empties the tables that
    the session's set-up filled, on which later transactional tests may count."""
    browser_tests = []
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            browser_tests.append(item)
    if browser_tests:
        chosen = set(browser_tests)
        items[:] = [item for item in items if item not in chosen] + browser_tests


@pytest.fixture(scope="package")
def browser() -> Iterator:
    """One headless Chromium for this folder's tests, closed after the last of them.

    Not kept for the whole session: while Playwright's sync API is started, Django takes every
    database call of the main thread for one from async code (see below), which would break the
    tests that pytest-django runs after these."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API marks its asyncio loop as running in the main thread; Django then
    # takes the test code's own database calls (fixtures, the flush after each test) for calls
    # from async code. They are not: they run one at a time in the main thread, so allow them
    # while the browser is up, and only then (`check --deploy` rejects the variable).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class PageProblems:
    """What went wrong in the page that the test did not ask for."""

    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    expected: list[re.Pattern] = field(default_factory=list)

    def unexpected_console_errors(self) -> list[str]:
        return [e for e in self.console_errors if not any(p.search(e) for p in self.expected)]


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def expect_console_error(page_problems) -> Callable[[str], None]:
    """``expect_console_error(regex)``: a console error matching it does not fail the test."""

    def expect(pattern: str) -> None:
        page_problems.expected.append(re.compile(pattern))

    return expect


@pytest.fixture
def page(browser, page_problems) -> Iterator:
    """A fresh context (zh-CN, desktop size) and page; fails the test on a console error or on a
    request that leaves the machine."""
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    context.set_default_timeout(10_000)

    def guard(route) -> None:
        url = route.request.url
        scheme, host = urlsplit(url).scheme, urlsplit(url).hostname
        if scheme in {"http", "https", "ws", "wss"} and host not in LOCAL_HOSTS:
            page_problems.foreign_requests.append(url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)

    def on_console(message) -> None:
        if message.type == "error":
            page_problems.console_errors.append(f"{message.text} ({message.location.get('url')})")

    page = context.new_page()
    page.on("console", on_console)
    page.on("pageerror", lambda error: page_problems.console_errors.append(f"uncaught: {error}"))
    yield page
    context.close()
    assert page_problems.unexpected_console_errors() == [], "console errors in the page"
    assert page_problems.foreign_requests == [], "requests to hosts other than the live server"


def _through_the_app(app):
    """The live server's "static handler" that leaves static files to the app itself."""
    return app


@pytest.fixture(scope="session")
def live_server(request) -> Iterator:
    """pytest-django's live server, except that static files are served as in production: by
    WhiteNoise, from STATIC_ROOT, collected afresh for the session (as ``make test`` does), so
    that the pages' hashed names match the current sources. pytest-django's own server serves
    them through the staticfiles finders, which know none of the hashed names."""
    from django.core.management import call_command
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    call_command("collectstatic", interactive=False, verbosity=0)

    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    server.thread.static_handler = _through_the_app
    # The live server speaks plain HTTP: its SecurityMiddleware, built as the server starts, must
    # not send the browser to https:// (HTTPS defaults to on when DEBUG is off).
    with override_settings(SECURE_SSL_REDIRECT=False):
        server.start()
    yield server
    server.stop()


@pytest.fixture
def app_data(transactional_db) -> None:
    """The divisions, the Decision and the demo accounts and indicators, in the database the live
    server sees (the flush after each transactional test removes them, so each test loads them)."""
    load_divisions()
    load_plan()
    setup_reporting()
    seed_demo(reports=False)


@pytest.fixture
def login(page, live_server) -> Callable[..., None]:
    """``login(username, password=DEMO_PASSWORD)``: sign in through the login form."""

    def sign_in(username: str, password: str = DEMO_PASSWORD) -> None:
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="登录", exact=True).click()
        if urlsplit(page.url).path == "/login/":
            errors = page.get_by_role("alert").all_inner_texts()
            pytest.fail(f"signing in as {username} failed: {errors}")

    return sign_in


@pytest.fixture
def screenshot(page, request) -> Callable[..., Path]:
    """``screenshot(suffix="")``: a full-page PNG in test-artifacts/screenshots/, named after the
    test (and the suffix); returns its path."""

    def take(suffix: str = "") -> Path:
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        path = SCREENSHOTS / f"{name}{'-' + suffix if suffix else ''}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        # To hide the caret Playwright sets an inline style on inputs and leaves `style=""` behind;
        # htmx would copy it onto swapped-in inputs, which the CSP refuses. No real browser does it.
        page.evaluate(
            """document.querySelectorAll('[style=""]').forEach(e => e.removeAttribute("style"))"""
        )
        return path

    return take
