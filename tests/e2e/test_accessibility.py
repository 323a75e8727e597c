"""Every main page checked with axe-core (WCAG 2.1 A and AA rules) in the browser: no serious or
critical violation. axe is vendored for the tests (tests/e2e/vendor/axe-core) and run through
Playwright's evaluate, which the page's CSP does not govern."""

from pathlib import Path

import pytest
from django.utils import timezone

from targets.demo.seed import seed_demo
from targets.supervision.periods import reviewed_round

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page) -> list[str]:
    page.evaluate(AXE)
    return page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => `${v.id} (${v.impact}): ${v.help} — ` +"
        " v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' +"
        " n.any.map(a => a.message).join(' ')).join(', '))",
        WCAG,
    )


PAGES = {
    "jinjiang": [
        "/counties/510104/report/{period}/",
        "/counties/510104/report/{period}/measures/T1.1/",
        "/counties/510104/measures/T1.1/",
        "/counties/510104/",
        "/plan/",
        "/notifications/",
        "/values/import/",
    ],
    "province": [
        "/province/?period={period}",
        "/province/?period={period}&prefecture=510100",
        "/province/measures/T1.1/?period={period}",
        "/province/task-areas/T1/?period={period}",
        "/province/notes/?period={period}",
        "/province/indicators/D01/",
        "/province/goals/",
        "/province/pace/",
        "/province/briefing/?period={period}",
        "/review/",
        "/review/late/?period={period}",
        "/review/reminders/",
    ],
    "admin": ["/plan/import/"],
    "auditor": ["/audit/"],
}


@pytest.mark.parametrize("username", sorted(PAGES))
def test_the_main_pages_have_no_serious_accessibility_violation(
    app_data, live_server, page, login, username
):
    seed_demo()  # a demo round of notes, so that the tables have rows
    period = reviewed_round(timezone.localdate()).code
    problems = {}
    if username == "jinjiang":
        page.goto(f"{live_server.url}/login/")
        problems["/login/"] = violations(page)
    login(username)
    for path in PAGES[username]:
        page.goto(f"{live_server.url}{path.format(period=period)}")
        found = violations(page)
        if found:
            problems[path] = found
    assert {path: found for path, found in problems.items() if found} == {}
