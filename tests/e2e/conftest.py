"""Browser tests: Playwright's sync API driving Debian's Chromium (never a downloaded browser)
against pytest-django's live server.

Every test in this folder is marked ``chromium``: skipped where Chromium is missing, except in CI
(see tests/components.py). A test fails on any console error in the page and on any request to a
host other than the live server's; a test that expects an error (a 404 page, say) declares it with
``expect_console_error``.
"""

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model

from targets.accounts import two_factor
from targets.demo.seed import DEMO_PASSWORD, seed_demo
from targets.geography.loader import load_divisions
from targets.plan.loader import load_plan
from targets.supervision.reporting_setup import setup_reporting
from tests import two_factor as tests_two_factor
from tests.components import CHROMIUM

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
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
PHONE = {"width": 375, "height": 812}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests of this folder (only these) ``chromium`` and run them last (after
    pytest-django's own ordering): they are the slowest, and the flush after each of them empties
    the tables that the session's set-up filled, on which later transactional tests may count."""
    browser_tests = []
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.chromium)
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
def live_server(request, tmp_path_factory) -> Iterator:
    """pytest-django's live server, except that static files are served as in production: by
    WhiteNoise, from STATIC_ROOT, collected afresh for the session (as ``make test`` does), so
    that the pages' hashed names match the current sources. pytest-django's own server serves
    them through the staticfiles finders, which know none of the hashed names.

    Collected into a folder of the session's own: collectstatic rewrites the manifest and the
    CSS files, which another test process (of ``pytest -n``) may be serving at that moment."""
    from django.core.management import call_command
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    with override_settings(STATIC_ROOT=tmp_path_factory.mktemp("staticfiles")):
        call_command("collectstatic", interactive=False, verbosity=0)
        addr = (
            request.config.getvalue("liveserver")
            or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
            or "localhost"
        )
        server = LiveServer(addr, start=False)
        server.thread.static_handler = _through_the_app
        # The live server speaks plain HTTP: its SecurityMiddleware, built as the server starts,
        # must not send the browser to https:// (HTTPS defaults to on when DEBUG is off).
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
    """``login(username, password=DEMO_PASSWORD)``: sign in through the login form, and, for an
    account that owes a second factor (the admins), with the code of an authenticator enrolled
    with a known key (tests/two_factor.py) at the second step."""

    def sign_in(username: str, password: str = DEMO_PASSWORD) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is not None and two_factor.required_for(user):
            tests_two_factor.enrol(user)  # an authenticator with a known key
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="登录", exact=True).click()
        if urlsplit(page.url).path == "/login/code/":
            page.get_by_label("验证码").fill(tests_two_factor.fresh_code(user))
            with page.expect_navigation():
                page.get_by_role("button", name="验证", exact=True).click()
        if urlsplit(page.url).path in {"/login/", "/login/code/"}:
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
        return path

    return take


# The innermost elements that stick out past the right edge of the viewport, except those that a
# scrolling box clips (an absolutely positioned element escapes every box up to its containing
# block), to name in the failure message of a page that scrolls sideways.
STICKING_OUT = """() => {
  const width = document.documentElement.clientWidth;
  const positioned = (style) => style.position === "absolute" || style.position === "fixed";
  const clipped = (e) => {
    let escaping = positioned(getComputedStyle(e));
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (escaping && style.position === "static") continue;
      if (style.overflowX !== "visible") return true;
      escaping = positioned(style);
    }
    return false;
  };
  const out = [...document.body.querySelectorAll("*")].filter(
    (e) => e.getBoundingClientRect().right > width + 0.5 && !clipped(e));
  return out.filter((e) => !out.some((o) => o !== e && e.contains(o))).slice(0, 8).map((e) => {
    const name = e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
      [...e.classList].map((c) => "." + c).join("");
    const text = e.textContent.trim().slice(0, 20);
    return `${name} "${text}" (right edge ${Math.round(e.getBoundingClientRect().right)}px)`;
  });
}"""


def sideways_scroll(page, what: str) -> list[str]:
    """A complaint if the page is wider than the viewport (naming what sticks out), else none."""
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width <= width:
        return []
    return [
        f"{what}: {scroll_width}px wide at {width}px; sticking out: {page.evaluate(STICKING_OUT)}"
    ]


def cut_off(page, what: str, *locators) -> list[str]:
    """A complaint for each element of the locators that is hidden or not wholly inside the
    viewport from left to right (it may lie further down: the page scrolls that way)."""
    width = page.viewport_size["width"]
    complaints = []
    for locator in locators:
        for element in locator.all() or [locator]:
            box = element.bounding_box() if element.is_visible() else None
            if box is None:
                complaints.append(f"{what}: {element} is not visible")
            elif box["x"] < 0 or box["x"] + box["width"] > width + 0.5:
                right = round(box["x"] + box["width"])
                complaints.append(f"{what}: {element} spans {round(box['x'])}-{right}px")
    return complaints


# The tables wider than the viewport that no scrolling box narrower than the viewport holds: those
# make the page itself scroll sideways, or are cut off.
LOOSE_TABLES = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("main table")].filter((table) => {
    if (table.getBoundingClientRect().right <= width + 0.5) return false;
    for (let a = table.parentElement; a; a = a.parentElement) {
      if (["auto", "scroll"].includes(getComputedStyle(a).overflowX)) {
        return a.getBoundingClientRect().right > width + 0.5;
      }
    }
    return true;
  }).map((table) => (table.querySelector("th")?.textContent ?? "").trim().slice(0, 20));
}"""


def loose_tables(page, what: str) -> list[str]:
    """A complaint if a table too wide for the viewport does not scroll in a box of its own."""
    loose = page.evaluate(LOOSE_TABLES)
    return [f"{what}: tables not scrolling in their own box: {loose}"] if loose else []


# Table cells squeezed narrower than four characters and so wrapping their text over more than four
# lines: a table that shrinks its columns to fit a phone instead of scrolling in its box.
SQUEEZED_CELLS = """() => [...document.querySelectorAll("main td, main th")].filter((cell) => {
  const style = getComputedStyle(cell);
  const em = parseFloat(style.fontSize);
  const inner = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const line = parseFloat(style.lineHeight) || 1.6 * em;
  const contents = document.createRange();
  contents.selectNodeContents(cell);
  return inner < 4 * em && contents.getBoundingClientRect().height > 4 * line;
}).slice(0, 5).map((cell) => cell.textContent.trim().replace(/\\s+/g, " ").slice(0, 20))"""


def squeezed_cells(page, what: str) -> list[str]:
    """A complaint if table cells are squeezed too narrow to read."""
    squeezed = page.evaluate(SQUEEZED_CELLS)
    return [f"{what}: table cells squeezed too narrow to read: {squeezed}"] if squeezed else []


# The page's buttons and form fields that stick out of the viewport to the left or right, except
# those in a box that scrolls sideways (a wide table's).
CONTROLS_CUT_OFF = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (e) => {
    for (let a = e.parentElement; a; a = a.parentElement) {
      if (["auto", "scroll"].includes(getComputedStyle(a).overflowX)) return true;
    }
    return false;
  };
  const controls = "main :is(button, select, textarea, input:not([type=hidden]), a.button)";
  return [...document.querySelectorAll(controls)].filter((e) => {
    const box = e.getBoundingClientRect();
    return box.width > 0 && (box.left < -0.5 || box.right > width + 0.5) && !scrolls(e);
  }).slice(0, 5).map((e) => `${e.tagName.toLowerCase()} "${(e.textContent || e.name).trim()}"`);
}"""


def controls_cut_off(page, what: str) -> list[str]:
    """A complaint if buttons or form fields of the page stick out of the viewport sideways."""
    cut = page.evaluate(CONTROLS_CUT_OFF)
    return [f"{what}: buttons or fields cut off: {cut}"] if cut else []


def off_a_phone(page, what: str, *locators) -> list[str]:
    """Everything that does not fit the (phone-wide) viewport: the page scrolling sideways, tables
    wider than it outside a scrolling box or squeezed unreadable, buttons and fields cut off, and
    the given elements hidden or cut off."""
    return (
        sideways_scroll(page, what)
        + loose_tables(page, what)
        + squeezed_cells(page, what)
        + controls_cut_off(page, what)
        + cut_off(page, what, *locators)
    )
